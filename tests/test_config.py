"""The settings model: what a batch's up-to-date check rests on (``settings_hash``), building
the structs directly, and the font cache key."""
from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from pipeline.config import FontFaces, PdfSettings, Settings, settings_hash, validate
from pipeline.fonts import font_settings_key

# Fingerprints written into batch manifests: a change marks every finished output stale, so
# each one is pinned (the values since the PDF's streams are deflated by libdeflate at level 1 by
# default, which changed every PDF's bytes).
PINNED_HASHES = [
    ({}, "c8221281c4b75450"),
    ({"pdf": {"tagged": True, "deflate": "isal", "compression_level": 2, "embolden": ["heading1", "title"],
              "font_files": {"body": "/x/body.ttf", "title": "rel/t.otf"}, "font_dirs": ["/a", "/b"]}},
     "ca691024da8a3642"),
    ({"formats": ["pdf", "xml"], "fonts": {"heading1": "Some Sans"}, "front_matter": "title",
      "source_date_epoch": 1700000000, "image_dir": "/img", "input": "/in", "output": "out"}, "656319d5bf2c958d"),
    ({"docx": {"numbering": "native", "subject": "主题", "reference_docx": "/r.docx"},
      "limits": {"input_mb": 5, "blocks": 10}, "transforms": ["punctuation", "sections"], "strict": True,
      "pdf": {"margin_top_mm": 30, "font_cache_dir": "/cache", "missing_glyph": "error", "body_size": 15.5,
              "lines_per_page": 20}}, "1f3ead1cfece7b55"),
    ({"transforms": [], "formats": ["txt"], "pdf": {"font_dirs": []}}, "900e10de1a94fd79"),
]


def test_the_default_settings_hash_is_pinned():
    assert settings_hash(Settings()) == "c8221281c4b75450"


@pytest.mark.parametrize("data, expected", PINNED_HASHES)
def test_settings_hashes_are_pinned(data, expected):
    assert settings_hash(validate(data)) == expected
    assert settings_hash(Settings(**data)) == expected  # built directly: the same settings


def test_built_directly_the_structs_validate_and_convert_as_a_config_does():
    built = Settings(pdf={"font_dirs": ["fonts"], "font_cache_dir": "cache", "margin_top_mm": 30},
                     fonts={"body": "宋体"}, formats=["xml"])
    assert built == validate({"pdf": {"font_dirs": ["fonts"], "font_cache_dir": "cache", "margin_top_mm": 30},
                              "fonts": {"body": "宋体"}, "formats": ["xml"]})
    assert built.pdf.font_dirs == (Path("fonts"),) and built.pdf.font_cache_dir == Path("cache")
    assert isinstance(built.pdf, PdfSettings) and isinstance(built.fonts, FontFaces)
    assert type(built.pdf.margin_top_mm) is float and built.formats == ("xml",)
    with pytest.raises(msgspec.ValidationError, match=r"at `\$\.pdf\.lines_per_page`"):
        Settings(pdf={"lines_per_page": 0})
    with pytest.raises(msgspec.ValidationError, match=r"at `\$\.deflate`"):
        PdfSettings(deflate="gzip")
    with pytest.raises(ValueError, match="unknown format"):
        Settings(formats=("odt",))
    with pytest.raises(ValueError, match="isal's levels are 0-3"):
        msgspec.structs.replace(PdfSettings(deflate="isal"), compression_level=4)


def test_settings_are_frozen_and_refuse_unknown_keys():
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.strict = True
    with pytest.raises(AttributeError):
        settings.pdf.tagged = True
    with pytest.raises(msgspec.ValidationError, match="unknown field `colour`"):
        validate({"colour": "red"})
    with pytest.raises(msgspec.ValidationError, match=r"unknown field `foo` - at `\$\.pdf`"):
        validate({"pdf": {"foo": 1}})


def test_the_font_cache_key_is_the_font_settings_and_nothing_else():
    key = font_settings_key(Settings())
    assert key == font_settings_key(Settings())
    assert key == font_settings_key(Settings(formats=("txt",), strict=True))  # not font settings
    assert key != font_settings_key(Settings(pdf={"lines_per_page": 20}))
    assert key != font_settings_key(Settings(fonts={"heading1": "Some Sans"}))
    assert key != font_settings_key(Settings(pdf={"font_dirs": ["/a"]}))
