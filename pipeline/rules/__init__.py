"""Rule tables (YAML files beside this module), loaded once and compiled into frozen objects."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=None)
def load_rules(name: str) -> dict:
    """The parsed YAML table ``<name>.yaml`` of this package."""
    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
