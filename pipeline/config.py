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
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import UsageError
from .writers import FORMATS


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
    # Where the font scan, what was read of each font file and CFF fonts converted to TrueType
    # are cached; None = the user cache dir.
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
    # A character no installed font has a glyph for (a warning names it either way):
    # "notation" prints its code point instead, e.g. [U+20000], and the other formats keep the
    # character; "error" fails the document (as strict does for any warning).
    missing_glyph: Literal["error", "notation"] = "notation"
    # Document language written to the catalog (/Lang).
    lang: str = "zh-CN"
    # Document info Subject and Keywords; an empty subject falls back to the site name.
    subject: str = ""
    keywords: str = ""
    # PDF/A-2b: XMP metadata agreeing with the document info, an sRGB output intent, pictures
    # without transparency; false writes a plain PDF.
    archival: bool = True
    # A structure tree (tagged PDF): headings, paragraphs, lists, tables, figures with alt text.
    tagged: bool = False
    # The deflate implementation of the compressed streams (fonts, pages) and its level.
    # zlib, levels 0-9: 3 compresses the fonts (most of the file) twice as fast as zlib's own
    # default 6, for files about 5% larger; the same bytes on every machine with that zlib.
    # isal (Intel's ISA-L), levels 0-3, is four times as fast again, but its bytes depend on
    # the CPU (at level 3 an AVX-512 machine writes others than an AVX2 one).
    deflate: Literal["isal", "zlib"] = "zlib"
    compression_level: int = Field(3, ge=0, le=9)

    @model_validator(mode="after")
    def _level_of_deflate(self):
        if self.deflate == "isal" and self.compression_level > 3:
            raise ValueError(f"compression_level {self.compression_level}: isal's levels are 0-3 (zlib's 0-9)")
        return self

    @field_validator("font_files", "embolden")
    @classmethod
    def _known_roles(cls, value):
        roles = ("title", "body", "heading1", "heading2", "heading3", "heading4", "page_number")
        unknown = [r for r in value if r not in roles]
        if unknown:
            raise ValueError(f"unknown font role(s) {', '.join(unknown)}; known: {', '.join(roles)}")
        return value


class Limits(Strict):
    """How much one document may hold: past a limit it is refused at once, naming the limit,
    rather than converted for minutes (time is linear in the input up to these)."""

    # The input's size in megabytes (an MHTML file counts its pictures).
    input_mb: float = Field(50.0, gt=0)
    # Blocks (paragraphs, headings, table rows, list entries, figures): a page with more block
    # tags, or a text with more lines, is refused before it is read; so is a document that
    # has more after cleaning.
    blocks: int = Field(100_000, gt=0)


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
    limits: Limits = Limits()

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


# Keys holding paths: relative values in a config file are relative to the file's folder.
PATH_KEYS = (("input",), ("output",), ("image_dir",), ("docx", "reference_docx"), ("pdf", "font_cache_dir"))
PATH_MAPS = (("pdf", "font_files"),)
PATH_LISTS = (("pdf", "font_dirs"),)


