"""The command line as a pandoc or click user expects it: targets named by their format,
standard output, one-line errors with documented exit codes, case-insensitive formats,
messages in the config's own terms, where settings come from, controllable warnings,
shell completion. Through click's CliRunner, and real processes where it matters."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

from .conftest import CORPUS_COPY, REFERENCE
from .test_cli import _no_config_around, run  # noqa: F401  (the fixture: each test in a fresh folder)

WARNED = CORPUS_COPY / "text" / "03_szlh_zsj_2025_fzzf_depth3.txt"  # an enumeration-gap warning
PAGE = CORPUS_COPY / "html" / "wjmoe.gov.cn.html"
# The validation library's own wording, which a config problem is never told in.
LIBRARY_WORDS = ("Expected `", "got `", "at `$", "Object contains", "Invalid enum", "msgspec", "ValidationError")


def lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


# --- where convert writes --------------------------------------------------------------


def test_a_target_with_a_known_extension_is_that_one_file(tmp_path):
    result = run("convert", REFERENCE, "-o", tmp_path / "report.pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.pdf").is_file() and (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]
    for name, magic in (("r.DOCX", b"PK"), ("r.txt", "深圳市罗湖区".encode()), ("r.xml", b"<?xml"),
                        ("r.md", b"---"), ("r.htm", b"<!DOCTYPE html>")):
        assert run("convert", REFERENCE, "-o", tmp_path / "more" / name).exit_code == 0, name
        assert (tmp_path / "more" / name).read_bytes().startswith(magic), name
    assert sorted(p.name for p in (tmp_path / "more").iterdir()) == ["r.DOCX", "r.htm", "r.md", "r.txt", "r.xml"]


def test_dash_writes_one_format_to_standard_output(tmp_path):
    result = CliRunner().invoke(main, ["convert", str(REFERENCE), "-o", "-", "-f", "txt"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("深圳市罗湖区人民政府2023年法治政府建设年度报告")
    assert not list(tmp_path.iterdir())  # no folder named "-"
    pdf = CliRunner().invoke(main, ["convert", "-", "-o", "-", "-f", "PDF"], input=REFERENCE.read_bytes())
    assert pdf.exit_code == 0 and pdf.stdout_bytes.startswith(b"%PDF-")
    # several formats cannot share standard output
    result = run("convert", REFERENCE, "-o", "-")
    assert result.exit_code == 2 and "-o - writes one format to standard output" in result.output
    assert not list(tmp_path.iterdir())


def test_a_folder_target_and_what_a_file_target_refuses(tmp_path):
    result = run("convert", REFERENCE, PAGE, "-o", tmp_path / "out", "-f", "txt")
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["seed_luohu_2023.txt", "wjmoe.gov.cn.txt"]
    existing = tmp_path / "looks.pdf"
    existing.mkdir()  # an existing folder stays a folder, whatever its name
    assert run("convert", REFERENCE, "-o", existing, "-f", "txt").exit_code == 0
    assert [p.name for p in existing.iterdir()] == ["seed_luohu_2023.txt"]
    two = run("convert", REFERENCE, PAGE, "-o", tmp_path / "both.pdf")
    assert two.exit_code == 2 and "takes one input" in two.output
    clash = run("convert", REFERENCE, "-o", tmp_path / "x.pdf", "-f", "docx")
    assert clash.exit_code == 2 and "names a pdf file, but -f asks for docx" in clash.output
    assert not (tmp_path / "both.pdf").exists() and not (tmp_path / "x.pdf").exists()


def test_formats_ignore_case(tmp_path):
    result = run("convert", REFERENCE, "-o", tmp_path / "o", "-f", "PDF", "-f", "Txt,XML")
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in (tmp_path / "o").iterdir()) == [".pdf", ".txt", ".xml"]
    unknown = run("convert", REFERENCE, "-o", tmp_path / "o", "-f", "ODT")
    assert unknown.exit_code == 2 and "unknown format 'ODT'" in unknown.output


# --- output places that cannot be written ------------------------------------------------


def unwritable_places(tmp_path: Path) -> list[Path]:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    places = [blocker / "out", Path("/proc/pipeline-out")]
    if os.geteuid() != 0:  # root writes into read-only folders
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        places.append(locked / "out")
    return places


def test_an_unwritable_output_place_is_one_line_and_exit_3(tmp_path):
    for place in unwritable_places(tmp_path):
        for target in (place, place / "report.pdf"):
            result = run("convert", REFERENCE, "-o", target, "-f", "txt" if target == place else "pdf")
            assert result.exit_code == 3, (target, result.output)
            assert isinstance(result.exception, SystemExit)  # no traceback
            assert len(lines(result)) == 1 and "cannot write output" in result.output, result.output
        result = run("batch", REFERENCE.parent, "-o", place, "-f", "txt", "--progress", "off")
        assert result.exit_code == 3 and "cannot write output" in result.output and "Traceback" not in result.output
        junit = run("batch", REFERENCE.parent, "-o", tmp_path / "b", "-f", "txt", "--junit", place / "j.xml")
        assert junit.exit_code == 3 and not (tmp_path / "b" / "manifest.json").exists()  # before any work


@pytest.mark.slow
def test_an_unwritable_output_place_in_a_real_process(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "convert", str(REFERENCE), "-o", "/proc/nowhere/r.pdf"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 3
    assert proc.stderr.splitlines() == ["pipeline: /proc/nowhere: cannot write output: No such file or directory"]
    piped = subprocess.run([sys.executable, "-m", "pipeline", "convert", "-", "-o", "-", "-f", "pdf"],
                           input=REFERENCE.read_bytes(), capture_output=True, check=False)
    assert piped.returncode == 0 and piped.stdout.startswith(b"%PDF-") and piped.stdout.rstrip().endswith(b"%%EOF")


# --- settings: wording, once, where from ---------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("formats: [txt, odt]\n", "formats: unknown format(s) odt"),
    ("formats: {a: 1}\n", "formats: must be a list"),
    ("colour: red\n", "colour: unknown key (known: input, output"),
    ("pdf: {body_size: -3}\n", "pdf.body_size: must be greater than 0"),
    ("docx: {numbering: roman}\n", "docx.numbering: must be literal or native, not 'roman'"),
    ("strict: perhaps\n", "strict: must be true or false, not 'perhaps'"),
    ("pdf: {lines_per_page: many}\n", "pdf.lines_per_page: must be a whole number, not 'many'"),
    ("pdf: {lines_per_page: -1}\n", "pdf.lines_per_page: must be greater than 0, not -1"),
    ("pdf: {indent_chars: -1}\n", "pdf.indent_chars: must be at least 0, not -1"),
    ("pdf: {page_number_gap_mm: -1}\n", "pdf.page_number_gap_mm: must be at least 0.0, not -1"),
    ("pdf: {compression_level: 13}\n", "pdf.compression_level: must be at most 12, not 13"),
    ("pdf: {deflate: zlib, compression_level: 10}\n", "pdf: compression_level 10: zlib's levels are 0-9"),
    ("pdf: {deflate: isal, compression_level: 4}\n", "pdf: compression_level 4: isal's levels are 0-3"),
    ("pdf: {foo: 1}\n", "pdf.foo: unknown key (known: font_files, font_dirs, font_cache_dir, margin_top_mm"),
    ("pdf: {font_files: {footer: a.ttf}}\n", "pdf.font_files: unknown font role(s) footer; known: title"),
    ("pdf: {font_files: {body: a.ttf, title: 3}}\n", "pdf.font_files.title: must be a path, not 3"),
    ("pdf: {font_files: {1: a.ttf}}\n", "pdf.font_files: keys must be text, not 1"),
    ("pdf: {font_dirs: [a, 3]}\n", "pdf.font_dirs[1]: must be a path, not 3"),
    ("front_matter: some\n", "front_matter: must be full, title or none, not 'some'"),
    ("limits: 3\n", "limits: must be a mapping, not 3"),
    ("formats: [txt\n", "not valid YAML at line 2"),
])
def test_config_problems_are_told_in_the_configs_terms(tmp_path, text, expected):
    config = tmp_path / "c.yaml"
    config.write_text(text, encoding="utf-8")
    result = run("convert", REFERENCE, "-o", tmp_path / "o", "--config", config)
    assert result.exit_code == 2
    assert len(lines(result)) == 1 and lines(result)[0].startswith(f"pipeline: {config}: {expected}")
    assert not any(word in result.output for word in LIBRARY_WORDS), result.output


def test_a_single_format_and_upper_case_in_the_config_are_fine(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("formats: TXT\n", encoding="utf-8")
    assert run("convert", REFERENCE, "-o", tmp_path / "o", "--config", config).exit_code == 0
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["seed_luohu_2023.txt"]


def test_an_unknown_transform_is_exit_2_once(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("transforms: [sections, nope]\n", encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copy(REFERENCE, src / name)
    for args in (["convert", src / "a.txt", src / "b.txt", "-o", tmp_path / "o"],
                 ["batch", src, "-o", tmp_path / "o", "--progress", "off"],
                 ["run"]):
        result = run(*args, "--config", config)
        assert result.exit_code == 2, (args, result.output)
        assert lines(result) == [f"pipeline: {config}: transforms: unknown transform(s) nope; "
                                 "known: punctuation, sections, enumerations, numbering, addressee, signature, attachments"]
    assert not (tmp_path / "o").exists()


def test_a_bad_reference_docx_is_reported_once(tmp_path):
    bad = tmp_path / "styles.docx"
    bad.write_text("not a word document", encoding="utf-8")
    result = run("convert", REFERENCE, PAGE, "-o", tmp_path / "o", "-f", "docx", "--reference-docx", bad)
    assert result.exit_code == 2
    assert lines(result) == [f"pipeline: {bad}: not a .docx file (a reference docx is a Word document)"]
    config = tmp_path / "c.yaml"
    config.write_text("docx: {reference_docx: missing.docx}\n", encoding="utf-8")
    batch = run("batch", REFERENCE.parent, "-o", tmp_path / "b", "-f", "docx", "--config", config)
    assert batch.exit_code == 2  # relative to the config file, and said once, not per document
    assert lines(batch) == [f"pipeline: {tmp_path / 'missing.docx'}: reference docx not found"]
    assert not (tmp_path / "o").exists() and not (tmp_path / "b").exists()


def test_only_run_reads_config_yaml_by_itself(tmp_path):
    (tmp_path / "config.yaml").write_text("formats: [txt]\nnot_a_key: 1\n", encoding="utf-8")
    assert run("convert", REFERENCE, "-o", tmp_path / "o", "-f", "txt").exit_code == 0
    assert run("inspect", REFERENCE).exit_code == 0
    assert run("fonts").exit_code == 0
    result = run("run")
    assert result.exit_code == 2 and "config.yaml: not_a_key: unknown key" in result.output
    assert "./config.yaml" in run("run", "--help").output
    for command in ("convert", "batch", "inspect", "fonts", "check"):
        help_text = " ".join(run(command, "--help").output.split())
        assert "PIPELINE_CONFIG" in help_text and "before the command name" in help_text, command


def test_config_before_or_after_the_command_name_or_from_the_environment(tmp_path):
    config = tmp_path / "job.yaml"
    config.write_text("formats: [xml]\n", encoding="utf-8")
    for n, (before, after, env) in enumerate([
            (["--config", config], [], None),
            ([], ["--config", config], None),
            ([], [], {"PIPELINE_CONFIG": str(config)})]):
        out = tmp_path / f"o{n}"
        result = run(*before, "convert", REFERENCE, "-o", out, *after, env=env)
        assert result.exit_code == 0, result.output
        assert [p.suffix for p in out.iterdir()] == [".xml"], n
    other = tmp_path / "other.yaml"
    other.write_text("formats: [txt]\n", encoding="utf-8")  # the command's own --config wins
    result = run("--config", config, "convert", REFERENCE, "-o", tmp_path / "w", "--config", other,
                 env={"PIPELINE_CONFIG": str(config)})
    assert [p.suffix for p in (tmp_path / "w").iterdir()] == [".txt"]


def test_the_setting_and_the_variable_give_the_same_pdf(tmp_path):
    """SOURCE_DATE_EPOCH and ``source_date_epoch`` are one setting: same value, same bytes (the
    PDF's /ID included), and the config file's value wins over the variable."""
    config = tmp_path / "c.yaml"
    config.write_text("source_date_epoch: 1704067200\n", encoding="utf-8")
    small = CORPUS_COPY / "html" / "gne_shanxi.html"
    assert run("convert", small, "-o", tmp_path / "setting.pdf", "--config", config).exit_code == 0
    assert run("convert", small, "-o", tmp_path / "variable.pdf", env={"SOURCE_DATE_EPOCH": "1704067200"}).exit_code == 0
    assert run("convert", small, "-o", tmp_path / "both.pdf", "--config", config,
               env={"SOURCE_DATE_EPOCH": "1600000000"}).exit_code == 0
    setting = (tmp_path / "setting.pdf").read_bytes()
    assert setting == (tmp_path / "variable.pdf").read_bytes() == (tmp_path / "both.pdf").read_bytes()
    assert os.environ.get("SOURCE_DATE_EPOCH") is None  # the environment is left as it was


# --- what is shown: warnings, quiet, verbose -------------------------------------------------


def test_warnings_quiet_verbose_and_ignoring_a_code(tmp_path):
    shown = run("convert", WARNED, "-o", tmp_path / "a", "-f", "txt")
    assert shown.exit_code == 0
    assert lines(shown) == [f"pipeline: {WARNED}: warning: enumeration-gap: 二是 is followed by 四是 at 一、/（一）"]
    quiet = run("convert", WARNED, "-o", tmp_path / "b", "-f", "txt", "-q")
    assert quiet.exit_code == 0 and quiet.output == ""
    ignored = run("convert", WARNED, "-o", tmp_path / "c", "-f", "txt", "--ignore-warning", "enumeration-*")
    assert ignored.exit_code == 0 and ignored.output == ""
    verbose = run("convert", WARNED, "-o", tmp_path / "d", "-f", "txt", "-v")
    assert f"pipeline: {WARNED}: converted" in verbose.output
    errors_stay = run("convert", tmp_path / "missing.html", "-o", tmp_path / "e", "-q")
    assert errors_stay.exit_code == 1 and "missing.html: cannot read" in errors_stay.output
    assert run("convert", WARNED, "-o", tmp_path / "f", "-q", "-v").exit_code == 2


@pytest.mark.slow
def test_batch_warnings_follow_ignore_warning_into_the_reports(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(WARNED, src / "warned.txt")
    shutil.copy(REFERENCE, src / "clean.txt")
    report = tmp_path / "r.json"
    result = run("batch", src, "-o", tmp_path / "o", "-f", "txt", "--report", report, "--fail-on", "warning")
    assert result.exit_code == 1 and "warned.txt: warning: enumeration-gap" in result.output
    result = run("batch", src, "-o", tmp_path / "o", "-f", "txt", "--report", report, "--fail-on", "warning",
                 "--ignore-warning", "enumeration-gap")
    assert result.exit_code == 0 and "warning" not in result.output.replace("with warnings", "")
    import json

    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["with_warnings"] == 0
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert any(e["warnings"] for e in manifest["documents"])  # the record keeps everything


def damaged_warc(path: Path) -> None:
    """A one-page WARC whose record is not followed by the blank lines WARC asks for."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("http://www.example.gov.cn/a.html", "response",
                                                  payload=io.BytesIO(PAGE.read_bytes()), http_headers=headers))
    path.write_bytes(buffer.getvalue()[:-4] + b"junk\r\n\r\n")


