"""Settings: the model of ``config.yaml`` (msgspec structs) and how it is read.

One model, validated strictly (an unknown key is an error), frozen. Library code receives a
``Settings`` object, never CLI arguments. ``settings_hash`` fingerprints everything that
changes output bytes, so a batch can tell whether an output is up to date.

A mapping becomes ``Settings`` through ``validate`` (``load_settings`` for a config file);
building the structs directly (``Settings(pdf={"tagged": True})``) validates and converts
the same way, raising ValueError (msgspec.ValidationError for a value of the wrong kind or out
of range). ``msgspec.structs.replace`` makes a changed copy.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Annotated, Literal, Union, get_args, get_origin

import msgspec
import yaml
from msgspec import Meta, field

from .errors import UsageError
from .writers import FORMATS

Positive = Meta(gt=0)
AtLeastZero = Meta(ge=0)


class Invalid(ValueError):
    """A validator's objection to ``key`` of the struct raising it (None: to the struct as a
    whole); validation reports it at that key."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


class Strict(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A section of the settings: unknown keys refused, frozen, values validated and
    converted also when the struct is built directly (as ``validate`` does)."""

    def __post_init__(self):
        for name, kind in _field_types(type(self)):
            value = getattr(self, name)
            try:
                checked = msgspec.convert(value, kind, dec_hook=_decode, strict=False)
            except msgspec.ValidationError as exc:
                message, _, at = str(exc).partition(" - at `$")
                raise msgspec.ValidationError(f"{message} - at `$.{name}{at or '`'}") from None
            if checked is not value:
                msgspec.structs.force_setattr(self, name, checked)
        self._check()

    def _check(self) -> None:
        """The struct's own rules, past what its fields' types say (raise ``Invalid``)."""


_TYPES: dict[type, tuple[tuple[str, object], ...]] = {}


def _field_types(cls: type) -> tuple[tuple[str, object], ...]:
    found = _TYPES.get(cls)
    if found is None:
        found = _TYPES[cls] = tuple((f.name, f.type) for f in msgspec.structs.fields(cls))
    return found


def _decode(kind, value):
    """Paths (msgspec decodes a ``pathlib.Path`` through this hook): text or a path."""
    if kind is Path:
        if isinstance(value, (str, os.PathLike)):
            return value if isinstance(value, Path) else Path(value)
        raise TypeError(f"Expected `path`, got `{type(value).__name__}`")
    raise NotImplementedError(kind)


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


#: The highest level of each deflate implementation ``pdf.deflate`` names.
DEFLATE_LEVELS = {"libdeflate": 12, "zlib": 9, "isal": 3}


class PdfSettings(Strict):
    """The PDF page (GB/T 9704-2012 by default: A4, 156 × 225 mm block, 22 lines × 28 characters)."""

    # A font file per role (title, body, heading1..4, page_number); wins over installed fonts.
    font_files: dict[str, Path] = field(default_factory=dict)
    # Folders searched for installed fonts; None = the usual system and user font folders.
    font_dirs: tuple[Path, ...] | None = None
    # Where the font scan, what was read of each font file and CFF fonts converted to TrueType
    # are cached; None = the user cache dir.
    font_cache_dir: Path | None = None
    # Text block position and size in millimetres (top and left margins, width, height); A4 paper.
    margin_top_mm: Annotated[float, Positive] = 37.0
    margin_left_mm: Annotated[float, Positive] = 28.0
    block_width_mm: Annotated[float, Positive] = 156.0
    block_height_mm: Annotated[float, Positive] = 225.0
    # The grid: lines per page and characters per line, both filling the block exactly.
    lines_per_page: Annotated[int, Positive] = 22
    chars_per_line: Annotated[int, Positive] = 28
    # Font sizes in points: body and headings (3号), title (2号), page number (4号), table text (小4号).
    body_size: Annotated[float, Positive] = 16.0
    title_size: Annotated[float, Positive] = 22.0
    page_number_size: Annotated[float, Positive] = 14.0
    table_size: Annotated[float, Positive] = 12.0
    # Paragraph (and heading) first-line indent, in characters.
    indent_chars: Annotated[int, AtLeastZero] = 2
    # Empty grid lines between the title and the body.
    lines_after_title: Annotated[int, AtLeastZero] = 1
    # Distance from the bottom of the block to the top of the page number, in millimetres.
    page_number_gap_mm: Annotated[float, AtLeastZero] = 7.0
    # Roles set in faux bold (fill + stroke) — 仿宋 for 1. headings "bold by common practice".
    embolden: tuple[str, ...] = ("heading3",)
    # Also embolden the title when no 小标宋 face is installed and a lighter Song stands in.
    embolden_title_fallback: bool = True
    # Stroke width of faux bold, as a fraction of the font size.
    embolden_stroke: Annotated[float, AtLeastZero] = 0.025
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
    # A structure tree (tagged PDF): headings, paragraphs, links, lists, tables, figures with alt text.
    tagged: bool = False
    # The deflate implementation of the compressed streams (fonts, pages) and its level.
    # libdeflate (levels 0-12): at 1 it deflates the fonts (most of the file) about three times
    # as fast as zlib at 3, into slightly smaller files; its bytes are the same on every machine
    # with the same release of the `deflate` package, which bundles it.
    # zlib (levels 0-9): the same bytes on every machine with that zlib.
    # isal (Intel's ISA-L, levels 0-3): faster still, but its bytes depend on the CPU (at level 3
    # an AVX-512 machine writes others than an AVX2 one).
    deflate: Literal["libdeflate", "isal", "zlib"] = "libdeflate"
    compression_level: Annotated[int, Meta(ge=0, le=max(DEFLATE_LEVELS.values()))] = 1

    def _check(self) -> None:
        self._known_roles("font_files")
        self._known_roles("embolden")
        self._level_of_deflate()

    def _level_of_deflate(self) -> None:
        top = DEFLATE_LEVELS[self.deflate]
        if self.compression_level > top:
            raise Invalid(f"compression_level {self.compression_level}: {self.deflate}'s levels are 0-{top}")

    def _known_roles(self, key: str) -> None:
        roles = FontFaces.__struct_fields__  # a face per role
        unknown = [r for r in getattr(self, key) if r not in roles]
        if unknown:
            raise Invalid(f"unknown font role(s) {', '.join(unknown)}; known: {', '.join(roles)}", key)


class Limits(Strict):
    """How much one document may hold: past a limit it is refused at once, naming the limit,
    rather than converted for minutes (time is linear in the input up to these)."""

    # The input's size in megabytes (an MHTML file counts its pictures).
    input_mb: Annotated[float, Positive] = 50.0
    # Blocks (paragraphs, headings, table rows, list entries, figures): a page with more block
    # tags, or a text with more lines, is refused before it is read; so is a document that
    # has more after cleaning.
    blocks: Annotated[int, Positive] = 100_000

    def over_input(self, size: int) -> str | None:
        """Why an input of ``size`` bytes is refused (over ``input_mb``), else None; told from
        its size before it is read where that is known (a file, a zip member, a WARC record)."""
        if size > self.input_mb * 1024 * 1024:
            return f"{size / 1024 / 1024:.1f} MB, over the limit of {self.input_mb:g} MB (limits.input_mb)"
        return None


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

    def _check(self) -> None:
        self._known_formats()
        self._possible_transforms()

    def _possible_transforms(self) -> None:
        if self.transforms is not None:
            from .transforms import resolve  # noqa: PLC0415  (the transforms import lxml)

            try:
                resolve(self.transforms)
            except UsageError as exc:
                raise Invalid(str(exc), "transforms") from None

    def _known_formats(self) -> None:
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown:
            raise Invalid(f"unknown format(s) {', '.join(unknown)}; known: {', '.join(FORMATS)}", "formats")


def validate(data: dict) -> Settings:
    """``data`` (plain values: a parsed config, overrides) as Settings; raises
    msgspec.ValidationError at the first problem (``describe_errors`` words it)."""
    return msgspec.convert(data, Settings, dec_hook=_decode, strict=False)


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
        settings = validate(data)
    except msgspec.ValidationError as exc:
        raise UsageError(f"{where}: {describe_errors(exc, data)}") from None
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


# What a value of each type must be, in the config's terms.
KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text", Path: "a path",
         tuple: "a list", list: "a list", dict: "a mapping"}
BOUNDS = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most"}
_AT = re.compile(r"^(.*?)(?: - at (`key` in )?`\$(.*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")


def describe_errors(exc: msgspec.ValidationError, data: dict) -> str:
    """The validation error of ``data`` in the config's terms (key path, what is wrong), on
    one line."""
    message, of_key, at = _AT.match(str(exc)).groups()
    keys: list = [int(index) if index and index.isdigit() else (name or index)
                  for name, index in _STEP.findall(at or "")]
    if "..." in keys:  # a mapping's value: msgspec does not name the key
        keys = _name_the_key(keys, data)
    if of_key:  # a mapping's key
        mapping, kind = _value_at(data, keys), get_args(_unwrap(_type_at(keys))[0])[0]
        bad = [key for key in mapping if not _valid(key, kind)] if isinstance(mapping, dict) else []
        return _where(keys, f"keys must be {KINDS.get(kind, 'text')}" + (f", not {bad[0]!r}" if bad else ""))
    cause = exc.__cause__
    if isinstance(cause, Invalid):
        return _where(keys + ([cause.key] if cause.key else []), str(cause))
    unknown = re.fullmatch(r"Object contains unknown field `(.*)`", message)
    if unknown:
        known = getattr(_type_at(keys), "__struct_fields__", None)
        return _where([*keys, unknown[1]], "unknown key" + (f" (known: {', '.join(known)})" if known else ""))
    kind, metas = _unwrap(_type_at(keys))
    bound = re.match(r"Expected `[^`]*` ([<>]=?) ", message)
    if bound:
        lower = bound[1].startswith(">")
        limits = {word: getattr(meta, word) for meta in metas for word in (("gt", "ge") if lower else ("lt", "le"))
                  if getattr(meta, word) is not None}
        what = "; ".join(f"must be {BOUNDS[word]} {kind(limit) if kind in (int, float) else limit}"
                         for word, limit in limits.items()) or message
    elif get_origin(kind) is Literal:
        what = "must be " + _choices(get_args(kind))
    elif isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        what = "must be a mapping"
    elif (get_origin(kind) or kind) in KINDS:
        what = f"must be {KINDS[get_origin(kind) or kind]}"
    else:
        what = message
    given = _value_at(data, keys)
    if isinstance(given, (str, int, float, bool)) and keys:
        what += f", not {given!r}"
    return _where(keys, what)


def _where(keys: list, what: str) -> str:
    where = ""
    for part in keys:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return f"{where}: {what}" if where else what


_MISSING = object()


def _value_at(data, keys: list):
    for key in keys:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return data


def _unwrap(kind) -> tuple[object, tuple]:
    """``kind`` without ``Annotated`` and ``| None``, and its constraints (Meta)."""
    metas: tuple = ()
    while True:
        if get_origin(kind) is Annotated:
            kind, *extra = get_args(kind)
            metas += tuple(extra)
        elif get_origin(kind) in (Union, type(int | None)):
            members = [k for k in get_args(kind) if k is not type(None)]
            if len(members) != 1:
                return kind, metas
            kind = members[0]
        else:
            return kind, metas


def _type_at(keys: list):
    """The declared type at ``keys`` of Settings (None when the keys leave the model)."""
    kind = Settings
    for key in keys:
        kind, _ = _unwrap(kind)
        if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
            kind = dict(_field_types(kind)).get(key)
        elif get_origin(kind) in (tuple, list):
            kind = get_args(kind)[0]
        elif get_origin(kind) is dict:
            kind = get_args(kind)[1]
        else:
            return None
    return kind


def _name_the_key(keys: list, data: dict) -> list:
    """``keys`` with its first ``...`` (a value of a mapping) replaced by the first key of
    that mapping whose value does not validate."""
    at = keys.index("...")
    mapping, kind = _value_at(data, keys[:at]), _type_at([*keys[:at], "..."])
    if isinstance(mapping, dict):
        for key, value in mapping.items():
            if not _valid(value, kind):
                return [*keys[:at], key, *keys[at + 1:]]
    return keys[:at]


def _valid(value, kind) -> bool:
    try:
        msgspec.convert(value, kind, dec_hook=_decode, strict=False)
    except (msgspec.ValidationError, TypeError):
        return False
    return True


def _choices(values: tuple) -> str:
    names = [str(v) for v in values]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


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
    data = msgspec.to_builtins(settings, enc_hook=str)  # paths as text
    del data["input"], data["output"]
    data["formats"] = sorted(data["formats"])
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
