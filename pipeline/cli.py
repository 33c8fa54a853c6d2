"""The ``pipeline`` command line (click): convert, inspect, validate, run, fonts, batch, check.

The CLI is an edge: it reads files and stdin, builds Settings, calls the in-memory core and
writes outputs atomically. Errors become one line on stderr and an exit code from
``errors.exit_code`` (0 all converted, 1 some input failed, 2 usage error).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__, ir
from .config import FORMATS, Settings, load_settings
from .convert import convert
from .errors import PipelineError, UsageError, exit_code
from .fsio import folder_pictures, stem_of, write_atomic
from .inspect import outline, summary
from .load import HTML_SUFFIXES, TEXT_SUFFIXES, Document
from .batch.sources import MHTML_SUFFIXES, ZIP_SUFFIXES, WARC_SUFFIXES
from .writers import EXTENSIONS
from .cli_batch import batch, check

DEFAULT_CONFIG = Path("config.yaml")
INPUT_SUFFIXES = HTML_SUFFIXES + TEXT_SUFFIXES + MHTML_SUFFIXES + ZIP_SUFFIXES + WARC_SUFFIXES


def _formats(values: tuple[str, ...]) -> tuple[str, ...] | None:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    return tuple(names) or None


def _settings(config: Path | None, **overrides) -> Settings:
    if config is None and DEFAULT_CONFIG.is_file():
        config = DEFAULT_CONFIG
    return load_settings(config, **overrides)


def _read(src: str, settings: Settings, root: Path | None = None) -> list[tuple[str, str, Document]]:
    """The documents at ``src`` (``-``: stdin) as (name, output stem, document): one for a
    page, with the pictures beside it; one per page for a zip archive, named as a batch
    names them. Names are relative to ``root`` when given, so that outputs do not depend on
    where the job was started from."""
    if src == "-":
        return [("stdin", "stdin", Document("stdin", sys.stdin.buffer.read()))]
    path = Path(src)
    name = path.relative_to(root).as_posix() if root is not None else str(path)
    if path.is_dir():
        raise PipelineError("is a directory (use `pipeline batch` for folders)")
    if path.suffix.lower() in ZIP_SUFFIXES:
        from .batch.sources import Selector, iter_items  # noqa: PLC0415

        found = []
        for item in iter_items([path], Selector(), picture_root=settings.image_dir):
            if item.error:
                raise PipelineError(item.error)
            found.append((f"{name}/{item.key.split('/', 1)[1]}", f"{stem_of(name)}/{item.out_base.split('/', 1)[1]}",
                          item.document))
        if not found:
            raise PipelineError("zip archive holds no page")
        return found
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PipelineError(f"cannot read: {exc.strerror}") from None
    resources, base = folder_pictures(data, path, settings.image_dir)
    return [(name, stem_of(name), Document(name, data, resources=resources, base=base))]


def _fail(name: str, error: BaseException) -> None:
    if isinstance(error, PipelineError):
        message = str(error)
    else:
        message = f"internal error: {type(error).__name__}: {error}"
    click.echo(f"pipeline: {name}: {message}", err=True)


def _usage_guard(fn):
    """Run a command body; turn a PipelineError into its one-line message and exit code."""
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PipelineError as exc:
            click.echo(f"pipeline: {exc}", err=True)
            sys.exit(exit_code(exc))
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def convert_files(sources, outdir: Path, settings: Settings, formats, root: Path | None = None) -> int:
    """Convert each source into ``outdir/<stem>.<ext>``; return the number that failed."""
    failed = 0
    written: dict[str, str] = {}  # output stem → the source it came from
    for src in sources:
        try:
            documents = _read(src, settings, root)
        except Exception as exc:  # one bad input must not stop the others
            _fail("stdin" if src == "-" else src, exc)
            failed += 1
            continue
        for name, stem, document in documents:
            try:
                if stem in written:
                    raise PipelineError(f"its outputs would overwrite those of {written[stem]} "
                                        "(same file name; `pipeline batch` mirrors folders)")
                result = convert(document, settings, formats)
            except Exception as exc:
                _fail(name, exc)
                failed += 1
                continue
            written[stem] = name
            for fmt, data in result.outputs.items():
                write_atomic(outdir / (stem + EXTENSIONS[fmt]), data)
            for diag in result.diagnostics:
                click.echo(f"pipeline: {name}: warning: {diag}", err=True)
    return failed


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="pipeline")
def main():
    """Turn government report web pages into structured XML, DOCX, PDF and plain text."""


config_option = click.option(
    "--config", "config", type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (YAML). Default: ./config.yaml when present.")


@main.command("convert")
@click.argument("sources", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for the outputs (<stem>.<ext> per source).")
@click.option("-f", "--format", "formats", multiple=True,
              help=f"Output formats, comma-separated or repeated ({', '.join(FORMATS)}). Default: from config.")
@click.option("--reference-docx", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A .docx whose styles the DOCX output uses (as pandoc's --reference-doc).")
@config_option
@_usage_guard
def convert_command(sources, outdir, formats, reference_docx, config):
    """Convert SOURCES (files, or - for stdin) into OUTDIR."""
    settings = _settings(config, formats=_formats(formats))
    if reference_docx:
        settings = settings.model_copy(update={"docx": settings.docx.model_copy(update={"reference_docx": reference_docx})})
    from .writers import get_writer
    for fmt in settings.formats:
        get_writer(fmt)
    failed = convert_files(sources, outdir, settings, settings.formats)
    sys.exit(1 if failed else 0)


@main.command("inspect")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of an outline.")
@config_option
@_usage_guard
def inspect_command(source, as_json, config):
    """Show the metadata, heading tree, counts and warnings of SOURCE."""
    settings = _settings(config)
    try:
        documents = _read(source, settings)
        if len(documents) != 1:
            raise PipelineError(f"holds {len(documents)} pages: inspect them one by one")
        tree = convert(documents[0][2], settings, formats=("xml",)).tree
    except Exception as exc:
        _fail(source, exc)
        sys.exit(exit_code(exc) if isinstance(exc, PipelineError) else 1)
    info = summary(tree)
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        click.echo(outline(info))


@main.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def validate_command(file):
    """Check FILE against the IR schema: exit 0 when valid, 1 with the problems otherwise."""
    try:
        tree = ir.parse(file.read_bytes())
    except PipelineError as exc:
        click.echo(f"{file}: {exc}", err=True)
        sys.exit(1)
    found = ir.problems(tree)
    for problem in found:
        click.echo(f"{file}: {problem}", err=True)
    if found:
        sys.exit(1)
    click.echo(f"{file}: valid")


@main.command("run")
@config_option
@_usage_guard
def run_command(config):
    """Convert the configured input folder into the output folder (the job in config.yaml)."""
    settings = _settings(config)
    if not settings.input.is_dir():
        raise UsageError(f"{settings.input}: input folder not found")
    sources = sorted(str(p) for p in settings.input.rglob("*")
                     if p.is_file() and p.name.lower().endswith(INPUT_SUFFIXES))
    if not sources:
        raise UsageError(f"{settings.input}: no inputs ({', '.join(INPUT_SUFFIXES)})")
    failed = convert_files(sources, settings.output, settings, settings.formats, root=settings.input)
    click.echo(f"pipeline: {len(sources) - failed} converted, {failed} failed → {settings.output}", err=True)
    sys.exit(1 if failed else 0)


@main.command("fonts")
@click.option("--text", "sample", help="Also report coverage of this text.")
@config_option
@_usage_guard
def fonts_command(sample, config):
    """Show the font file chosen for each role of the PDF output and its coverage."""
    from .fonts import describe_fonts
    for row in describe_fonts(_settings(config), sample_text=sample):
        click.echo("  ".join(f"{k}={v}" for k, v in row.items()))


main.add_command(batch)
main.add_command(check)
