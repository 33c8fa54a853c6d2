"""The command line: convert, inspect, validate, run; exit codes and one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

from .conftest import CORPUS_COPY, DATA, REFERENCE, shared_corpus_pages

HTML = CORPUS_COPY / "html"
COMMANDS = ("convert", "inspect", "validate", "fonts", "batch", "run", "check")


@pytest.fixture(autouse=True)
def _no_config_around(tmp_path, monkeypatch):
    """Each test runs in a fresh folder, without PIPELINE_CONFIG or SOURCE_DATE_EPOCH."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PIPELINE_CONFIG", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def run(*args, input=None, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, env=env, prog_name="pipeline")


def test_help_and_version_everywhere():
    for command in ([], *([c] for c in COMMANDS)):
        result = run(*command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output
        assert "Example" in result.output, command  # every help text shows how it is used
        version = run(*command, "--version")
        assert version.exit_code == 0 and version.output.startswith("pipeline, version "), command


def test_convert_writes_stem_named_outputs(tmp_path):
    result = run("convert", REFERENCE, HTML / "wjmoe.gov.cn.html", "-o", tmp_path, "-f", "xml,txt")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "seed_luohu_2023.txt", "seed_luohu_2023.xml", "wjmoe.gov.cn.txt", "wjmoe.gov.cn.xml"]
    assert run("validate", tmp_path / "wjmoe.gov.cn.xml").exit_code == 0


def test_convert_from_stdin(tmp_path):
    result = run("convert", "-", "-o", tmp_path, "-f", "txt", input=REFERENCE.read_bytes())
    assert result.exit_code == 0
    assert (tmp_path / "stdin.txt").read_text(encoding="utf-8").startswith("深圳市罗湖区人民政府2023年")


