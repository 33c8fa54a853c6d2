"""The ``batch`` and ``check`` commands (registered on the main ``pipeline`` group).

``pipeline batch SRC... -o OUTDIR`` converts every document under the inputs into a mirrored
output tree; ``pipeline check OUTDIR`` tells whether those outputs are still up to date.
Exit codes: 0 all converted (up to date), 1 some failed (out of date; or warnings with
``--fail-on warning``), 2 usage error, 130 interrupted.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import click

from . import __version__
from .config import FORMATS, load_settings, settings_hash
from .errors import PipelineError, UsageError, exit_code

EXIT_INTERRUPTED = 130


def _fail(message: str, code: int) -> None:
    click.echo(f"pipeline: {message}", err=True)
    sys.exit(code)


def _settings(config: Path | None, formats: tuple[str, ...] | None):
    if config is None and Path("config.yaml").is_file():
        config = Path("config.yaml")
    return load_settings(config, formats=formats or None)


def _parse_formats(values: tuple[str, ...]) -> tuple[str, ...]:
    formats: list[str] = []
    for value in values:
        for fmt in value.split(","):
            fmt = fmt.strip().lower()
            if not fmt:
                continue
            if fmt not in FORMATS:
                raise click.BadParameter(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}",
                                         param_hint="'-f' / '--format'")
            if fmt not in formats:
                formats.append(fmt)
    return tuple(formats)


config_option = click.option(
    "--config", type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (YAML). Default: config.yaml in the current folder, if there is one.")
format_option = click.option(
    "-f", "--format", "formats", multiple=True, metavar="FMT",
    help=f"Output format, repeatable or comma-separated ({', '.join(FORMATS)}). Default: the settings' formats.")


@click.command("batch")
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[SRC]...")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (mirrors the input paths). Default: the settings' output.")
@format_option
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes. Default: one per CPU.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.json",
              help="Write the report JSON (per input: status, error, warnings, outputs).")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xml",
              help="Write a JUnit XML report (one test case per input).")
@click.option("--resume", is_flag=True,
              help="Skip documents whose input bytes, settings and tool version are unchanged "
                   "since the last batch into OUTDIR.")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Only inputs matching GLOB (repeatable; replaces the default list of web page, "
                   "text and archive suffixes). Without '/' a glob matches the file name, with '/' the path.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Leave out inputs (or folders) matching GLOB.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300.0, show_default=True,
              metavar="SECONDS", help="Time limit per document.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit 1 when a document failed (error) or also when one has warnings (warning).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Worker processes on this machine, or a Dask distributed cluster.")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address (tcp://host:8786), with --executor dask.")
@click.option("--progress", type=click.Choice(["auto", "bar", "plain", "off"]), default="auto", show_default=True,
              help="Progress on stderr: a bar on a terminal, periodic lines otherwise.")
@config_option
def batch(sources, outdir, formats, jobs, report, junit, resume, include, exclude, timeout, fail_on,
          executor, scheduler, progress, config):
    """Convert every document under SRC (folders, files, zip, WARC, MHTML) into OUTDIR.

    Writes OUTDIR/<input path without its extension>.<format> for each document, plus
    OUTDIR/manifest.json and OUTDIR/index.html.
    """
    from .batch.progress import Progress
    from .batch.runner import BatchInterrupted, BatchOptions, run_batch
    from .batch.sources import DEFAULT_INCLUDE, Selector

    try:
        settings = _settings(config, _parse_formats(formats))
        sources = list(sources) or [settings.input]
        for src in sources:
            if not Path(src).exists():
                raise UsageError(f"{src}: no such file or folder")
        if executor == "dask" and not scheduler:
            raise UsageError("--executor dask needs --scheduler ADDRESS")
        options = BatchOptions(
            sources=[Path(s) for s in sources], outdir=Path(outdir or settings.output),
            formats=tuple(settings.formats), jobs=jobs or 0, timeout=timeout, resume=resume,
            selector=Selector(tuple(include) or DEFAULT_INCLUDE, tuple(exclude)),
            report=report, junit=junit, fail_on_warning=fail_on == "warning",
            executor=executor, scheduler=scheduler)
        bar = Progress(mode=progress)
        if bar.mode != "off":
            options.outdir.mkdir(parents=True, exist_ok=True)  # so the count never walks into it
            from .batch.sources import count_items

            bar.count_in_background(
                lambda: count_items(options.sources, options.selector, skip_dirs=[options.outdir]))
        try:
            outcome = run_batch(options, settings, progress=bar)
        finally:
            bar.close()
    except BatchInterrupted as exc:
        _fail(str(exc), EXIT_INTERRUPTED)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except PipelineError as exc:
        _fail(str(exc), exit_code(exc) if isinstance(exc, UsageError) else 1)
    except OSError as exc:  # the output folder cannot be written (full, read-only …)
        _fail(f"{exc.filename or outdir or 'output'}: {exc.strerror or exc}", 1)

    s = outcome.summary
    if s.total == 0:
        click.echo(f"pipeline: no documents found under {', '.join(str(p) for p in options.sources)} "
                   f"(looking for {' '.join(options.selector.include)})", err=True)
    rate = outcome.converted / outcome.elapsed if outcome.elapsed > 0 else 0.0
    click.echo(
        f"ok {s.ok}, failed {s.failed}, skipped {s.skipped} ({s.with_warnings} with warnings); "
        f"{outcome.converted} converted in {outcome.elapsed:.1f} s, {rate:.1f} docs/s", err=True)
    if s.failed or (fail_on == "warning" and s.with_warnings):
        sys.exit(1)


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


def stale_reason(outdir: Path, entry: dict | None, item, current_hash: str) -> str | None:
    """Why ``item``'s outputs are not up to date (None when they are, or it fails unchanged)."""
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
    if entry.get("status") != "ok":
        return None
    for fmt, output in sorted((entry.get("outputs") or {}).items()):
        found = _sha256_file(outdir / output["path"])
        if found is None:
            return f"output {output['path']} is missing"
        if found != output.get("sha256"):
            return f"output {output['path']} was modified"
    return None


