"""The exception hierarchy and the one table that maps each error to an exit code.

Every failure the tool reports is a PipelineError; the CLI prints ``str(error)`` on one line
(prefixed by the input's name) and exits with ``exit_code(error)``: 0 all converted, 1 some
input failed, 2 a usage error, 3 the output cannot be written, 130 interrupted.
"""
from __future__ import annotations


class PipelineError(Exception):
    """Base of every error the tool reports to its user."""


class UsageError(PipelineError):
    """Bad options, unknown config keys, unknown transform or format names."""


class InputError(PipelineError):
    """An input that cannot be read or decoded, or holds no report."""


class InvalidIR(PipelineError):
    """An IR document that does not validate against the schema."""


class RenderError(PipelineError):
    """A writer could not render the IR (missing font, unhandled element...)."""


class OutputError(PipelineError):
    """The output place cannot be written (read-only, no permission, no space, not a folder):
    nothing more can be written, so the command stops."""


EXIT_CODES: dict[type[PipelineError], int] = {
    UsageError: 2,
    InputError: 1,
    InvalidIR: 1,
    RenderError: 1,
    OutputError: 3,
}


def exit_code(error: BaseException) -> int:
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1
