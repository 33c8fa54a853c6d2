"""The ``batch``, ``run`` and ``check`` commands (registered on the main ``pipeline`` group).

``pipeline batch SRC... -o OUTDIR`` converts every document under the inputs into a mirrored
output tree; ``pipeline run`` is the same batch with the inputs, output folder and settings of
``config.yaml``; ``pipeline check OUTDIR`` tells whether those outputs are still up to date.
Exit codes: 0 all converted (up to date), 1 some failed (out of date; or warnings with
``--fail-on warning``), 2 usage error, 3 the output cannot be written, 130 interrupted.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__, logs
from .cli_options import (EXIT_INTERRUPTED, JOB_CONFIG_HELP, collect_from_here, common_options, config_path, fail,
                          format_option, info, run_command)
from .errors import UsageError
from .logs import WarningFilter

if TYPE_CHECKING:
    from .config import Settings


def batch_options(fn):
    """The options ``batch`` and ``run`` share."""
    options = [
        format_option("Output formats. Default: the settings' formats."),
        click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes. Default: one per CPU."),
        click.option("--report", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.json",
                     help="Write the report JSON (per input: status, error, warnings, title, date, "
                          "publisher, outputs)."),
        click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xml",
                     help="Write a JUnit XML report (one test case per input) for CI test views."),
        click.option("--resume", is_flag=True,
                     help="Skip documents whose input bytes, settings and tool version are unchanged "
                          "since the last batch into the output folder."),
        click.option("--include", multiple=True, metavar="GLOB",
                     help="Only inputs matching GLOB (repeatable; replaces the default list of web page, "
                          "text and archive suffixes). Without '/' a glob matches the file name, with '/' the path."),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Leave out inputs (or folders) matching GLOB."),
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300.0, show_default=True,
                     metavar="SECONDS", help="Time limit per document."),
        click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
                     help="Exit 1 when a document failed (error) or also when one has warnings (warning)."),
        click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                     help="Worker processes on this machine, or a Dask distributed cluster."),
        click.option("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler address (tcp://host:8786), with --executor dask."),
        click.option("--progress", type=click.Choice(["auto", "bar", "plain", "off"]), default="auto",
                     show_default=True, help="Progress on stderr: a bar on a terminal, periodic lines otherwise."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def start_local_workers(executor: str) -> None:
    """With local workers, start the forkserver they are forked from first thing: it warms up
    on the other core while this process reads its settings and inputs (``batch.forkserver``)."""
    if executor == "local":
        from .batch import forkserver

        forkserver.start()


def run_job(settings: Settings, sources: list[Path], outdir: Path, *, config: Path | None,
            shown: WarningFilter, jobs, report, junit, resume, include, exclude, timeout, fail_on,
            executor, scheduler, progress) -> None:
    """The batch engine with these settings: convert, write outputs, manifest, reports; exit."""
    collect_from_here()
    from .batch.progress import Progress
    from .batch.runner import BatchInterrupted, BatchOptions, run_batch
    from .fsio import ensure_writable
    from .batch.sources import DEFAULT_INCLUDE, Selector, count_items

    for src in sources:
        if not Path(src).exists():
            raise UsageError(f"{src}: no such file or folder")
    if executor == "dask" and not scheduler:
        raise UsageError("--executor dask needs --scheduler ADDRESS")
    options = BatchOptions(
        sources=[Path(s) for s in sources], outdir=Path(outdir), formats=tuple(settings.formats),
        jobs=jobs or 0, timeout=timeout, resume=resume,
        selector=Selector(tuple(include) or DEFAULT_INCLUDE, tuple(exclude)),
        report=report, junit=junit, fail_on_warning=fail_on == "warning",
        executor=executor, scheduler=scheduler, ignore_warnings=shown.ignore,
        config=None if config is None else str(config))
    bar = Progress(mode="off" if logs.verbosity() < 0 else progress)
    try:
        if bar.mode != "off":
            ensure_writable(options.outdir)  # made first, so the count never walks into it
            bar.count_in_background(
                lambda: count_items(options.sources, options.selector, skip_dirs=[options.outdir]))
        with logs.writing_through(bar.write):
            outcome = run_batch(options, settings, progress=bar)
    except BatchInterrupted as exc:
        fail(str(exc), EXIT_INTERRUPTED)
    finally:
        bar.close()

    s = outcome.summary
    if s.total == 0:
        info(f"no documents found under {', '.join(str(p) for p in options.sources)} "
             f"(looking for {' '.join(options.selector.include)})")
    rate = outcome.converted / outcome.elapsed if outcome.elapsed > 0 else 0.0
    info(f"ok {s.ok}, failed {s.failed}, skipped {s.skipped} ({s.with_warnings} with warnings); "
         f"{outcome.converted} converted in {outcome.elapsed:.1f} s, {rate:.1f} docs/s")
    if s.failed or (fail_on == "warning" and s.with_warnings):
        sys.exit(1)


@click.command("batch", short_help="Convert folders and archives into a mirrored tree.", epilog="""\b
Examples:
  pipeline batch input/ -o output/ --report output/report.json --junit junit.xml
  pipeline batch crawl.warc.gz reports.zip -o out/ -f pdf,docx --resume
  pipeline batch input/ -o output/ --ignore-warning 'picture-*' --fail-on warning
