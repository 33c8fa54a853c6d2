"""What a process learns of a font file is kept on disk by the file's size and mtime: a new
process reads it back instead of parsing the font again, and a changed file is read afresh."""
from __future__ import annotations

import os

import pytest

from pipeline import fonts

from .test_pdf import make_font


def test_face_data_is_read_back_and_renewed_when_the_file_changes(tmp_path):
    font = make_font(tmp_path / "kai.ttf", "AR PL UKai CN", "中国的楷体报告标题")
    cache = tmp_path / "cache"
    first = fonts.FaceMetrics(str(font), 0, cache)
    assert first.width("中") > 0 and first.has("报") and not first.has("走")
    assert len(list(cache.rglob("*.bin"))) == 1

    def unreadable():
        raise AssertionError("the font was parsed again")

    assert fonts._disk_memo(cache, "metrics", str(font), "0", unreadable)[3] == first.widths
    make_font(font, "AR PL UKai CN", "中国的楷体报告标题走")
    os.utime(font, ns=(1, 1))  # another size and mtime
    renewed = fonts.FaceMetrics(str(font), 0, cache)
    assert renewed.has("走")
    with pytest.raises(AssertionError, match="parsed again"):
        fonts._disk_memo(cache, "metrics", str(font), "1", unreadable)  # another key is not the same data


def test_faces_of_a_file_come_back_alike(tmp_path):
    font = make_font(tmp_path / "hei.ttf", "SimHei", "中国的黑体报告标题")
    fonts._faces_of.cache_clear()
    made = fonts._faces_of(str(font), tmp_path / "cache")
    fonts._faces_of.cache_clear()
    assert fonts._faces_of(str(font), tmp_path / "cache") == made == tuple(fonts.read_faces(font))
