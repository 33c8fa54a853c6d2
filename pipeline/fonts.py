"""Fonts for the PDF writer: which file sets each role, how it was found, what it covers.

A role (title, body, heading1..4, page_number) is set in the first of:

1. the file named for it in ``settings.pdf.font_files``;
2. an installed font whose family name is the role's face (``settings.fonts``), then one of
   the other names of the same kind of face (仿宋_GB2312 / FangSong / STFangsong / FandolFang …),
   then a face of a similar kind (FangSong missing → a Song, then a Kai);
3. the CJK font shipped with the package's dependencies (WenQuanYi Micro Hei), so a bare
   install renders correct PDF.

Installed fonts are found by reading the name tables of the files in the usual font folders
(fontTools); the scan is cached on disk and re-read only for files that changed.
CFF-outline fonts (Noto/Source Han CJK, Fandol) cannot be embedded by reportlab: they are
converted once to TrueType outlines and cached. Coverage comes from each face's cmap.

This module does not import reportlab; ``describe_fonts`` backs the ``pipeline fonts`` command.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from .errors import RenderError

ROLES = ("title", "body", "heading1", "heading2", "heading3", "heading4", "page_number")

#: Names of each kind of face, in order of preference. Matching ignores case, spaces,
#: ``_`` and ``-``. A face name from the settings is classified by the list it appears in.
FACE_KINDS: dict[str, tuple[str, ...]] = {
    "xiaobiaosong": (
        "方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05",
        "小标宋", "华文中宋", "STZhongsong",
    ),
    "fangsong": (
        "仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "华文仿宋", "STFangsong",
        "方正仿宋_GBK", "FZFangSong-Z02", "方正仿宋简体", "FZFangSong-Z02S", "FandolFang",
    ),
    "kai": (
        "楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "华文楷体", "STKaiti", "方正楷体_GBK",
        "FZKai-Z03", "方正楷体简体", "FZKai-Z03S", "Kaiti SC", "AR PL UKai CN", "AR PL KaitiM GB",
        "FandolKai",
    ),
    "hei": (
        "黑体", "SimHei", "方正黑体_GBK", "FZHei-B01", "方正黑体简体", "FZHei-B01S", "华文黑体",
        "STHeiti", "Heiti SC", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
        "Source Han Sans CN", "思源黑体", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "FandolHei",
    ),
    "song": (
        "宋体", "SimSun", "NSimSun", "新宋体", "华文宋体", "STSong", "Songti SC", "方正书宋_GBK",
        "FZShuSong-Z01", "AR PL UMing CN", "Noto Serif CJK SC", "Noto Serif SC",
        "Source Han Serif SC", "Source Han Serif CN", "思源宋体", "FandolSong",
    ),
}
#: When no face of the wanted kind is installed, faces of these kinds are tried next.
SIMILAR_KINDS: dict[str, tuple[str, ...]] = {
    "xiaobiaosong": ("song",),
    "fangsong": ("song", "kai"),
    "kai": ("fangsong", "song"),
    "song": ("fangsong",),
    "hei": (),
}
#: Words in a face name that tell its kind when the name is in no list above.
KIND_HINTS: tuple[tuple[str, str], ...] = (
    ("小标宋", "xiaobiaosong"), ("biaosong", "xiaobiaosong"), ("仿宋", "fangsong"),
    ("fangsong", "fangsong"), ("楷", "kai"), ("kai", "kai"), ("黑", "hei"), ("hei", "hei"),
    ("sans", "hei"), ("宋", "song"), ("song", "song"), ("ming", "song"), ("serif", "song"),
)
#: Font folders scanned for installed fonts, per platform family.
FONT_DIRS = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
    "C:\\Windows\\Fonts", "~/AppData/Local/Microsoft/Windows/Fonts",
    "/Library/Fonts", "/System/Library/Fonts", "~/Library/Fonts",
)
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
#: The fallback shipped by a dependency: (distribution, file inside it).
PACKAGED_FALLBACK = ("paperang-p2-fonts-cjk", "paperang_p2_fonts_cjk/fonts/wqy-microhei.ttc")
CJK_UNIFIED = range(0x4E00, 0xA000)  # CJK Unified Ideographs, U+4E00–U+9FFF
SCAN_VERSION = 2
CONVERT_VERSION = 1


@dataclass(frozen=True)
class FaceInfo:
    """One face inside a font file, as the scan saw it."""

    path: str
    index: int  # face number inside a .ttc/.otc, else 0
    families: tuple[str, ...]  # every family name the name table gives, all languages
    weight: int  # OS/2 usWeightClass
    outline: str  # "glyf", "CFF ", "CFF2", or "none" (bitmap-only, e.g. colour emoji)
    embeddable: bool  # OS/2 fsType allows embedding a subset


@dataclass
class ResolvedFont:
    """The face chosen for a role and the file reportlab should load."""

    role: str
    face: str  # the face name asked for
    path: str  # the file as found (a .ttc/.otf, maybe CFF)
    index: int
    family: str
    how: str  # "config", "installed", "installed (same kind)", "installed (similar kind)", "package"
    outline: str
    load_path: str = ""  # the TrueType-outline file to load (the converted copy for CFF)
    load_index: int = 0
    notes: list[str] = field(default_factory=list)


def norm(name: str) -> str:
    """A family name normalised for matching."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch not in " _-")


