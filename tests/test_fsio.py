"""Atomic writes (``pipeline.fsio``): the whole new file or the old one, never a part; the
permissions of any new file; folders made as needed; the temporary files of a writer killed
midway removed. The pictures beside a page: nothing outside its folder tree."""
from __future__ import annotations

import os
import stat

import pytest

from pipeline import fsio


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_a_written_file_has_the_permissions_of_any_new_file_and_its_folder_is_made(tmp_path, umask):
    before = os.umask(umask)
    try:
        target = tmp_path / "a" / "b" / "report.pdf"
        fsio.write_atomic(target, b"%PDF-1.7")
        fresh = tmp_path / "plain"
        fresh.write_bytes(b"")
    finally:
        os.umask(before)
    assert target.read_bytes() == b"%PDF-1.7"
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    assert os.listdir(target.parent) == ["report.pdf"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with fsio.atomic_open(target, text=True) as handle:
            handle.write("new, half")
            raise RuntimeError("the writer failed")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["report.txt"]


def test_a_short_write_is_carried_on_and_a_failed_one_leaves_no_temporary(tmp_path, monkeypatch):
    """``write_atomic`` writes through the descriptor: what the system did not take at once
    is written next; an error leaves the old file and no temporary."""
    real_write = os.write
    monkeypatch.setattr(fsio.os, "write", lambda fd, data: real_write(fd, data[:3]))
    fsio.write_atomic(tmp_path / "report.txt", b"a longer text")
    assert (tmp_path / "report.txt").read_bytes() == b"a longer text"

    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsio.os, "write", full)
    with pytest.raises(OSError, match="No space"):
        fsio.write_atomic(tmp_path / "report.txt", b"new")
    assert (tmp_path / "report.txt").read_bytes() == b"a longer text"
    assert os.listdir(tmp_path) == ["report.txt"]


def test_a_temporary_name_already_taken_is_not_touched(tmp_path, monkeypatch):
    names = iter(["taken000", "free0000"])
    monkeypatch.setattr(fsio.secrets, "token_hex", lambda _n: next(names))
    taken = tmp_path / ".report.xml.taken000.part"
    taken.write_bytes(b"another writer's")
    fsio.write_atomic(tmp_path / "report.xml", b"<report/>")
    assert taken.read_bytes() == b"another writer's"
    assert (tmp_path / "report.xml").read_bytes() == b"<report/>"
    assert sorted(os.listdir(tmp_path)) == [".report.xml.taken000.part", "report.xml"]


def test_the_temporaries_of_one_output_are_removed_and_no_other_file(tmp_path):
    for name in (".report[1].pdf.0a1b2c3d.part", ".report[1].pdf.ffffffff.part", ".report.pdf.0a1b2c3d.part",
                 "report[1].pdf", ".report[1].pdf.part"):
        (tmp_path / name).write_bytes(b"x")
    fsio.remove_temporaries(tmp_path / "report[1].pdf")
    assert sorted(os.listdir(tmp_path)) == [".report.pdf.0a1b2c3d.part", ".report[1].pdf.part", "report[1].pdf"]


def test_a_picture_is_read_only_when_it_lies_in_the_page_folder_tree(tmp_path):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"secret")
    site = tmp_path / "site"
    (site / "pics").mkdir(parents=True)
    (site / "pics" / "real.jpg").write_bytes(b"real")
    (site / "in.jpg").symlink_to(site / "pics" / "real.jpg")
    (site / "out.jpg").symlink_to(secret)
    (site / "folder.jpg").mkdir()
    page = site / "page.html"
    page.write_bytes(b'<img src="out.jpg"><img src="in.jpg"><img src="pics/real.jpg"><img src="none.jpg">'
                     b'<img src="folder.jpg">')
    assert fsio.folder_pictures(page.read_bytes(), page) == ({"in.jpg": b"real", "pics/real.jpg": b"real"}, "page.html")
