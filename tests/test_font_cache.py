"""What a process learns of a font file is kept on disk by the file's size and mtime: a new
process reads it back instead of parsing the font again, and a changed file is read afresh."""
from __future__ import annotations

import gc
import json
import mmap
import os
import warnings
from pathlib import Path

import pytest

from pipeline import embeddable, fonts

from .test_pdf import make_font


def test_face_data_is_read_back_and_renewed_when_the_file_changes(tmp_path):
    font = make_font(tmp_path / "kai.ttf", "AR PL UKai CN", "中国的楷体报告标题")
    cache = tmp_path / "cache"
    first = fonts.FaceMetrics(str(font), 0, cache)
    assert first.width("中") > 0 and first.has("报") and not first.has("走")
    assert len(list(cache.rglob("*.bin"))) == 1

    def unreadable():
        raise AssertionError("the font was parsed again")

    assert fonts.disk_memo(cache, "metrics", str(font), "0", unreadable)[3] == first.runs
    make_font(font, "AR PL UKai CN", "中国的楷体报告标题走")
    os.utime(font, ns=(1, 1))  # another size and mtime
    renewed = fonts.FaceMetrics(str(font), 0, cache)
    assert renewed.has("走")
    with pytest.raises(AssertionError, match="parsed again"):
        fonts.disk_memo(cache, "metrics", str(font), "1", unreadable)  # another key is not the same data


def test_faces_of_a_file_come_back_alike(tmp_path):
    font = make_font(tmp_path / "hei.ttf", "SimHei", "中国的黑体报告标题")
    fonts._faces_of.cache_clear()
    made = fonts._faces_of(str(font), tmp_path / "cache")
    fonts._faces_of.cache_clear()
    assert fonts._faces_of(str(font), tmp_path / "cache") == made == tuple(fonts.read_faces(font))


def test_a_damaged_font_file_is_no_face_and_is_closed(tmp_path):
    """A font file whose directory reads but whose tables do not (cut short) is no candidate,
    and the file is closed there, not left for the collector to report."""
    whole = make_font(tmp_path / "hei.ttf", "SimHei", "中国的黑体报告标题").read_bytes()
    damaged = tmp_path / "damaged.ttf"
    damaged.write_bytes(whole[:300])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        assert fonts.read_faces(damaged) == []
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def _face_state(font) -> dict:
    """reportlab's face attributes, names with their decoded text, the scale by its value
    (glyph → characters left out: see ``test_only_the_parser_reads_glyph_to_char``)."""
    state = {k: v for k, v in vars(font.face).items() if k not in ("_pdfScale", "glyphToChar")}
    state.update({k: (v, v.ustr) for k, v in state.items() if hasattr(v, "ustr")})
    state["_pdfScale"] = font.face._pdfScale(512)
    state["_ttf_data"] = font.face._ttf_data[:]  # the file's bytes, read or mapped
    return state