def test_library_messages_are_logs_not_stray_lines(tmp_path):
    """warcio prints on stderr about a damaged record; that becomes a log record of the warcio
    logger, shown with -v only."""
    damaged_warc(tmp_path / "crawl.warc")
    plain = run("convert", tmp_path / "crawl.warc", "-o", tmp_path / "o", "-f", "txt")
    assert plain.exit_code == 0 and "Record not followed" not in plain.output, plain.output
    verbose = run("convert", tmp_path / "crawl.warc", "-o", tmp_path / "v", "-f", "txt", "-v")
    assert "pipeline: warcio: warning: " in verbose.output
    assert "WARNING: Record not followed by newline" in verbose.output


@pytest.mark.slow
def test_library_messages_in_a_batch_stay_out_of_the_progress(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    damaged_warc(src / "crawl.warc")
    plain = run("batch", src, "-o", tmp_path / "o", "-f", "txt", "--progress", "off")
    assert plain.exit_code == 0 and "Record not followed" not in plain.output
    verbose = run("batch", src, "-o", tmp_path / "v", "-f", "txt", "--progress", "off", "-v")
    assert "pipeline: warcio: warning: crawl.warc: WARNING: Record not followed by newline" in verbose.output


# --- shell completion -----------------------------------------------------------------------


def test_shell_completion(tmp_path):
    script = run(env={"_PIPELINE_COMPLETE": "bash_source"})
    assert "_pipeline_completion" in script.output and "complete " in script.output
    commands = run(env={"_PIPELINE_COMPLETE": "bash_complete", "COMP_WORDS": "pipeline co", "COMP_CWORD": "1"})
    assert "plain,convert" in commands.output and "plain,check" not in commands.output
    formats = run(env={"_PIPELINE_COMPLETE": "bash_complete", "COMP_WORDS": "pipeline convert x -f d",
                       "COMP_CWORD": "4"})
    assert formats.output.split() == ["plain,docx"]


@pytest.mark.slow
def test_quiet_silences_the_workers_and_the_font_standin_is_said_once(tmp_path):
    """A batch with worker processes: the parent alone speaks. With no 仿宋 among the fonts
    the stand-in is said once, not once per worker; ``-q`` leaves nothing on stderr."""
    config = tmp_path / "c.yaml"
    config.write_text("pdf: {font_dirs: []}\n", encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    for n in range(4):
        shutil.copy(REFERENCE, src / f"r{n}.txt")

    def batch(out: str, *flags: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pipeline", "--config", str(config), "batch", str(src),
                               "-o", str(tmp_path / out), "-f", "pdf", "--jobs", "2", "--progress", "off", *flags],
                              capture_output=True, text=True, check=False)

    shown = batch("a")
    assert shown.returncode == 0
    standins = [line for line in shown.stderr.splitlines() if "font-standin: fonts.body" in line]
    assert len(standins) == 1, shown.stderr
    quiet = batch("b", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""