""")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path), metavar="[SRC]...")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (mirrors the input paths). Default: the settings' output.")
@batch_options
@common_options()
@run_command
def batch(sources, outdir, formats, config, ignore_warnings, **options):
    """Convert every document under SRC (folders, files, zip, WARC, MHTML) into OUTDIR.

    Writes OUTDIR/<input path without its extension>.<format> for each document, plus
    OUTDIR/manifest.json and OUTDIR/index.html.
    """
    start_local_workers(options["executor"])
    config = config_path(config)
    from .config import load_settings

    settings = load_settings(config, formats=formats)
    run_job(settings, list(sources) or [settings.input], outdir or settings.output, config=config,
            shown=ignore_warnings, **options)


@click.command("run", short_help="Run the job in config.yaml (a batch).", epilog="""\b
Examples:
  pipeline run                          the job in ./config.yaml
  pipeline run --config jobs/2023.yaml --resume
  pipeline run -q --junit junit.xml     errors only; JUnit XML for CI
""")
@batch_options
@common_options(config=JOB_CONFIG_HELP)
@run_command
def run(formats, config, ignore_warnings, report, **options):
    """Run the job in config.yaml: convert its input folder into its output folder.

    The same batch as `pipeline batch INPUT -o OUTPUT` with the settings of the config file:
    mirrored names, zip/WARC/MHTML archives, OUTPUT/manifest.json, OUTPUT/index.html and
    OUTPUT/report.json (unless --report says elsewhere).
    """
    start_local_workers(options["executor"])
    config = config_path(config, job=True)
    from .config import load_settings

    settings = load_settings(config, formats=formats)
    if not settings.input.exists():
        where = f" (set `input:` in {config})" if config else " (no config.yaml here; give --config)"
        raise UsageError(f"{settings.input}: input folder not found{where}")
    run_job(settings, [settings.input], settings.output, config=config, shown=ignore_warnings,
            report=report or settings.output / "report.json", **options)


# --- check -----------------------------------------------------------------------------


def _sha256_file(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def stale_reason(outdir: Path, entry: dict | None, item, current_hash: str, shaping: dict,
                 recorded_shaping: dict | None) -> str | None:
    """Why ``item``'s outputs are not up to date (None when they are, or it fails unchanged);
    ``shaping``: ``shaped_by`` now, ``recorded_shaping``: the manifest's."""
    from .batch import manifest as mf

    if entry is None:
        return "not converted yet"
    if item.error:
        if entry.get("status") == "failed" and entry.get("error") == item.error:
            return None
        return f"cannot be read: {item.error}"
    sha = item.document.fingerprint()
    if entry.get("input_sha256") != sha:
        return "input changed since it was converted"
    if entry.get("settings_hash") != current_hash:
        return "settings changed since it was converted"
    if entry.get("tool_version") != __version__:
        return f"converted by pipeline {entry.get('tool_version')}, this is {__version__}"
    if entry.get("shaped_by_hash") != mf.shaping_hash(shaping):
        changes = mf.shaping_changes(recorded_shaping, shaping) or ["an earlier batch's versions or fonts"]
        return "converted with other versions or fonts: " + "; ".join(changes)
    if entry.get("status") != "ok":
        return None
    for fmt, output in sorted((entry.get("outputs") or {}).items()):
        found = _sha256_file(outdir / output["path"])
        if found is None:
            return f"output {output['path']} is missing"
        if found != output.get("sha256"):
            return f"output {output['path']} was modified"
    return None


@click.command("check", short_help="Tell whether a batch's outputs are up to date.", epilog="""\b
Examples:
  pipeline check output/
  pipeline check output/ input/ --config config.yaml
""")
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[SRC]...")
@format_option("Formats to check for. Default: the manifest's formats.")
@common_options(config="Settings file (YAML; also accepted before the command name, or from the "
                       "PIPELINE_CONFIG environment variable). Default: the one the batch read "
                       "(recorded in the manifest), else the built-in settings.", warnings=False)
@run_command
def check(outdir, sources, formats, config):
    """Tell whether the outputs in OUTDIR are up to date with their inputs and settings.

    Reads OUTDIR/manifest.json; the inputs are the batch's SRC paths recorded there, unless
    given. Exit 0 when every output is current, 1 when some are not (each named on one line).
    """
    from .batch import manifest as mf
    from .batch.sources import Selector, iter_items
    from .config import load_settings, settings_hash

    state = mf.read_state(outdir)
    if not state.exists:
        raise UsageError(f"{outdir}: no {mf.MANIFEST_NAME}; run pipeline batch first")
    header = state.header
    config = config_path(config)
    if config is None and header.get("config") and Path(header["config"]).is_file():
        config = Path(header["config"])
    settings = load_settings(config, formats=formats or tuple(header.get("formats") or ()) or None)
    current_hash = settings_hash(settings)
    shaping = mf.shaped_by(settings, settings.formats)
    sources = list(sources) or [Path(s) for s in header.get("sources") or []]
    missing = [str(s) for s in sources if not Path(s).exists()]
    if missing or not sources:
        raise UsageError(f"input {', '.join(missing) or '(none recorded)'} not found; "
                         "give the batch's SRC paths after OUTDIR")
    selector = Selector(tuple(header.get("include") or ()) or Selector().include,
                        tuple(header.get("exclude") or ()))
    seen: set[str] = set()
    current = stale = failed = 0
    try:
        for item in iter_items(sources, selector, skip_dirs=[outdir], picture_root=settings.image_dir):
            if item.key in seen:
                continue
            seen.add(item.key)
            entry = state.entries.get(item.key)
            reason = stale_reason(outdir, entry, item, current_hash, shaping, header.get("shaped_by"))
            if reason:
                stale += 1
                click.echo(f"{item.key}: {reason}")
            elif entry.get("status") == "failed":
                failed += 1
            else:
                current += 1
    except OSError as exc:
        fail(f"{exc.filename or outdir}: {exc.strerror or exc}", 1)
    for key in state.entries:
        if key not in seen:
            stale += 1
            click.echo(f"{key}: input no longer exists; its outputs are stale")
    note = f", {failed} failed unchanged" if failed else ""
    info(f"{current} up to date, {stale} out of date{note}")
    if stale:
        sys.exit(1)
