"""Picture resolution shared by the DOCX and PDF writers: relative to the page, never outside the root."""
from __future__ import annotations

from pipeline import ir
from pipeline.config import Settings
from pipeline.writers.images import image_folders, image_source


def _tree(name: str):
    tree = ir.new_report()
    from lxml import etree
    etree.SubElement(tree.find("meta"), "source", name=name, format="html", encoding="utf-8")
    return tree


def test_page_named_relative_to_the_image_root(tmp_path):
    (tmp_path / "2023" / "static").mkdir(parents=True)
    (tmp_path / "2023" / "page.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "2023" / "static" / "a.png").write_bytes(b"png")
    (tmp_path.parent / "secret.png").write_bytes(b"png")
    folders = image_folders(_tree("2023/page.html"), Settings(image_dir=tmp_path))
    assert folders == (tmp_path.resolve(), (tmp_path / "2023").resolve())
    assert image_source("static/a.png", folders) == str((tmp_path / "2023" / "static" / "a.png").resolve())
    for outside in ("../../secret.png", "/etc/passwd", "https://a.gov.cn/a.png", "static/missing.png"):
        assert image_source(outside, folders) is None


def test_page_given_by_its_path_and_data_uris(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "b.png").write_bytes(b"png")
    folders = image_folders(_tree(str(page)), Settings())
    assert image_source("b.png", folders) == str((tmp_path / "b.png").resolve())
    assert image_source("data:image/png;base64,iVBORw0KGgo=", (None, None)).read().startswith(b"\x89PNG")
    assert image_folders(_tree("nowhere/page.html"), Settings()) == (None, None)