@click.command("check")
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[SRC]...")
@format_option
@config_option
def check(outdir, sources, formats, config):
    """Tell whether the outputs in OUTDIR are up to date with their inputs and settings.

    Reads OUTDIR/manifest.json; the inputs are the batch's SRC paths recorded there, unless
    given. Exit 0 when every output is current, 1 when some are not (each named on one line).
    """
    from .batch import manifest as mf
    from .batch.sources import Selector, iter_items

    try:
        state = mf.read_state(outdir)
        if not state.exists:
            raise UsageError(f"{outdir}: no {mf.MANIFEST_NAME}; run pipeline batch first")
        header = state.header
        settings = _settings(config, _parse_formats(formats) or tuple(header.get("formats") or ()))
        current_hash = settings_hash(settings)
        sources = list(sources) or [Path(s) for s in header.get("sources") or []]
        missing = [str(s) for s in sources if not Path(s).exists()]
        if missing or not sources:
            raise UsageError(f"input {', '.join(missing) or '(none recorded)'} not found; "
                             "give the batch's SRC paths after OUTDIR")
        selector = Selector(tuple(header.get("include") or ()) or Selector().include,
                            tuple(header.get("exclude") or ()))
        seen: set[str] = set()
        current = stale = failed = 0
        for item in iter_items(sources, selector, skip_dirs=[outdir], picture_root=settings.image_dir):
            if item.key in seen:
                continue
            seen.add(item.key)
            entry = state.entries.get(item.key)
            reason = stale_reason(outdir, entry, item, current_hash)
            if reason:
                stale += 1
                click.echo(f"{item.key}: {reason}")
            elif entry.get("status") == "failed":
                failed += 1
            else:
                current += 1
        for key in state.entries:
            if key not in seen:
                stale += 1
                click.echo(f"{key}: input no longer exists; its outputs are stale")
    except PipelineError as exc:
        _fail(str(exc), exit_code(exc) if isinstance(exc, UsageError) else 1)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except OSError as exc:
        _fail(f"{exc.filename or outdir}: {exc.strerror or exc}", 1)
    note = f", {failed} failed unchanged" if failed else ""
    click.echo(f"{current} up to date, {stale} out of date{note}", err=True)
    if stale:
        sys.exit(1)
