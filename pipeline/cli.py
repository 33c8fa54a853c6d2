"""The ``pipeline`` command line (click): convert, inspect, validate, fonts, and (from
``cli_batch``) batch, run and check.

The CLI is an edge: it reads files and stdin, builds Settings, calls the in-memory core and
writes outputs atomically. Errors are one line on stderr, ``pipeline: <input>: <problem>``,
and the exit code says what happened: 0 all converted, 1 some input failed, 2 usage error,
3 the output cannot be written, 130 interrupted. Messages go through ``logging``
(``pipeline.logs``); ``--quiet``, ``--verbose`` and ``--ignore-warning`` choose what is shown.
"""
from __future__ import annotations

import gc
import json
import stat
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__, logs
from .cli_batch import batch, check, run
from .cli_options import (CONFIG_VARIABLE, CONTEXT, collect_from_here, common_options, config_path, format_option,
                          run_command)
from .errors import InputError, PipelineError, UsageError
from .writers import EXTENSIONS, FORMATS

# The command line loads the stages, the settings model and the writers only when a command
# runs, so that --help and argument errors answer at once.
if TYPE_CHECKING:
    from .config import Settings
    from .load import Document

# A target named with one of these is one file in that format (as pandoc infers -t from -o).
FORMAT_OF_SUFFIX = {ext: fmt for fmt, ext in EXTENSIONS.items()} | {".htm": "html", ".markdown": "md"}


