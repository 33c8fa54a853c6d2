"""Rule tables (YAML files beside this module), loaded once and compiled into frozen objects.

A table's parsed data is kept in the user's cache folder (``rules/<name>.bin``, with the
digest of the YAML text it was parsed from), so a new process reads it back instead of
parsing the YAML again: parsing the tables was a fiftieth of a second of a cold conversion.
Where the folder cannot be written, the tables are parsed in each process (the regular
expressions' cache, kept in the same folder, says so)."""
from __future__ import annotations

import hashlib
import marshal
from functools import lru_cache
from importlib import resources

import yaml

# libyaml's loader where PyYAML was built with it: the rule tables load several times faster
# (a cold conversion reads them all), into the same data.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KEPT_VERSION = 1  # of the files the parsed tables are kept in


def read_yaml(text: str):
    """A rule table's YAML text as data (the safe loader)."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)


@lru_cache(maxsize=None)
def load_rules(name: str) -> dict:
    """The parsed YAML table ``<name>.yaml`` of this package (kept on disk between processes)."""
    from ..fsio import user_cache_folder, write_atomic

    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    digest = hashlib.sha256(f"{yaml.__version__}\0{text}".encode()).hexdigest()
    kept = user_cache_folder() / "rules" / f"{name}-v{KEPT_VERSION}-m{marshal.version}.bin"
    try:
        saved, data = marshal.loads(kept.read_bytes())
        if saved == digest:
            return data
    except (OSError, ValueError, EOFError, TypeError):
        pass
    data = read_yaml(text)
    try:
        write_atomic(kept, marshal.dumps((digest, data)))
    except (OSError, ValueError):  # a read-only cache; a value marshal cannot write
        pass
    return data
