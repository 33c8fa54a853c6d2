"""What every command of the ``pipeline`` command line shares: ``--version``, ``--config``
(and where settings come from), ``--quiet`` / ``--verbose`` / ``--ignore-warning``, the
``-f`` format list, and turning errors into one line and an exit code.

Settings: ``--config FILE`` (after the command name, or before it: ``pipeline --config FILE
convert …``), else the ``PIPELINE_CONFIG`` environment variable, else the built-in defaults.
Only ``pipeline run`` also reads ``./config.yaml`` by itself, being the job that file describes.
"""
from __future__ import annotations

import functools
import gc
import inspect
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from . import __version__, logs, regex_cache
from .writers import FORMATS
from .errors import PipelineError, exit_code

CONFIG_VARIABLE = "PIPELINE_CONFIG"
JOB_CONFIG = Path("config.yaml")
EXIT_INTERRUPTED = 130
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

CONFIG_HELP = (f"Settings file (YAML; also accepted before the command name, or from the {CONFIG_VARIABLE} "
               "environment variable). Default: the built-in settings.")
JOB_CONFIG_HELP = (f"Settings file (YAML; also accepted before the command name, or from the {CONFIG_VARIABLE} "
                   "environment variable). Default: ./config.yaml.")


class FormatList(click.ParamType):
    """``-f pdf``, ``-f xml,TXT``, repeated or comma-separated, any case."""

    name = "FMT"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        names = []
        for part in str(value).split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name not in FORMATS:
                self.fail(f"unknown format {part.strip()!r}; known: {', '.join(FORMATS)}", param, ctx)
            names.append(name)
        return tuple(names)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(name) for name in FORMATS if name.startswith(incomplete.lower())]


def _flatten_formats(ctx, param, value) -> tuple[str, ...] | None:
    names: list[str] = []
    for group in value or ():
        names.extend(n for n in group if n not in names)
    return tuple(names) or None


def format_option(help: str):
    return click.option("-f", "--format", "formats", type=FormatList(), multiple=True, callback=_flatten_formats,
                        help=f"{help} Any of {', '.join(FORMATS)}, comma-separated or repeated, any case.")


def common_options(*, config: str | None = CONFIG_HELP, warnings: bool = True):
    """``--version``, ``--config`` (unless ``config`` is None), ``-q``, ``-v`` and, with
    ``warnings``, ``--ignore-warning``. The command receives ``config`` and ``log`` (a
    ``logs`` session factory taking no arguments)."""
    def decorate(fn):
        options = [
            click.version_option(__version__, "--version", prog_name="pipeline",
                                 help="Show the version and exit."),
            click.option("-q", "--quiet", is_flag=True, help="Show errors only (no warnings, progress or summary)."),
            click.option("-v", "--verbose", count=True,
                         help="Also show details and other libraries' messages; -vv shows everything."),
        ]
        if warnings:
            options.append(click.option(
                "--ignore-warning", "ignore_warnings", multiple=True, metavar="CODE",
                help="Hide warnings of this code (a glob such as 'picture-*'; repeatable or "
                     "comma-separated); with batch and run, also from the reports and --fail-on."))
        if config is not None:
            options.append(click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
                                        metavar="FILE", help=config))
        for option in reversed(options):
            fn = option(fn)
        return fn
    return decorate


def verbosity(quiet: bool, verbose: int) -> int:
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    return -1 if quiet else min(verbose, 2)


def config_path(given: Path | None, job: bool = False) -> Path | None:
    """The settings file a command reads: its ``--config``, the one given before the command
    name, ``$PIPELINE_CONFIG``, or (``job``: ``pipeline run`` only) ``./config.yaml``."""
    if given is not None:
        return given
    ctx = click.get_current_context(silent=True)
    before = ctx.find_root().params.get("config") if ctx is not None else None
    if before is not None:
        return before
    if os.environ.get(CONFIG_VARIABLE):
        return Path(os.environ[CONFIG_VARIABLE])
    if job and JOB_CONFIG.is_file():
        return JOB_CONFIG
    return None


def run_command(body):
    """Run a command's body inside a logging session: ``quiet``, ``verbose`` and
    ``ignore_warnings`` become the session; a PipelineError becomes its one line and exit code;
    Ctrl-C exits 130. Regular expressions are made from the programs kept by earlier runs
    (``regex_cache``)."""
    wants_filter = "ignore_warnings" in inspect.signature(body).parameters

    @functools.wraps(body)
    def wrapper(*args, quiet=False, verbose=0, ignore_warnings=(), **kwargs):
        level = verbosity(quiet, verbose)
        shown = logs.WarningFilter(ignore_warnings)
        from .fsio import user_cache_folder

        with logs.session(level, shown), regex_cache.kept_patterns(user_cache_folder()):
            try:
                if wants_filter:
                    kwargs["ignore_warnings"] = shown
                return body(*args, **kwargs)
            except PipelineError as exc:
                fail(str(exc), exit_code(exc))
            except KeyboardInterrupt:
                fail("interrupted", EXIT_INTERRUPTED)
    return wrapper


def fail(message: str, code: int) -> NoReturn:
    logs.LOG.error("%s", message)
    sys.exit(code)


def info(message: str) -> None:
    """A summary line (hidden by --quiet)."""
    logs.LOG.info("%s", message)


# --- the garbage collector ---------------------------------------------------------------
# A command's imports and tables (the libraries, the rules, the fonts' widths) are hundreds of
# thousands of objects that live as long as the process, and a conversion leaves few cycles
# (a reference-size document about two thousand objects): collecting while one document
# converts, and once more at exit, is work without a return: a fifth of the instructions of
# a cold `pipeline convert`. So the command line runs with the collector off (``cli.entry``); whatever
# converts more than one document turns it back on once the first is done, or at once for a
# batch, with everything made until then frozen out of later collections.

def collect_from_here() -> None:
    """The collector on, leaving what exists now (imports, tables) out of its collections."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