def load_settings(path: Path | None, **overrides) -> Settings:
    """Read ``path`` (YAML) if given, apply non-None overrides (a mapping is merged into the
    section of that name), and the environment's SOURCE_DATE_EPOCH when the settings give
    none. Every problem is a UsageError of one line in the config's own terms."""
    data: dict = {}
    if path is not None:
        data = _read_yaml(Path(path))
        _resolve_paths(data, Path(path).parent)
    _merge(data, {k: v for k, v in overrides.items() if v is not None})
    _normalize_lists(data)
    where = str(path) if path is not None else "settings"
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and data.get("source_date_epoch") is None:
        if not epoch.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH: not a whole number of seconds: {epoch!r}")
        data["source_date_epoch"] = int(epoch)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"{where}: {describe_errors(exc)}") from None
    if settings.docx.reference_docx is not None:
        check_reference_docx(settings.docx.reference_docx)
    return settings


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise UsageError(f"{path}: cannot read config: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: config is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
        raise UsageError(f"{path}: not valid YAML{at}: {problem}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: config must be a mapping of keys (key: value lines)")
    return data


def _section(data: dict, keys: tuple[str, ...]) -> dict | None:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else None


def _resolve_paths(data: dict, base: Path) -> None:
    def resolved(value):
        if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
            return str(base / value)
        return value

    for *parents, key in PATH_KEYS:
        section = _section(data, tuple(parents))
        if section is not None and key in section:
            section[key] = resolved(section[key])
    for *parents, key in PATH_MAPS:
        section = _section(data, tuple(parents))
        if section is not None and isinstance(section.get(key), dict):
            section[key] = {k: resolved(v) for k, v in section[key].items()}
    for *parents, key in PATH_LISTS:
        section = _section(data, tuple(parents))
        if section is not None and isinstance(section.get(key), list):
            section[key] = [resolved(v) for v in section[key]]


def _merge(data: dict, overrides: dict) -> None:
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            _merge(data[key], value)
        else:
            data[key] = value


def _normalize_lists(data: dict) -> None:
    """``formats: txt`` and ``formats: xml, PDF`` mean ``[xml, pdf]``; names ignore case."""
    for key in ("formats", "transforms"):
        value = data.get(key)
        if isinstance(value, str):
            value = [part for part in (p.strip() for p in value.split(",")) if part]
        if isinstance(value, (list, tuple)):
            data[key] = [v.strip().lower() if isinstance(v, str) else v for v in value]


KINDS = {
    "tuple_type": "a list", "list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping", "string_type": "text", "bool_type": "true or false",
    "bool_parsing": "true or false", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
    "path_type": "a path",
}


def describe_errors(exc: ValidationError) -> str:
    """The validation errors in the config's terms (key path, what is wrong), on one line."""
    return "; ".join(_describe(error) for error in exc.errors(include_url=False))


def _describe(error: dict) -> str:
    where = ""
    for part in error["loc"]:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "extra_forbidden":
        parent = _model_at(error["loc"][:-1])
        known = f" (known: {', '.join(parent.model_fields)})" if parent is not None else ""
        what = f"unknown key{known}"
    elif kind == "missing":
        what = "is required"
    elif kind == "value_error":
        what = str(ctx.get("error", error["msg"]))
    elif kind == "literal_error":
        what = "must be " + str(ctx.get("expected", "")).replace("'", "")
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {"greater_than": "greater than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}[kind]
        limit = next(iter(ctx.values()), "")
        what = f"must be {words} {limit}"
    elif kind in KINDS:
        what = f"must be {KINDS[kind]}"
    else:
        what = error["msg"].replace("Input should be", "must be").replace("Value error, ", "")
    if kind not in ("extra_forbidden", "missing", "value_error") and isinstance(given, (str, int, float, bool)):
        what += f", not {given!r}"
    return f"{where}: {what}" if where else what


def _model_at(loc: tuple) -> type[BaseModel] | None:
    model: type[BaseModel] = Settings
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        sub = getattr(field, "annotation", None) if field is not None else None
        if not (isinstance(sub, type) and issubclass(sub, BaseModel)):
            return None
        model = sub
    return model


def check_reference_docx(path: Path) -> None:
    """A reference document must be a Word document (checked once, not per input)."""
    import zipfile  # noqa: PLC0415

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except FileNotFoundError:
        raise UsageError(f"{path}: reference docx not found") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: reference docx is a folder") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read reference docx: {exc.strerror or exc}") from None
    except zipfile.BadZipFile:
        raise UsageError(f"{path}: not a .docx file (a reference docx is a Word document)") from None
    if "word/document.xml" not in names:
        raise UsageError(f"{path}: not a Word document (no word/document.xml inside)")


def settings_hash(settings: Settings) -> str:
    """A fingerprint of the settings that change output bytes (not input/output paths, nor
    the order the formats are named in)."""
    data = settings.model_dump(mode="json", exclude={"input", "output"})
    data["formats"] = sorted(data["formats"])
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