@pytest.mark.parametrize("which", ["made", "body"])
def test_reportlab_font_from_the_disk_is_reportlabs_own(tmp_path, which, monkeypatch):
    """The PDF writer builds reportlab's font from what its parser read the first time
    (kept on disk); the font must be the one reportlab makes, attribute for attribute, but
    that it is never shaped (it has no glyph → characters): this fails when reportlab's
    TTFont or face parser changes what it sets."""
    from reportlab.pdfbase.ttfonts import TTFont

    monkeypatch.setattr("reportlab.pdfbase.ttfonts.uharfbuzz", object())  # as if shaping were installed

    from pipeline.config import Settings

    if which == "made":
        path, index = str(make_font(tmp_path / "song.ttf", "AR PL UMing CN", "中国的宋体报告")), 0
    else:
        face = fonts.font_choice(Settings()).role_face["body"]
        path, index = face.path, face.index
    cache = tmp_path / "cache"
    theirs = TTFont("Fcheck", path, subfontIndex=index)
    parsed = embeddable.reportlab_font("Fcheck", path, index, cache)
    assert list(cache.rglob("*.bin")), "nothing was kept on disk"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("reportlab.pdfbase.ttfonts.TTFontFace.__init__",
                      lambda *a, **k: pytest.fail("the font was parsed again"))
        kept = embeddable.reportlab_font("Fcheck", path, index, cache)
    for ours in (parsed, kept):
        # a CJK face's file is mapped, not read whole; a small one (a converted subset) read
        assert isinstance(ours.face._ttf_data, mmap.mmap if which == "body" else bytes)
        assert vars(ours).keys() == vars(theirs).keys()
        assert {k: v for k, v in vars(ours).items() if k not in ("face", "encoding", "state", "_shapable")} \
            == {k: v for k, v in vars(theirs).items() if k not in ("face", "encoding", "state", "_shapable")}
        assert theirs.shapable and not ours.shapable
        assert type(ours.encoding) is type(theirs.encoding) and vars(ours.encoding) == vars(theirs.encoding)
        assert _face_state(ours) == _face_state(theirs)


def test_only_the_parser_reads_glyph_to_char():
    """The face kept on disk leaves out ``glyphToChar``: in reportlab only the parser
    (``TTFontFile.extractInfo``) and text shaping (``shapeFragWord`` and its helper adding
    private characters), never done with the fonts made here (marked unshaped), read it.
    Fails when another part of reportlab comes to read it."""
    import ast
    import inspect

    from reportlab.pdfbase import ttfonts

    assert "glyphToChar" in embeddable._UNKEPT
    tree = ast.parse(inspect.getsource(ttfonts))
    readers = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
               and any(isinstance(n, (ast.Name, ast.Attribute)) and "glyphToChar" in (getattr(n, "id", None), getattr(n, "attr", None))
                       for n in ast.walk(node))}
    assert readers == {"extractInfo", "shapeFragWord", "__addPrivate"}


def test_a_packaged_face_is_read_only_for_a_character_the_roles_faces_lack(monkeypatch):
    """Font choice reads the metrics of the roles' faces; those of a packaged face only when a
    character is found in none of them (most documents never need them)."""
    from pipeline.config import Settings

    read = []
    real = fonts.metrics
    monkeypatch.setattr(fonts, "metrics", lambda path, index=0, folder=None: read.append((path, index))
                        or real(path, index, folder))
    choice = fonts.FontChoice(Settings())
    roles = {(font.path, font.index) for font in choice.resolved.values()}
    assert choice.face_for("body", "中") is choice.role_face["body"]
    assert set(read) == roles
    assert [(face.path, face.index) for face in choice.chain] == list(choice.chain_faces)


def test_characters_by_face_are_those_each_face_sets():
    """``faces`` groups characters as ``face_for`` chooses their faces, in each role (one
    character looked up before, the others not)."""
    from pipeline.config import Settings

    choice = fonts.FontChoice(Settings())
    sample = "中文，。、ABC abc 1234—…《》\u00a0\u3000ƒʻ‐ĄąĆẚẛ⁄∼"  # some set by a face of another role
    for role in fonts.ROLES:
        choice.face_for(role, "中")
        chars = {ch for ch in sample if choice.covers(role, ch)}
        expected: dict = {}
        for ch in chars:
            expected.setdefault(choice.face_for(role, ch), set()).add(ch)
        assert fonts.FontChoice(Settings()).faces(role, chars) == expected
        assert choice.faces(role, chars) == expected


