"""Imported by the forkserver that starts a batch's local worker processes: it warms up once
(imports, schema, rules, fonts: ``worker.warm_up`` with the default settings), so that every
worker forked from it, the first ones and each replacement, starts warm instead of spending a
third of a second of its own on the same work before its first document. Its regular
expressions are made from the programs the command line keeps (``regex_cache``), as the
command's own are: compiling them was a third of the warm-up.

A worker still calls ``warm_up`` with its batch's settings; what they share with the defaults
(all of it, unless they choose other fonts) is then already loaded.
"""
from __future__ import annotations

from .. import regex_cache
from ..config import Settings
from ..fsio import user_cache_folder
from .worker import quiet_logs, warm_up

quiet_logs()
with regex_cache.kept_patterns(user_cache_folder()):
    warm_up(Settings(), Settings().formats)
    # What the warm-up's page does not need and the command line imports only when a page
    # does (an undeclared encoding, a saved message, a transport's date): once here, not
    # once per worker.
    import charset_normalizer  # noqa: E402, F401
    import email.policy  # noqa: E402, F401
    import email.utils  # noqa: E402, F401