def test_a_bad_input_fails_alone_with_one_line(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = run("convert", empty, tmp_path / "missing.html", REFERENCE, "-o", tmp_path / "out", "-f", "txt")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error" in line or ": " in line]
    assert f"pipeline: {empty}: empty input" in errors
    assert any("missing.html: cannot read" in line for line in errors)
    assert "Traceback" not in result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["seed_luohu_2023.txt"]


def test_unknown_format_is_a_usage_error(tmp_path):
    result = run("convert", REFERENCE, "-o", tmp_path, "-f", "odt")
    assert result.exit_code == 2 and "unknown format" in result.output
    assert not list(tmp_path.iterdir())


def test_unknown_config_key_and_transform_are_usage_errors(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("formats: [txt]\ncolour: red\n", encoding="utf-8")
    assert run("convert", REFERENCE, "-o", tmp_path, "--config", config).exit_code == 2
    config.write_text("transforms: [sections, nope]\n", encoding="utf-8")
    result = run("convert", REFERENCE, "-o", tmp_path / "o", "-f", "txt", "--config", config)
    assert result.exit_code != 0 and "unknown transform" in result.output


def test_inspect_outline():
    result = run("inspect", REFERENCE)
    assert result.exit_code == 0
    assert "  一、主要工作情况" in result.output and "    （六）强化监督" in result.output


def test_inspect_shows_attachments_among_the_headings():
    """国办函〔2004〕80号: 附件1 above the 一、…四、 it holds, 附件2 after them."""
    result = run("inspect", DATA / "structure" / "govcn_2019-02_023.html")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    at = lines.index("  附件1　关于湖北省巴东县官渡口镇马鬃山村地质险情调研情况的报告")
    assert lines[at + 1:at + 6] == ["  一、基本情况", "  二、地质险情成因分析", "  三、处理情况", "  四、建议意见",
                                    "  附件2　湖北省巴东县官渡口镇马鬃山村地质险情调查意见"]


def test_validate_reports_problems_with_line_numbers(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?>\n<report version="2">\n<front><title>t</title></front>\n'
                   "<body><section kind=\"cn\" label=\"一、\" level=\"1\"/></body>\n</report>\n", encoding="utf-8")
    result = run("validate", bad)
    assert result.exit_code == 1 and "line 4" in result.output
    broken = tmp_path / "broken.xml"
    broken.write_text("<report", encoding="utf-8")
    assert run("validate", broken).exit_code == 1


@pytest.mark.slow
def test_run_uses_config(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(REFERENCE.read_bytes())
    (tmp_path / "config.yaml").write_text("input: in\noutput: out\nformats: [xml, txt]\n", encoding="utf-8")
    result = run("run", "--config", tmp_path / "config.yaml")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "a.txt", "a.xml", "index.html", "manifest.json", "report.json"]


@pytest.mark.slow
def test_console_script_runs_as_a_process(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "inspect", "--json", str(REFERENCE)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["date"] == "2023-12-21"


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.skipif(not shared_corpus_pages(), reason="the shared corpus is not beside the project")
def test_every_shared_corpus_page_converts_or_fails_in_one_line(tmp_path):
    for i, page in enumerate(shared_corpus_pages()):
        result = run("convert", page, "-o", tmp_path / str(i), "-f", "xml")
        assert "Traceback" not in result.output and "internal error" not in result.output, page
        errors = [l for l in result.output.splitlines() if ": warning: " not in l]
        assert result.exit_code == (1 if errors else 0), page
        assert all(l.startswith(f"pipeline: {page}: ") for l in errors), errors
        if not errors:
            assert run("validate", tmp_path / str(i) / (page.stem + ".xml")).exit_code == 0


def test_strict_settings_turn_warnings_into_failures(tmp_path):
    page = CORPUS_COPY / "text" / "03_szlh_zsj_2025_fzzf_depth3.txt"
    assert run("convert", page, "-o", tmp_path, "-f", "txt").exit_code == 0
    config = tmp_path / "strict.yaml"
    config.write_text("strict: true\n", encoding="utf-8")
    result = run("convert", page, "-o", tmp_path / "s", "-f", "txt", "--config", config)
    assert result.exit_code == 1 and "enumeration-gap" in result.output
    assert not (tmp_path / "s").exists()


def test_shipped_config_documents_every_key_and_loads_as_the_defaults():
    import msgspec
    import yaml

    from pipeline.config import Settings, load_settings

    root = Path(__file__).parent.parent
    data = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))

    def keys(model, prefix=""):
        for info in msgspec.structs.fields(model):
            sub = isinstance(info.type, type) and issubclass(info.type, msgspec.Struct)
            yield from (keys(info.type, f"{prefix}{info.name}.") if sub else [prefix + info.name])

    def present(path):
        node = data
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    assert [k for k in keys(Settings) if not present(k)] == []
    shipped = load_settings(root / "config.yaml")
    defaults = Settings(input=shipped.input, output=shipped.output)
    unset = {"source_date_epoch": None}
    assert msgspec.structs.replace(shipped, **unset) == msgspec.structs.replace(defaults, **unset)


def test_two_sources_with_one_name_do_not_overwrite_each_other(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "index.txt").write_bytes(REFERENCE.read_bytes())
    result = run("convert", tmp_path / "a" / "index.txt", tmp_path / "b" / "index.txt", "-o", tmp_path / "o", "-f", "txt")
    assert result.exit_code == 1 and "would overwrite" in result.output
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["index.txt"]


def test_help_loads_no_stage_settings_model_or_writer():
    """--help and argument errors answer at once: importing the command line loads none of
    msgspec, lxml, the stages or the writers (they are imported when a command runs)."""
    code = ("import sys, pipeline.cli; heavy = [m for m in ('msgspec', 'lxml', 'reportlab', 'docx', "
            "'pipeline.config', 'pipeline.convert', 'pipeline.clean', 'pipeline.writers.pdf') if m in sys.modules]; "
            "print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
@pytest.mark.parametrize("formats, asked", [("pdf", True), ("docx", True), ("txt,xml", False)])
def test_convert_asks_fontconfig_before_it_imports_the_stages(tmp_path, formats, asked):
    """A conversion to a format set with fonts starts fontconfig's lookups as soon as its
    settings are read, so that the answers come in while the stages are imported (a tenth of a
    second): the first call finds the stages not yet imported. One without fonts asks nothing."""
    code = ("import sys; from pipeline import fonts; from pipeline.cli import main; calls = []; "
            "start = fonts.start_lookups; "
            "fonts.start_lookups = lambda settings: (calls.append('pipeline.convert' in sys.modules), start(settings))[1]; "
            f"sys.argv = ['pipeline', 'convert', {str(REFERENCE)!r}, '-o', {str(tmp_path / 'out')!r}, '-f', {formats!r}, '-q']; "
            "import atexit, json; atexit.register(lambda: print(json.dumps(calls))); main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    calls = json.loads(result.stdout.strip())
    assert calls[:1] == ([False] if asked else [])


@pytest.mark.slow
def test_a_utf8_page_loads_no_encoding_guesser_or_message_parser():
    """A page in UTF-8 converted to every format imports neither charset_normalizer (for
    bytes of no known encoding) nor the e-mail package (a saved message, a transport's date;
    importlib.metadata loads it too): each is a hundredth of a second or two of a cold run."""
    code = ("import sys; from pathlib import Path; from pipeline import api; "
            f"api.convert(Path({str(REFERENCE)!r}).read_bytes(), formats=('xml', 'txt', 'docx', 'pdf'), "
            "name='report.txt'); "
            "print([m for m in ('charset_normalizer', 'email', 'importlib.metadata') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_collector_is_off_for_a_first_document_and_on_after_it_and_for_a_batch(tmp_path, monkeypatch):
    """The program converts its first document without garbage collection (start-up and
    conversion make long-lived objects and few cycles); a second one, and a batch, run with
    it on; at its end what it made is frozen (the collection at exit has nothing to scan)."""
    import gc

    import pipeline.batch.runner
    import pipeline.convert
    from pipeline.cli import entry

    seen: list[bool] = []
    convert, run_batch = pipeline.convert.convert, pipeline.batch.runner.run_batch

    def recording(original):
        def wrapper(*args, **kwargs):
            seen.append(gc.isenabled())
            return original(*args, **kwargs)
        return wrapper

    def program(*args: str) -> tuple[int, bool]:
        """The exit code, and whether the program froze what it made."""
        monkeypatch.setattr(sys, "argv", ["pipeline", *args])
        frozen = gc.get_freeze_count()
        try:
            entry()
        except SystemExit as exit:
            return exit.code, gc.get_freeze_count() > frozen
        finally:
            gc.unfreeze()
            gc.enable()

    monkeypatch.setattr(pipeline.convert, "convert", recording(convert))
    monkeypatch.setattr(pipeline.batch.runner, "run_batch", recording(run_batch))
    second = tmp_path / "second.txt"
    second.write_bytes(REFERENCE.read_bytes())
    assert program("convert", str(REFERENCE), "-o", str(tmp_path / "one"), "-f", "txt", "-q") == (0, True)
    assert seen == [False]
    seen.clear()
    assert program("convert", str(REFERENCE), str(second), "-o", str(tmp_path / "two"), "-f", "txt", "-q") == (0, True)
    assert seen == [False, True]
    seen.clear()
    assert program("batch", str(second), "-o", str(tmp_path / "batch"), "-f", "txt", "-j", "1", "-q") == (0, True)
    assert seen == [True]