def test_advances_kept_as_runs_read_as_the_dictionary_they_came_from(monkeypatch):
    from array import array

    widths = {32: 250.0, 33: 250.0, 35: 250.0, 0x4E00: 1000.0, 0x4E01: 1000.0, 0x4E02: 998.5, 0x4E03: 1000.0,
              0x20000: 1000.0}
    monkeypatch.setattr(fonts, "disk_memo", lambda *args: ("glyf", 1.0, 500.0, fonts.advance_runs(widths)))
    face = fonts.FaceMetrics("any.ttf")
    assert len(array("I", face.runs[0])) == 6  # 32–33, 35, 4E00–4E01, 4E02, 4E03, 20000
    for cp in (0, 31, 32, 33, 34, 35, 36, 0x4DFF, 0x4E00, 0x4E01, 0x4E02, 0x4E03, 0x4E04, 0x1FFFF, 0x20000, 0x20001):
        assert face.has(chr(cp)) == (cp in widths)
        assert face.width(chr(cp)) == widths.get(cp, 500.0)
    assert face.has("\u00a0") and face.width("\u00a0") == 250.0  # set as a space


def test_a_cff_face_is_read_once_and_its_outlines_only_to_convert(tmp_path, monkeypatch):
    """What converting needs of a CFF face besides its outlines (glyph names, character map,
    metrics: most of a second for a CJK face; the tables a converted font takes from it) is
    read back in a new process, and a process whose glyphs are all in the glyph store never
    opens the font file; the fonts are the same bytes as those of a face read afresh."""
    path = str(make_font(tmp_path / "FandolFang-Regular.otf", "FandolFang", "仿宋报告年度，。《》", cff=True))
    folder, store = str(tmp_path / "cache"), embeddable.GlyphStore(tmp_path / "glyphs.sqlite")
    expected = embeddable.CffOutlines(path, 0).truetype(" 仿宋报告《")
    assert embeddable.CffOutlines(path, 0, folder).truetype(" 仿宋报告《", store) == expected  # read, kept, stored

    def unread(*_args):
        raise AssertionError("the face was read again")

    monkeypatch.setattr(embeddable, "_cff_face_data", unread)
    monkeypatch.setattr(embeddable, "_face_tables", unread)
    monkeypatch.setattr(embeddable.CffOutlines, "font", property(unread))
    assert embeddable.CffOutlines(path, 0, folder).truetype(" 仿宋报告《", store) == expected
    with pytest.raises(AssertionError, match="read again"):
        embeddable.CffOutlines(path, 0, folder).truetype(" 年度", store)  # new glyphs: the outlines are read


def test_the_font_scan_kept_on_disk_serves_settings_of_other_font_folders(tmp_path, monkeypatch):
    """One scan cache holds the faces of every folder scanned: a batch's forkserver warms up
    with the default folders and its workers with the batch's, and each used to write the
    cache of its own folders only, so the other scanned every font file again each batch. A
    file gone is dropped."""
    from pipeline.config import PdfSettings, Settings

    song, kai = tmp_path / "song", tmp_path / "kai"
    for folder, name, family in ((song, "song.ttf", "AR PL UMing CN"), (kai, "kai.ttf", "AR PL UKai CN")):
        folder.mkdir()
        make_font(folder / name, family, "中国的报告")
    settings = {f.name: Settings(pdf=PdfSettings(font_dirs=(f,), font_cache_dir=tmp_path / "cache")) for f in (song, kai)}
    for name in ("song", "kai"):
        fonts._scan_memo.clear()
        fonts.scan_fonts(settings[name])
    read: list[str] = []
    read_faces = fonts.read_faces
    monkeypatch.setattr(fonts, "read_faces", lambda path: read.append(path) or read_faces(path))
    for name in ("song", "kai"):
        fonts._scan_memo.clear()  # as a new process
        assert [Path(f.path).name for f in fonts.scan_fonts(settings[name])] == [f"{name}.ttf"]
    assert read == []
    (song / "song.ttf").unlink()
    fonts._scan_memo.clear()
    fonts.scan_fonts(settings["kai"])
    kept = json.loads((tmp_path / "cache" / f"scan-v{fonts.SCAN_VERSION}.json").read_text(encoding="utf-8"))
    assert [Path(path).name for path in kept] == ["kai.ttf"]