def face_kind(name: str) -> str | None:
    """The kind of face (fangsong, kai, hei, song, xiaobiaosong) a face name stands for."""
    key = norm(name)
    for kind, names in FACE_KINDS.items():
        if key in {norm(n) for n in names}:
            return kind
    for word, kind in KIND_HINTS:
        if word in key:
            return kind
    return None


def cache_dir(settings=None) -> Path:
    configured = getattr(getattr(settings, "pdf", None), "font_cache_dir", None)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("pipeline", appauthor=False)) / "fonts"


def font_dirs(settings=None) -> tuple[Path, ...]:
    configured = getattr(getattr(settings, "pdf", None), "font_dirs", None)
    dirs = configured if configured is not None else FONT_DIRS
    return tuple(Path(os.path.expanduser(str(d))) for d in dirs)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --- reading font files -------------------------------------------------------------------

def read_faces(path: str | Path) -> list[FaceInfo]:
    """Every face in a font file with its family names; [] when the file is not a font."""
    from fontTools.ttLib import TTCollection, TTFont

    path = str(path)
    try:
        with open(path, "rb") as fh:
            tag = fh.read(4)
        if tag == b"ttcf":
            fonts = TTCollection(path, lazy=True).fonts
        else:
            fonts = [TTFont(path, lazy=True)]
        faces = []
        for index, font in enumerate(fonts):
            families = []
            for rec in font["name"].names:
                if rec.nameID in (1, 16, 4):
                    try:
                        text = rec.toUnicode().strip()
                    except Exception:  # an undecodable name record
                        continue
                    if text and text not in families:
                        families.append(text)
            os2 = font["OS/2"] if "OS/2" in font else None
            weight = getattr(os2, "usWeightClass", 400) if os2 is not None else 400
            fs_type = getattr(os2, "fsType", 0) if os2 is not None else 0
            outline = next((t for t in ("glyf", "CFF ", "CFF2") if t in font), "none")
            embeddable = not (fs_type == 0x0002 or fs_type & 0x0300)
            faces.append(FaceInfo(path, index, tuple(families), int(weight), outline, embeddable))
        return faces
    except Exception:  # not a font, or a damaged one: not a candidate
        return []


_scan_lock = threading.Lock()
_scan_memo: dict[tuple, tuple[FaceInfo, ...]] = {}


def scan_fonts(settings=None) -> tuple[FaceInfo, ...]:
    """All faces in the font folders; cached in memory and on disk (by file size and mtime)."""
    dirs = font_dirs(settings)
    key = (dirs, str(cache_dir(settings)))
    with _scan_lock:
        if key in _scan_memo:
            return _scan_memo[key]
        cache_file = cache_dir(settings) / f"scan-v{SCAN_VERSION}.json"
        try:
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = {}
        files = {}
        for folder in dirs:
            if not folder.is_dir():
                continue
            for root, _subdirs, names in os.walk(folder):
                for name in names:
                    if name.lower().endswith(FONT_SUFFIXES):
                        files[os.path.join(root, name)] = None
        faces: list[FaceInfo] = []
        fresh: dict[str, dict] = {}
        changed = False
        for path in sorted(files):
            try:
                st = os.stat(path)
            except OSError:
                continue
            stamp = [st.st_size, st.st_mtime_ns]
            entry = cached.get(path)
            if entry is None or entry.get("stamp") != stamp:
                entry = {"stamp": stamp, "faces": [_face_to_json(f) for f in read_faces(path)]}
                changed = True
            fresh[path] = entry
            faces.extend(_face_from_json(f) for f in entry["faces"])
        if changed or set(fresh) != set(cached):
            try:
                _atomic_write(cache_file, json.dumps(fresh, ensure_ascii=False, sort_keys=True).encode())
            except OSError:
                pass  # a read-only cache is not an error; the scan is just not kept
        result = tuple(faces)
        _scan_memo[key] = result
        return result


def _face_to_json(face: FaceInfo) -> dict:
    data = asdict(face)
    data["families"] = list(face.families)
    return data


