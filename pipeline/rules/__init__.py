"""Rule tables (YAML files beside this module), loaded once and compiled into frozen objects."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

# libyaml's loader where PyYAML was built with it: the rule tables load several times faster
# (a cold conversion reads them all), into the same data.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str):
    """A rule table's YAML text as data (the safe loader)."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)


@lru_cache(maxsize=None)
def load_rules(name: str) -> dict:
    """The parsed YAML table ``<name>.yaml`` of this package."""
    return read_yaml(resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8"))