def _read(src: str, settings: Settings) -> list[tuple[str, str, Document]]:
    """The documents at ``src`` (``-``: stdin) as (name, output stem, document): one for a
    page, with the pictures beside it; one per page for a zip archive, named as a batch
    names them."""
    from .batch.sources import ZIP_SUFFIXES, Selector, iter_items
    from .fsio import display_name, folder_pictures, stem_of
    from .load import Document

    if src == "-":
        return [("stdin", "stdin", Document("stdin", sys.stdin.buffer.read()))]
    path = Path(src)
    name = display_name(str(path))
    try:
        status = path.stat()
    except OSError as exc:
        raise PipelineError(f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(status.st_mode):
        raise PipelineError("is a directory (use `pipeline batch` for folders)")
    if not stat.S_ISREG(status.st_mode):
        raise PipelineError("not a regular file (a pipe, device or socket is not read)")
    if path.suffix.lower() in ZIP_SUFFIXES:
        found = []
        for item in iter_items([path], Selector(), picture_root=settings.image_dir, limits=settings.limits):
            if item.error:
                raise PipelineError(item.error)
            found.append((f"{name}/{item.key.split('/', 1)[1]}", f"{stem_of(name)}/{item.out_base.split('/', 1)[1]}",
                          item.document))
        if not found:
            raise PipelineError("zip archive holds no page")
        return found
    refusal = settings.limits.over_input(status.st_size)
    if refusal:  # told before the file is read
        raise InputError(refusal)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PipelineError(f"cannot read: {exc.strerror}") from None
    resources, base = folder_pictures(data, path, settings.image_dir)
    return [(name, stem_of(name), Document(name, data, resources=resources, base=base))]


def _library_messages(document: Document, name: str):
    """warcio prints about damaged WARC records on stderr: while a WARC file is read, that
    becomes log records (shown with -v)."""
    from .readers import reader_for

    if reader_for(document).name == "warc":
        return logs.library_output("warcio", name)
    return nullcontext()


def _internal(error: BaseException) -> str:
    if isinstance(error, PipelineError):
        return str(error)
    return f"internal error: {type(error).__name__}: {' '.join(str(error).split())}"


@dataclass  # not a msgspec Struct, as the program's other records are: --help imports no msgspec
class Target:
    """Where ``convert`` writes: a folder (``<stem>.<ext>`` per input), one file, or stdout."""

    kind: str  # folder | file | stdout
    path: Path | None
    formats: tuple[str, ...]
    created: list[Path] = field(default_factory=list)  # folders made by prepare(), deepest first
    written: int = 0

    @classmethod
    def of(cls, target: str, asked: tuple[str, ...] | None, configured: tuple[str, ...]) -> "Target":
        if target == "-":
            formats = asked or configured
            if len(formats) != 1:
                raise UsageError("-o - writes one format to standard output: choose it with -f "
                                 f"({', '.join(FORMATS)})")
            return cls("stdout", None, formats)
        path = Path(target)
        fmt = FORMAT_OF_SUFFIX.get(path.suffix.lower())
        if fmt is None or path.is_dir() or target.endswith(("/", "\\")):
            return cls("folder", path, asked or configured)
        if asked and asked != (fmt,):
            raise UsageError(f"-o {target} names a {fmt} file, but -f asks for {', '.join(asked)}; "
                             "give a folder for several formats")
        return cls("file", path, (fmt,))

    def prepare(self) -> None:
        """Fail now (exit 3), before converting anything, when nothing can be written there."""
        from .fsio import ensure_writable

        if self.kind != "stdout":
            self.created = ensure_writable(self.path if self.kind == "folder" else self.path.parent)

    def finish(self) -> None:
        """Nothing was written: remove the folders ``prepare`` made (a failure leaves nothing)."""
        if self.written:
            return
        for folder in self.created:
            try:
                folder.rmdir()
            except OSError:
                break

    def write(self, stem: str, outputs: dict[str, bytes]) -> None:
        from .fsio import output_error
        from .fsio import write_atomic

        self.written += 1
        if self.kind == "stdout":
            stream = click.get_binary_stream("stdout")
            stream.write(outputs[self.formats[0]])
            stream.flush()
            return
        for fmt, data in outputs.items():
            path = self.path if self.kind == "file" else self.path / (stem + EXTENSIONS[fmt])
            try:
                write_atomic(path, data)
            except OSError as exc:
                raise output_error(exc, path) from None


def convert_sources(sources, target: Target, settings: Settings, shown: logs.WarningFilter) -> int:
    """Convert each source to ``target``; the number of inputs that failed."""
    from .writers import uses_fonts

    if uses_fonts(target.formats):
        from . import fonts

        fonts.start_lookups(settings)  # fontconfig answers while the stages are imported, not after
    from .convert import convert

    failed = 0
    started = False  # whether a document was converted: the next one runs with the collector on
    written: dict[str, str] = {}  # output stem → the source it came from
    for src in sources:
        try:
            documents = _read(src, settings)
        except Exception as exc:  # one bad input must not stop the others
            from .fsio import display_name

            logs.document_result("stdin" if src == "-" else display_name(src), "failed", _internal(exc), [])
            failed += 1
            continue
        if target.kind != "folder" and len(documents) != 1:
            raise UsageError(f"{src} holds {len(documents)} pages; -o {target.path or '-'} takes one "
                             "(give a folder)")
        for name, stem, document in documents:
            if started:
                collect_from_here()
            started = True
            try:
                if stem in written:
                    raise PipelineError(f"its outputs would overwrite those of {written[stem]} "
                                        "(same file name; `pipeline batch` mirrors folders)")
                with _library_messages(document, name):
                    result = convert(document, settings, target.formats)
            except Exception as exc:
                logs.document_result(name, "failed", _internal(exc), [])
                failed += 1
                continue
            written[stem] = name
            target.write(stem, result.outputs)
            logs.document_result(name, "ok", None, shown(str(d) for d in result.diagnostics))
    return failed


EPILOG = f"""\b
Examples:
  pipeline convert report.html -o report.pdf
  pipeline batch input/ -o output/ --junit junit.xml
  pipeline run                 # the job in ./config.yaml

\b
Settings: --config FILE (before or after the command name) or {CONFIG_VARIABLE};
only `run` reads ./config.yaml by itself.
Exit codes: 0 all converted, 1 some input failed, 2 usage error,
3 the output cannot be written, 130 interrupted.
Shell completion (bash): eval "$(_PIPELINE_COMPLETE=bash_source pipeline)"
"""


@click.group(context_settings=CONTEXT, epilog=EPILOG)
@click.version_option(__version__, "--version", prog_name="pipeline", help="Show the version and exit.")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help=f"Settings file (YAML) for the command that follows. Default: ${CONFIG_VARIABLE}, "
                   "else the built-in settings (`run`: ./config.yaml).")
def main(config):
    """Turn government report web pages into structured XML, DOCX, PDF, text, Markdown and HTML."""


@main.command("convert", short_help="Convert pages to XML, DOCX, PDF, text, Markdown or HTML.", epilog="""\b
Examples:
  pipeline convert report.html -o report.pdf        one file, format from its name
  pipeline convert report.html -o - -f txt | less   one format to standard output
  pipeline convert *.html -o out/ -f docx,pdf       out/<stem>.docx, out/<stem>.pdf
  curl -s URL | pipeline convert - -o page.docx     standard input
""")
@click.argument("sources", nargs=-1, required=True, metavar="SRC...", type=click.Path(allow_dash=True))
@click.option("-o", "--output", "target", required=True, metavar="TARGET", type=click.Path(allow_dash=True),
              help="Where to write: a file named with a format's extension (report.pdf: that one "
                   "file, one input), '-' (standard output, one format, one input), or a folder "
                   "(<stem>.<ext> per input and format).")