def _face_from_json(data: dict) -> FaceInfo:
    return FaceInfo(
        data["path"], data["index"], tuple(data["families"]), data["weight"],
        data["outline"], data["embeddable"],
    )


def packaged_fallback() -> Path:
    """The CJK font file installed with the package's dependencies."""
    dist, rel = PACKAGED_FALLBACK
    try:
        path = Path(str(resources.files(rel.split("/")[0]).joinpath(*rel.split("/")[1:])))
        if path.is_file():
            return path
    except ModuleNotFoundError:
        pass
    try:
        for f in metadata.distribution(dist).files or ():
            if str(f).replace("\\", "/") == rel:
                return Path(str(f.locate()))
    except metadata.PackageNotFoundError:
        pass
    raise RenderError(f"the fallback CJK font is missing: install the {dist} package")


# --- resolving roles ----------------------------------------------------------------------

@lru_cache(maxsize=8)
def _by_family(faces: tuple[FaceInfo, ...]) -> dict[str, list[FaceInfo]]:
    """The usable faces under each normalised family name."""
    index: dict[str, list[FaceInfo]] = {}
    for face in faces:
        if _usable(face):
            for key in {norm(n) for n in face.families}:
                index.setdefault(key, []).append(face)
    return index


def find_installed(name: str, faces: tuple[FaceInfo, ...], prefer_heavy: bool = False) -> FaceInfo | None:
    """The installed face whose family name is ``name`` (closest to regular weight, or heaviest)."""
    hits = _by_family(faces).get(norm(name))
    if not hits:
        return None
    if prefer_heavy:
        return max(hits, key=lambda f: (f.weight, -f.index, f.path))
    return min(hits, key=lambda f: (abs(f.weight - 400), f.outline != "glyf", f.path, f.index))


def _face_in_file(path: str, wanted: str) -> FaceInfo:
    faces = read_faces(path)
    if not faces:
        raise RenderError(f"{path}: not a font file fontTools can read")
    key_names = {norm(wanted)} | {norm(n) for n in FACE_KINDS.get(face_kind(wanted) or "", ())}
    for face in faces:
        if key_names & {norm(n) for n in face.families}:
            return face
    return faces[0]


def candidates(role: str, settings) -> list[tuple[FaceInfo, str]]:
    """The faces to try for ``role`` in order, each with how it was found."""
    wanted = getattr(settings.fonts, role)
    out: list[tuple[FaceInfo, str]] = []
    configured = settings.pdf.font_files.get(role)
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise RenderError(f"pdf.font_files.{role}: {path} is not a readable file")
        out.append((_face_in_file(str(path), wanted), "config"))
    faces = scan_fonts(settings)
    kind = face_kind(wanted)
    heavy = kind == "xiaobiaosong" or role == "title"
    names: list[tuple[str, str]] = [(wanted, "installed")]
    if kind:
        names += [(n, "installed (same kind)") for n in FACE_KINDS[kind]]
        for similar in SIMILAR_KINDS.get(kind, ()):
            names += [(n, "installed (similar kind)") for n in FACE_KINDS[similar]]
    seen = set()
    for name, how in names:
        face = find_installed(name, faces, prefer_heavy=heavy)
        if face is not None and (face.path, face.index) not in seen:
            seen.add((face.path, face.index))
            out.append((face, how))
    fallback = read_faces(packaged_fallback())
    if fallback:
        out.append((fallback[0], "package"))
    return out


def resolve(role: str, settings, convert: bool = True) -> ResolvedFont:
    """The face for ``role``: the first candidate that can be embedded (converted if CFF)."""
    notes = []
    for face, how in candidates(role, settings):
        if not face.embeddable:
            notes.append(f"{face.path}: its licence bits forbid embedding")
            continue
        if not _usable(face):
            notes.append(f"{face.path}: {face.outline} outlines cannot be embedded")
            continue
        family = _preferred_family(face)
        resolved = ResolvedFont(role, getattr(settings.fonts, role), face.path, face.index, family, how,
                                face.outline, face.path, face.index, notes)
        if face.outline != "glyf":
            if not convert:
                resolved.load_path = str(converted_path(face.path, face.index, settings))
                resolved.load_index = 0
                return resolved
            try:
                resolved.load_path = str(ensure_truetype(face.path, face.index, settings))
                resolved.load_index = 0
            except Exception as exc:  # a font fontTools cannot convert: try the next one
                notes.append(f"{face.path}: CFF conversion failed: {exc}")
                continue
        return resolved
    raise RenderError(f"no usable font for role {role!r}: " + "; ".join(notes))


def _usable(face: FaceInfo) -> bool:
    """Embeddable, with outlines reportlab can embed (glyf, or CFF once converted)."""
    return face.embeddable and face.outline in ("glyf", "CFF ")


