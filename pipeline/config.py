"""Settings: the pydantic model of ``config.yaml`` and how it is read.

One model, validated strictly (an unknown key is an error). Library code receives a
``Settings`` object, never CLI arguments. ``settings_hash`` fingerprints everything that
changes output bytes, so a batch can tell whether an output is up to date.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import UsageError

FORMATS = ("xml", "txt", "docx", "pdf", "md", "html")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FontFaces(Strict):
    """Face names per role, written into DOCX and looked up among installed fonts for PDF."""

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    heading3: str = "仿宋_GB2312"
    heading4: str = "仿宋_GB2312"
    page_number: str = "宋体"


class DocxSettings(Strict):
    """DOCX output: the reference document (looks), heading numbering, run-in heads, metadata."""

    reference_docx: Path | None = None
    numbering: Literal["literal", "native"] = "literal"
    runin: Literal["split", "keep"] = "split"
    subject: str = ""
    keywords: str = ""


class PdfSettings(Strict):
    """The PDF page (GB/T 9704-2012 by default: A4, 156 × 225 mm block, 22 lines × 28 characters)."""

    # A font file per role (title, body, heading1..4, page_number); wins over installed fonts.
    font_files: dict[str, Path] = Field(default_factory=dict)
    # Folders searched for installed fonts; None = the usual system and user font folders.
    font_dirs: tuple[Path, ...] | None = None
    # Where the font scan and CFF fonts converted to TrueType are cached; None = the user cache dir.
    font_cache_dir: Path | None = None
    # Text block position and size in millimetres (top and left margins, width, height); A4 paper.
    margin_top_mm: float = Field(37.0, gt=0)
    margin_left_mm: float = Field(28.0, gt=0)
    block_width_mm: float = Field(156.0, gt=0)
    block_height_mm: float = Field(225.0, gt=0)
    # The grid: lines per page and characters per line, both filling the block exactly.
    lines_per_page: int = Field(22, gt=0)
    chars_per_line: int = Field(28, gt=0)
    # Font sizes in points: body and headings (3号), title (2号), page number (4号), table text (小4号).
    body_size: float = Field(16.0, gt=0)
    title_size: float = Field(22.0, gt=0)
    page_number_size: float = Field(14.0, gt=0)
    table_size: float = Field(12.0, gt=0)
    # Paragraph (and heading) first-line indent, in characters.
    indent_chars: int = Field(2, ge=0)
    # Empty grid lines between the title and the body.
    lines_after_title: int = Field(1, ge=0)
    # Distance from the bottom of the block to the top of the page number, in millimetres.
    page_number_gap_mm: float = Field(7.0, ge=0)
    # Roles set in faux bold (fill + stroke) — 仿宋 for 1. headings "bold by common practice".
    embolden: tuple[str, ...] = ("heading3",)
    # Also embolden the title when no 小标宋 face is installed and a lighter Song stands in.
    embolden_title_fallback: bool = True
    # Stroke width of faux bold, as a fraction of the font size.
    embolden_stroke: float = Field(0.025, ge=0)
    # A character no installed font has a glyph for: "error" fails the render (nothing may
    # vanish or print as a box); "notation" prints its code point instead, e.g. [U+1F446].
    missing_glyph: Literal["error", "notation"] = "error"
    # Document language written to the catalog (/Lang).
    lang: str = "zh-CN"
    # Document info Subject and Keywords; an empty subject falls back to the site name.
    subject: str = ""
    keywords: str = ""

    @field_validator("font_files", "embolden")
    @classmethod
    def _known_roles(cls, value):
        roles = ("title", "body", "heading1", "heading2", "heading3", "heading4", "page_number")
        unknown = [r for r in value if r not in roles]
        if unknown:
            raise ValueError(f"unknown font role(s) {', '.join(unknown)}; known: {', '.join(roles)}")
        return value


class Settings(Strict):
    input: Path = Path("input")
    output: Path = Path("output")
    formats: tuple[str, ...] = ("xml", "txt", "docx", "pdf")
    transforms: tuple[str, ...] | None = None
    strict: bool = False
    fonts: FontFaces = FontFaces()
    docx: DocxSettings = DocxSettings()
    pdf: PdfSettings = PdfSettings()
    source_date_epoch: int | None = None
    # Where relative picture references are looked up (and must stay under); None = the
    # folder of each input file.
    image_dir: Path | None = None
    # How much of the front matter every format prints: the title and the metadata fields
    # (full), the title alone (title) or nothing (none); the XML keeps the whole record.
    front_matter: Literal["full", "title", "none"] = "full"

    @field_validator("transforms")
    @classmethod
    def _possible_transforms(cls, value):
        if value is not None:
            from .transforms import resolve  # noqa: PLC0415  (the transforms import lxml)

            try:
                resolve(value)
            except UsageError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value):
        unknown = [f for f in value if f not in FORMATS]
        if unknown:
            raise ValueError(f"unknown format(s) {', '.join(unknown)}; known: {', '.join(FORMATS)}")
        return tuple(value)


def load_settings(path: Path | None, **overrides) -> Settings:
    """Read ``path`` (YAML) if given, apply non-None overrides, and the environment's SOURCE_DATE_EPOCH."""
    data: dict = {}
    if path is not None:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise UsageError(f"{path}: cannot read config: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise UsageError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise UsageError(f"{path}: config must be a mapping")
        base = Path(path).parent
        for key in ("input", "output"):
            if key in data and not Path(str(data[key])).is_absolute():
                data[key] = str(base / data[key])
    data.update({k: v for k, v in overrides.items() if v is not None})
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and data.get("source_date_epoch") is None:
        data["source_date_epoch"] = epoch
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"{path or 'settings'}: {where}: {first['msg']}") from None


def settings_hash(settings: Settings) -> str:
    """A fingerprint of the settings that change output bytes (not input/output paths)."""
    data = settings.model_dump(mode="json", exclude={"input", "output"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