@format_option("Output formats. Default: from the target's extension, else the settings' formats.")
@click.option("--reference-docx", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="A .docx whose styles the DOCX output uses (as pandoc's --reference-doc).")
@common_options()
@run_command
def convert_command(sources, target, formats, reference_docx, config, ignore_warnings):
    """Convert SRC (pages, text scrapes, MHTML, one-page WARC, saved IR, zip; - for stdin)."""
    import msgspec

    from .config import load_settings

    overrides = {"docx": {"reference_docx": str(reference_docx)}} if reference_docx else {}
    settings = load_settings(config_path(config), formats=formats, **overrides)
    where = Target.of(target, formats, settings.formats)
    if where.kind != "folder" and len(sources) != 1:
        raise UsageError(f"-o {target} takes one input, not {len(sources)} (give a folder for several)")
    if where.formats != settings.formats:
        settings = msgspec.structs.replace(settings, formats=where.formats)
    where.prepare()
    try:
        failed = convert_sources(sources, where, settings, ignore_warnings)
    finally:
        where.finish()
    sys.exit(1 if failed else 0)


@main.command("inspect", short_help="Show a page's metadata, headings and warnings.", epilog="""\b
Examples:
  pipeline inspect report.html
  pipeline inspect report.html --json | jq .headings
  pipeline inspect output/report.pdf --json | jq .pdfa
""")
@click.argument("source", metavar="SRC", type=click.Path(allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of an outline.")
@common_options(warnings=False)
@run_command
def inspect_command(source, as_json, config):
    """Show the metadata, heading tree, counts and warnings of SRC; of a PDF, what it claims
    (PDF/A part and conformance, tagged or not, language)."""
    from .config import load_settings
    from .convert import convert
    from .inspect import outline, summary

    settings = load_settings(config_path(config))
    try:
        if source.lower().endswith(".pdf"):
            from .pdfclaims import claims, describe

            try:
                data = Path(source).read_bytes()
            except OSError as exc:
                raise PipelineError(f"cannot read: {exc.strerror}") from None
            found = claims(data)
            click.echo(json.dumps(found, ensure_ascii=False, indent=2) if as_json else describe(found))
            return
        documents = _read(source, settings)
        if len(documents) != 1:
            raise PipelineError(f"holds {len(documents)} pages: inspect them one by one")
        with _library_messages(documents[0][2], source):
            tree = convert(documents[0][2], settings, formats=("xml",)).tree
    except Exception as exc:
        logs.document_result(source, "failed", _internal(exc), [])
        sys.exit(1)
    found = summary(tree)
    click.echo(json.dumps(found, ensure_ascii=False, indent=2) if as_json else outline(found))


@main.command("validate", short_help="Check an IR file against the schema.", epilog="""\b
Example:
  pipeline validate output/report.xml
""")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@common_options(config=None, warnings=False)
@run_command
def validate_command(file):
    """Check FILE against the IR schema: exit 0 when valid, 1 with the problems otherwise."""
    from . import ir

    try:
        tree = ir.parse(file.read_bytes())
    except PipelineError as exc:
        logs.document_result(str(file), "failed", str(exc), [])
        sys.exit(1)
    found = ir.problems(tree)
    for problem in found:
        logs.document_result(str(file), "failed", str(problem), [])
    if found:
        sys.exit(1)
    click.echo(f"{file}: valid")


@main.command("fonts", short_help="Show the fonts the PDF output uses.", epilog="""\b
Examples:
  pipeline fonts
  pipeline fonts --text '〔2023〕𠮷' --config config.yaml
""")
@click.option("--text", "sample", help="Also report coverage of this text.")
@common_options(warnings=False)
@run_command
def fonts_command(sample, config):
    """Show the font file chosen for each role of the PDF output and its coverage."""
    from .config import load_settings
    from .fonts import describe_fonts

    for row in describe_fonts(load_settings(config_path(config)), sample_text=sample):
        click.echo("  ".join(f"{k}={v}" for k, v in row.items()))


main.add_command(batch)
main.add_command(run)
main.add_command(check)


def entry() -> None:
    """The ``pipeline`` program: ``main`` with the garbage collector off (see
    ``cli_options.collect_from_here``), and what the command made frozen at its end, so the
    collection Python runs at exit has nothing to scan."""
    gc.disable()
    try:
        main()
    finally:
        gc.freeze()