def _preferred_family(face: FaceInfo) -> str:
    return face.families[0] if face.families else Path(face.path).stem


# --- CFF → TrueType -----------------------------------------------------------------------

def converted_path(path: str, index: int, settings=None) -> Path:
    """Where the TrueType-outline copy of a CFF face is cached."""
    import fontTools

    st = os.stat(path)
    ident = f"{os.path.abspath(path)}|{index}|{st.st_size}|{st.st_mtime_ns}|{fontTools.version}|{CONVERT_VERSION}"
    digest = hashlib.sha256(ident.encode()).hexdigest()[:16]
    return cache_dir(settings) / "ttf" / f"{Path(path).stem}-{index}-{digest}.ttf"


_convert_lock = threading.Lock()


def ensure_truetype(path: str, index: int = 0, settings=None) -> Path:
    """A TrueType-outline file for face ``index`` of ``path``: converted once, then cached."""
    target = converted_path(path, index, settings)
    with _convert_lock:
        if target.is_file():
            return target
        data = cff_to_truetype(path, index)
        _atomic_write(target, data)
    return target


def cff_to_truetype(path: str, index: int = 0, max_err: float = 1.0) -> bytes:
    """Convert a CFF-outline face to TrueType (quadratic glyf) outlines; returns the font bytes."""
    import io

    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(path, fontNumber=index if _is_collection(path) else -1, lazy=False)
    if "CFF " not in font:
        raise RenderError(f"{path}: face {index} has no CFF outlines to convert")
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        if hasattr(glyph, "xMin"):
            advance, _lsb = hmtx[name]
            hmtx[name] = (advance, glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: CJK fonts have tens of thousands
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()


def _is_collection(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"ttcf"


# --- coverage -----------------------------------------------------------------------------

@lru_cache(maxsize=64)
def cmap_of(path: str, index: int = 0) -> frozenset[int]:
    """The code points face ``index`` of ``path`` maps to a glyph."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index if _is_collection(path) else -1, lazy=True)
    return frozenset(font.getBestCmap() or {})


def coverage(path: str, index: int, text: str | None = None) -> dict:
    """Coverage of a face: CJK Unified Ideographs mapped, and of ``text`` if given."""
    cmap = cmap_of(path, index)
    info = {
        "cjk_unified": sum(1 for cp in CJK_UNIFIED if cp in cmap),
        "cjk_unified_total": len(CJK_UNIFIED),
        "code_points": len(cmap),
    }
    if text is not None:
        chars = sorted({ch for ch in text if not ch.isspace()})
        missing = [ch for ch in chars if ord(ch) not in cmap]
        info.update(sample_chars=len(chars), sample_covered=len(chars) - len(missing), sample_missing="".join(missing))
    return info


def find_covering(ch: str, settings=None, exclude: frozenset = frozenset()) -> FaceInfo | None:
    """Some installed embeddable face (TrueType or convertible) that has a glyph for ``ch``."""
    cp = ord(ch)
    for face in sorted(scan_fonts(settings), key=lambda f: (abs(f.weight - 400), f.path, f.index)):
        if not _usable(face) or (face.path, face.index) in exclude:
            continue
        try:
            if cp in cmap_of(face.path, face.index):
                return face
        except Exception:
            continue
    return None


def describe_fonts(settings, sample_text: str | None = None) -> list[dict]:
    """Per role: the face asked for, the file chosen, its family, how it was found, its coverage.

    With ``sample_text``: how much of it the role's face covers, the characters it lacks
    (``sample_missing``: set in a fallback face) and those no installed face has at all
    (``sample_no_font``: the PDF writer refuses them). Does not convert CFF fonts (``load``
    tells where the converted copy is or will be cached).
    """
    rows = []
    no_font = ""
    if sample_text is not None:  # characters no face at all can set (the PDF writer would fail)
        known = [cmap_of(str(packaged_fallback()), 0)]
        for ch in sorted({c for c in sample_text if not c.isspace()}):
            if not any(ord(ch) in cmap for cmap in known) and find_covering(ch, settings) is None:
                no_font += ch
    for role in ROLES:
        font = resolve(role, settings, convert=False)
        row = {
            "role": role,
            "face": font.face,
            "file": font.path,
            "index": font.index,
            "family": font.family,
            "how": font.how,
            "outline": "TrueType" if font.outline == "glyf" else "CFF (converted to TrueType)",
            "load": font.load_path,
        }
        row.update(coverage(font.path, font.index, sample_text))
        if sample_text is not None:
            row["sample_no_font"] = no_font
        if font.notes:
            row["notes"] = list(font.notes)
        rows.append(row)
    return rows

