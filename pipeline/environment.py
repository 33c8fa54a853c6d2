"""The process environment a conversion runs in, held to its settings.

Everything a conversion depends on travels in its Settings, so a document gives the same bytes
on any machine. One thing does not by itself: reportlab reads the PDF's timestamp (and so a
plain PDF's ``/ID``) from the process environment's SOURCE_DATE_EPOCH. While a conversion renders,
``settings_environment`` holds that variable at the settings' value (set or unset), so the
environment of a process (a Dask worker started elsewhere, a caller of the Python API) makes
no difference, and the ``source_date_epoch`` setting and the variable give the same bytes.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from .config import Settings

EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"


class _Environment:
    """Holds SOURCE_DATE_EPOCH at one value while conversions that need it run (threads of a
    Dask worker run several at once); a conversion needing another value waits until those
    are done. Outside conversions the variable is what it was."""

    def __init__(self):
        self.changed = threading.Condition()
        self.users = 0
        self.value: str | None = None
        self.saved: str | None = None

    @contextmanager
    def holding(self, value: str | None) -> Iterator[None]:
        with self.changed:
            while self.users and self.value != value:
                self.changed.wait()
            if self.users == 0:
                self.saved, self.value = os.environ.get(EPOCH_VARIABLE), value
                _set_epoch(value)
            self.users += 1
        try:
            yield
        finally:
            with self.changed:
                self.users -= 1
                if self.users == 0:
                    _set_epoch(self.saved)
                    self.changed.notify_all()


def _set_epoch(value: str | None) -> None:
    if value is None:
        os.environ.pop(EPOCH_VARIABLE, None)
    else:
        os.environ[EPOCH_VARIABLE] = value


_environment = _Environment()


def settings_environment(settings: "Settings"):
    """A context in which the process environment agrees with ``settings`` (SOURCE_DATE_EPOCH)."""
    epoch = settings.source_date_epoch
    return _environment.holding(None if epoch is None else str(int(epoch)))
