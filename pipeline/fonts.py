"""Fonts for the PDF and DOCX writers: which face sets each role, how it was found, what it
covers, and the metrics both writers measure text with.

A role (title, body, heading1..4, page_number) is set in the first of:

1. the file named for it in ``settings.pdf.font_files``;
2. an installed face of that name (``settings.fonts``). Where fontconfig is installed (and
   ``pdf.font_dirs`` is not set) its matching decides (``fc-match "仿宋_GB2312:lang=zh-cn"``,
   style- and weight-aware, the system's aliases honoured); otherwise the font folders are
   scanned and the regular style of the family is taken;
3. an installed face of the same kind (仿宋, 楷体, 黑体, 宋体, 小标宋), known by its name
   (FangSong, STFangsong, FandolFang, cwTeXFangSong … any family whose name says 仿宋 or
   FangSong), then the packaged face of that kind;
4. a face of a similar kind (no FangSong: a Song, then a Kai), installed, then packaged;
5. the packaged CJK faces (Noto Serif SC, Noto Sans SC, SIL Open Font License 1.1, shipped
   by the ``pylopdf-fonts-zh-cn`` package), so a bare install renders correct PDF.

A role set in a face of another kind than the one asked for is a *stand-in*:
``standin_findings`` says so (with what to install), ``describe_fonts`` (``pipeline fonts``)
shows it, and ``warn_standins`` logs it once per process when a PDF is made.

Installed fonts are found by reading the name tables of the files in the usual font folders
(fontTools); the scan is cached on disk and re-read only for files that changed. Coverage and
advance widths come from each face's cmap and hmtx (``metrics``; the widths reportlab uses),
so the PDF and DOCX writers break lines with the same numbers (``FontChoice``). What is
read of a face is kept on disk in the font cache (``disk_memo`` under ``cache_dir``).
Making a chosen face embeddable in a PDF (reportlab's reading of it, a CFF face's characters
converted to TrueType outlines) is ``pipeline.embeddable``'s; ``describe_fonts`` backs the
``pipeline fonts`` command. Nothing here imports reportlab.
"""
from __future__ import annotations

import gc
import hashlib
import json
import logging
import marshal
import os
import shutil
import subprocess
import threading
import unicodedata
from array import array
from bisect import bisect_right
from functools import lru_cache, wraps
from importlib import resources
from pathlib import Path
from typing import Callable, Iterator

from msgspec import Struct, field
from msgspec.structs import asdict, astuple

from . import sfnt
from .errors import RenderError
from .fsio import user_cache_folder, write_atomic

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
#: How each kind is named in messages, and what to install for it.
KIND_NAMES = {
    "fangsong": "仿宋 (FangSong)", "kai": "楷体 (Kai)", "hei": "黑体 (Hei, sans-serif)",
    "song": "宋体 (Song/Ming)", "xiaobiaosong": "小标宋 (XiaoBiaoSong)",
}
INSTALL_HINTS = {
    "fangsong": "a FangSong font: 仿宋_GB2312 or FangSong (simfang.ttf from Windows), FandolFang "
                "(Debian/Ubuntu: texlive-lang-chinese) or cwTeX FangSong (fonts-cwtex-fs)",
    "kai": "a Kai font: 楷体_GB2312 or KaiTi, AR PL UKai (fonts-arphic-ukai) or LXGW WenKai "
           "(fonts-lxgw-wenkai)",
    "hei": "a Hei font: 黑体/SimHei, WenQuanYi (fonts-wqy-microhei) or Noto Sans CJK (fonts-noto-cjk)",
    "song": "a Song font: 宋体/SimSun, AR PL UMing (fonts-arphic-uming) or Noto Serif CJK (fonts-noto-cjk)",
    "xiaobiaosong": "方正小标宋简体 (FZXiaoBiaoSong-B05S, from FounderType); meanwhile a Song set bold stands in",
}
#: Font folders scanned for installed fonts, per platform family.
FONT_DIRS = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
    "C:\\Windows\\Fonts", "~/AppData/Local/Microsoft/Windows/Fonts",
    "/Library/Fonts", "/System/Library/Fonts", "~/Library/Fonts",
)
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
#: The CJK faces shipped by a dependency made to ship fonts: (distribution, package, files and
#: their kind). Noto Serif SC and Noto Sans SC, SIL Open Font License 1.1 (as the package states).
PACKAGED = ("pylopdf-fonts-zh-cn", "pylopdf_fonts_zh_cn",
            (("NotoSerifSC-Regular.otf", "song"), ("NotoSansSC-Regular.otf", "hei")))
PACKAGED_LICENCE = "SIL Open Font License 1.1"
CJK_UNIFIED = range(0x4E00, 0xA000)  # CJK Unified Ideographs, U+4E00–U+9FFF
CJK_PROBE = "中国的"  # a face with these is a Chinese face (its kind can be read from its name)
SCAN_VERSION = 3
DISK_MEMO_VERSION = 3  # of the per-face data kept on disk (metrics, faces of a file, ink)
#: A family name no font has: what fontconfig answers for it is its answer for an unknown name.
FC_PROBE = "pipeline-no-such-face"
LOG = logging.getLogger("pipeline.fonts")


class FaceInfo(Struct, frozen=True):
    """One face inside a font file, as the scan saw it."""

    path: str
    index: int  # face number inside a .ttc/.otc, else 0
    families: tuple[str, ...]  # every family name the name table gives, all languages
    weight: int  # OS/2 usWeightClass
    outline: str  # "glyf", "CFF ", "CFF2", or "none" (bitmap-only, e.g. colour emoji)
    embeddable: bool  # OS/2 fsType allows embedding a subset
    style: str = ""  # the style (subfamily) name: Regular, Bold, Light …
    cjk: bool = False  # it has Chinese characters (CJK_PROBE)


class ResolvedFont(Struct):
    """The face chosen for a role."""

    role: str
    face: str  # the face name asked for
    path: str  # the file as found (a .ttc/.otf, maybe CFF)
    index: int
    family: str
    how: str  # config, installed, installed (alias), installed (same kind), package,
    #           installed (similar kind), package (similar kind), package (stand-in)
    outline: str
    kind: str | None = None  # the kind of the face chosen
    wanted_kind: str | None = None  # the kind of the face asked for (None: a name we cannot classify)
    notes: list[str] = field(default_factory=list)

    @property
    def standin(self) -> bool:
        """Set in a face of another kind than asked for (or a name we know nothing of)."""
        if self.how in ("config", "installed", "installed (alias)"):
            return False
        return self.wanted_kind is None or self.kind != self.wanted_kind


def norm(name: str) -> str:
    """A family name normalised for matching."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch not in " _-")


@lru_cache(maxsize=4096)
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


def kind_of_face(face: FaceInfo) -> str | None:
    """The kind of an installed Chinese face, from its family names (None for a Latin face)."""
    if not face.cjk:
        return None
    return next((k for k in map(face_kind, face.families) if k), None)


def cache_dir(settings=None) -> Path:
    configured = getattr(getattr(settings, "pdf", None), "font_cache_dir", None)
    if configured:
        return Path(configured).expanduser()
    return user_cache_folder() / "fonts"


def font_dirs(settings=None) -> tuple[Path, ...]:
    configured = getattr(getattr(settings, "pdf", None), "font_dirs", None)
    dirs = configured if configured is not None else FONT_DIRS
    return tuple(Path(os.path.expanduser(str(d))) for d in dirs)


def _unmarshal(data: bytes):
    """``marshal.loads`` without the garbage collector: the data of a CJK face is hundreds of
    thousands of new lists and tuples, which would set off collections that find nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return marshal.loads(data)
    finally:
        if enabled:
            gc.enable()


def disk_memo(folder: Path | None, kind: str, path: str, key: str, make: Callable[[], object]):
    """``make()`` for font file ``path``, kept under ``folder`` (one file per ``kind`` and
    ``key``) by the font file's size and mtime, so a new process reads it back instead of
    parsing the font again; made afresh when the font file changes. The value is plain data
    (``marshal``). Without a folder, or where it cannot be written, it is only computed."""
    try:
        st = os.stat(path)
    except OSError:
        return make()
    stamp = (st.st_size, st.st_mtime_ns)
    if folder is None:
        return make()
    name = hashlib.sha1(f"{path}\0{key}".encode("utf-8", "surrogatepass")).hexdigest()[:24]
    file = folder / f"{kind}-v{DISK_MEMO_VERSION}-m{marshal.version}" / f"{name}.bin"
    try:
        saved, value = _unmarshal(file.read_bytes())
        if saved == stamp:
            return value
    except (OSError, ValueError, EOFError, TypeError):
        pass
    value = make()
    try:
        write_atomic(file, marshal.dumps((stamp, value)))
    except (OSError, ValueError):
        pass  # a read-only cache is not an error
    return value


# --- reading font files -------------------------------------------------------------------

def _names(font, ids) -> list[str]:
    out = []
    for rec in font["name"].names:
        if rec.nameID in ids:
            try:
                text = rec.toUnicode().strip()
            except Exception:  # an undecodable name record
                continue
            if text and text not in out:
                out.append(text)
    return out


def read_faces(path: str | Path) -> list[FaceInfo]:
    """Every face in a font file with its family names; [] when the file is not a font."""
    from fontTools.ttLib import TTCollection, TTFont

    path = str(path)
    fonts = []
    try:
        with open(path, "rb") as fh:
            tag = fh.read(4)
        if tag == b"ttcf":
            fonts = TTCollection(path, lazy=True).fonts
        else:
            fonts = [TTFont(path, lazy=True)]
        faces = []
        for index, font in enumerate(fonts):  # each closed below, read or not
            families = _names(font, (1, 16, 4))
            styles = _names(font, (17, 2))
            os2 = font["OS/2"] if "OS/2" in font else None
            weight = getattr(os2, "usWeightClass", 400) if os2 is not None else 400
            fs_type = getattr(os2, "fsType", 0) if os2 is not None else 0
            outline = next((t for t in ("glyf", "CFF ", "CFF2") if t in font), "none")
            embeddable = not (fs_type == 0x0002 or fs_type & 0x0300)
            try:
                cmap = font.getBestCmap() or {}
            except Exception:  # a damaged cmap: no coverage
                cmap = {}
            cjk = all(ord(ch) in cmap for ch in CJK_PROBE)
            faces.append(FaceInfo(path, index, tuple(families), int(weight), outline, embeddable,
                                  styles[0] if styles else "", cjk))
        return faces
    except Exception:  # not a font, or a damaged one: not a candidate
        return []
    finally:
        for font in fonts:
            font.close()


@lru_cache(maxsize=256)
def _faces_of(path: str, folder: Path | None = None) -> tuple[FaceInfo, ...]:
    """The faces of one font file (kept on disk under ``folder``)."""
    faces = disk_memo(folder, "faces", path, "", lambda: [astuple(f) for f in read_faces(path)])
    return tuple(FaceInfo(*f) for f in faces)


_scan_lock = threading.Lock()
_scan_memo: dict[tuple, tuple[FaceInfo, ...]] = {}


def scan_fonts(settings=None) -> tuple[FaceInfo, ...]:
    """All faces in the font folders (and, where fontconfig is used, every Chinese face it
    knows); cached in memory and on disk (by file size and mtime), one cache for the files of
    every setting (a batch's forkserver warms up with the default font folders, its workers
    with the batch's)."""
    dirs = font_dirs(settings)
    fc = _uses_fontconfig(settings)
    key = (dirs, str(cache_dir(settings)), fc)
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
        if fc:
            for path in _fc_list_files():
                files.setdefault(path, None)
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
        # the files other settings scan (other font folders, fontconfig or not) stay, unless gone
        kept = {path: entry for path, entry in cached.items() if path not in fresh and os.path.exists(path)}
        if changed or len(kept) + len(fresh) != len(cached):
            try:
                write_atomic(cache_file, json.dumps({**kept, **fresh}, ensure_ascii=False, sort_keys=True).encode())
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
        data["outline"], data["embeddable"], data.get("style", ""), data.get("cjk", False),
    )


def _packaged_dir() -> Path:
    dist, package, _files = PACKAGED
    try:
        return Path(str(resources.files(package)))
    except ModuleNotFoundError:
        pass
    from importlib import metadata  # noqa: PLC0415 (a fallback; importing it costs a cold run 20 ms)

    try:
        for f in metadata.distribution(dist).files or ():
            if str(f).replace("\\", "/").startswith(package + "/"):
                return Path(str(f.locate())).parent
    except metadata.PackageNotFoundError:
        pass
    raise RenderError(f"the packaged CJK fonts are missing: install the {dist} package")


def packaged_faces(settings=None) -> list[tuple[FaceInfo, str]]:
    """The CJK faces shipped by the font package, each with its kind (Song first)."""
    folder = _packaged_dir()
    out = []
    for name, kind in PACKAGED[2]:
        faces = _faces_of(str(folder / name), cache_dir(settings))
        if not faces:
            raise RenderError(f"the packaged font {folder / name} is missing or damaged: "
                              f"reinstall the {PACKAGED[0]} package")
        out.append((faces[0], kind))
    return out


def packaged_fallback() -> Path:
    """The packaged CJK font every character missing from a role's face is looked up in first."""
    return Path(packaged_faces()[0][0].path)


# --- fontconfig ---------------------------------------------------------------------------

def _uses_fontconfig(settings) -> bool:
    """fontconfig decides where it is installed and the system's fonts are searched."""
    return font_dirs(settings) == font_dirs(None) and _fc_installed()


@lru_cache(maxsize=1)
def _fc_installed() -> bool:
    """Whether fontconfig's commands are on the PATH (looked for once per process)."""
    return shutil.which("fc-match") is not None


@lru_cache(maxsize=1)
def _shell() -> str | None:
    """The POSIX shell that asks fontconfig about several patterns in one process, if any."""
    return shutil.which("sh")


FcAnswer = tuple[tuple[tuple[str, ...], str, int], ...]  # (families, file, face index), best first
FC_MATCH_FORMAT = "--format=%{family}\t%{file}\t%{index}\n"
#: A shell script asking fontconfig about each of its patterns in turn, each answer ended by a
#: line holding the record separator: a process started from one as large as this one costs
#: it a few milliseconds, which the shell spends on the other core instead.
FC_MATCH_EACH = 'f=$1; shift; for p; do fc-match -s "$f" "$p"; printf "\\036\\n"; done'
FC_ANSWER_END = "\x1e\n"
FC_LIST = ("fc-list", "--format=%{file}\n", ":lang=zh-cn")


class _FcAsked:
    """fontconfig asked about ``patterns`` by one process, its answers read once."""

    def __init__(self, patterns: tuple[str, ...]):
        self.patterns = patterns
        shell = _shell() if len(patterns) > 1 else None
        args = [shell, "-c", FC_MATCH_EACH, "sh", FC_MATCH_FORMAT, *patterns] if shell else \
            ["fc-match", "-s", FC_MATCH_FORMAT, *patterns]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._answers: dict[str, FcAnswer] | None = None

    def answers(self) -> dict[str, FcAnswer]:
        if self._answers is None:
            out = _fc_output(self.process)
            parts = out.split(FC_ANSWER_END) if len(self.patterns) > 1 else [out]
            self._answers = {pattern: _fc_parse(part) for pattern, part in zip(self.patterns, parts)}
        return self._answers


_fc_answers: dict[str, FcAnswer] = {}
_fc_asked: dict[str, _FcAsked] = {}  # pattern → who asked fontconfig about it, not read yet
#: ``fc-list`` of the Chinese faces: its process while it runs unread, then the files it named.
_fc_listing: dict[str, subprocess.Popen | tuple[str, ...]] = {}
_fc_lock = threading.Lock()


def _fc_start(patterns: list[str]) -> None:
    """Start asking fontconfig (``fc-match -s``) about each pattern neither answered nor asked
    yet in this process, in one process (a shell: ``FC_MATCH_EACH``) where there is a shell,
    else one each. The caller holds ``_fc_lock``."""
    new = [p for p in dict.fromkeys(patterns) if p not in _fc_answers and p not in _fc_asked]
    groups = [tuple(new)] if new and _shell() else [(p,) for p in new]
    for group in groups:
        try:
            asked = _FcAsked(group)
        except OSError:
            _fc_answers.update(dict.fromkeys(group, ()))
            continue
        _fc_asked.update(dict.fromkeys(group, asked))


def _fc_ask(patterns: list[str]) -> None:
    """Have fontconfig's answer for each pattern (asked now, or read from the process started
    for it)."""
    with _fc_lock:
        _fc_start(patterns)
        for pattern in dict.fromkeys(patterns):
            asked = _fc_asked.pop(pattern, None)
            if asked is not None:
                _fc_answers[pattern] = asked.answers().get(pattern, ())


def _fc_output(process: subprocess.Popen) -> str:
    """What a fontconfig command printed; nothing when it failed or took over 20 s."""
    try:
        out = process.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return ""
    return out.decode("utf-8", "replace") if process.returncode == 0 else ""


def _fc_parse(out: str) -> FcAnswer:
    found = []
    for line in out.splitlines()[:50]:
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].isdigit():
            found.append((tuple(f.strip() for f in parts[0].split(",") if f.strip()), parts[1], int(parts[2])))
    return tuple(found)


def _fc_sorted(pattern: str) -> FcAnswer:
    """``fc-match -s PATTERN``: (families, file, face index) best first; () when it fails."""
    if pattern not in _fc_answers:
        _fc_ask([pattern])
    return _fc_answers[pattern]


def _role_patterns(settings) -> list[str]:
    """What fontconfig is asked about every role's face name, and the probe."""
    return ([_fc_pattern(getattr(settings.fonts, role), _heavy(role)) for role in ROLES]
            + [_fc_pattern(FC_PROBE, heavy) for heavy in (False, True)])


def _fc_ask_for_roles(settings) -> None:
    """Ask fontconfig at once what every role's face name, and the probe, match."""
    _fc_ask(_role_patterns(settings))


def _fc_list_start() -> None:
    """Start ``fc-list`` of the Chinese faces, once per process. The caller holds ``_fc_lock``."""
    if "files" not in _fc_listing:
        try:
            _fc_listing["files"] = subprocess.Popen(FC_LIST, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:
            _fc_listing["files"] = ()


def _fc_list_files() -> tuple[str, ...]:
    """The files of every Chinese face fontconfig knows (from the ``fc-list`` started early)."""
    with _fc_lock:
        _fc_list_start()
        found = _fc_listing["files"]
        if isinstance(found, subprocess.Popen):
            out = _fc_output(found)
            found = _fc_listing["files"] = tuple(sorted(
                {line for line in out.splitlines() if line.lower().endswith(FONT_SUFFIXES)}))
        return found


def _fc_pattern(name: str, heavy: bool) -> str:
    escaped = name.replace("\\", "\\\\").replace("-", "\\-").replace(":", "\\:").replace(",", "\\,")
    return f"{escaped}:lang=zh-cn:weight={'bold' if heavy else 'regular'}:slant=roman"


def fontconfig_match(name: str, heavy: bool = False) -> tuple[FaceInfo, str] | None:
    """The face fontconfig sets ``name`` in, with ``installed`` (a face of that family, the
    style and weight fontconfig prefers) or ``installed (alias)`` (the system's configuration
    maps the name to another family); None when fontconfig knows no such name."""
    hits = _fc_sorted(_fc_pattern(name, heavy))
    if not hits:
        return None
    families, path, index = hits[0]
    how = None
    if norm(name) in {norm(f) for f in families}:
        how = "installed"
    else:
        probe = _fc_sorted(_fc_pattern(FC_PROBE, heavy))
        if probe and probe[0][1:] != (path, index):
            how = "installed (alias)"
    if how is None:
        return None
    faces = _faces_of(path)
    return (faces[index], how) if index < len(faces) else None


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


BOLD_WORDS = ("bold", "heavy", "black", "demi", "semibold", "extrabold", "粗")
OFF_STYLE_WORDS = ("light", "thin", "italic", "oblique", "细", "斜")


def _style_order(face: FaceInfo, heavy: bool):
    """Sort key of a family's faces: the regular style (or the boldest, ``heavy``) first, then
    the weight nearest 400 (700), TrueType outlines, then the path — never the path alone."""
    style = norm(face.style)
    bold = any(w in style for w in BOLD_WORDS)
    off = any(w in style for w in OFF_STYLE_WORDS)
    if heavy:
        return (not bold, abs(face.weight - 700), face.outline != "glyf", face.path, face.index)
    return (bold or off, abs(face.weight - 400), face.outline != "glyf", face.path, face.index)


def find_installed(name: str, faces: tuple[FaceInfo, ...], prefer_heavy: bool = False) -> FaceInfo | None:
    """The installed face whose family name is ``name``, in its regular style (or its boldest)."""
    hits = _by_family(faces).get(norm(name))
    if not hits:
        return None
    return min(hits, key=lambda f: _style_order(f, prefer_heavy))


def _face_in_file(path: str, wanted: str) -> FaceInfo:
    faces = read_faces(path)
    if not faces:
        raise RenderError(f"{path}: not a font file fontTools can read")
    key_names = {norm(wanted)} | {norm(n) for n in FACE_KINDS.get(face_kind(wanted) or "", ())}
    for face in faces:
        if key_names & {norm(n) for n in face.families}:
            return face
    return faces[0]


def _of_kind(kind: str, faces: tuple[FaceInfo, ...], heavy: bool) -> list[FaceInfo]:
    """Installed faces of ``kind``: the known names in their order of preference, then every
    other family whose name says the kind (cwTeXFangSong …), by name; one face per family."""
    out: list[FaceInfo] = []
    for name in FACE_KINDS[kind]:
        face = find_installed(name, faces, heavy)
        if face is not None and face not in out:
            out.append(face)
    known = {norm(n) for n in FACE_KINDS[kind]}
    others: dict[str, list[FaceInfo]] = {}
    for face in faces:
        if _usable(face) and kind_of_face(face) == kind and not known & {norm(n) for n in face.families}:
            others.setdefault(norm(_preferred_family(face)), []).append(face)
    for family in sorted(others):
        face = min(others[family], key=lambda f: _style_order(f, heavy))
        if face not in out:
            out.append(face)
    return out


def _heavy(role: str) -> bool:
    """Whether a role is set in a heavy weight (the title's 小标宋)."""
    return role == "title"


def candidates(role: str, settings) -> list[tuple[FaceInfo, str, str | None]]:
    """The faces to try for ``role`` in order, each with how it was found and its kind."""
    wanted = getattr(settings.fonts, role)
    out: list[tuple[FaceInfo, str, str | None]] = []
    configured = settings.pdf.font_files.get(role)
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise RenderError(f"pdf.font_files.{role}: {path} is not a readable file")
        face = _face_in_file(str(path), wanted)
        out.append((face, "config", kind_of_face(face)))
    faces = scan_fonts(settings)
    kind = face_kind(wanted)
    heavy = _heavy(role)
    matched = None
    if _uses_fontconfig(settings):
        _fc_ask_for_roles(settings)
        matched = fontconfig_match(wanted, heavy)
    if matched is None:
        face = find_installed(wanted, faces, heavy)
        matched = (face, "installed") if face is not None else None
    if matched is not None:
        out.append((matched[0], matched[1], kind_of_face(matched[0]) or kind))
    packaged = packaged_faces(settings)
    for tier, similar in ((kind,), False), (SIMILAR_KINDS.get(kind or "", ()), True):
        for k in tier:
            if k is None:
                continue
            out += [(f, "installed (similar kind)" if similar else "installed (same kind)", k)
                    for f in _of_kind(k, faces, heavy)]
            out += [(f, "package (similar kind)" if similar else "package", k) for f, pk in packaged if pk == k]
    out += [(f, "package (stand-in)", pk) for f, pk in packaged]
    seen, unique = set(), []
    for face, how, k in out:
        if (face.path, face.index) not in seen:
            seen.add((face.path, face.index))
            unique.append((face, how, k))
    return unique


def resolve(role: str, settings, convert: bool = True) -> ResolvedFont:  # noqa: ARG001 (convert: kept for callers)
    """The face for ``role``: the first candidate that can be embedded."""
    notes = []
    wanted = getattr(settings.fonts, role)
    for face, how, kind in candidates(role, settings):
        if not face.embeddable:
            notes.append(f"{face.path}: its licence bits forbid embedding")
            continue
        if not _usable(face):
            notes.append(f"{face.path}: {face.outline} outlines cannot be embedded")
            continue
        return ResolvedFont(role, wanted, face.path, face.index, _preferred_family(face), how,
                            face.outline, kind, face_kind(wanted), notes)
    raise RenderError(f"no usable font for role {role!r}: " + "; ".join(notes))


def _usable(face: FaceInfo) -> bool:
    """Embeddable, with outlines reportlab can embed (glyf, or CFF once converted)."""
    return face.embeddable and face.outline in ("glyf", "CFF ")


def _preferred_family(face: FaceInfo) -> str:
    return face.families[0] if face.families else Path(face.path).stem


# --- stand-ins ----------------------------------------------------------------------------

def standin_findings(settings) -> list[str]:
    """One line per face asked for that is served by a stand-in, naming the roles, the face
    that stands in and what to install (``font-standin: …``, ``font-unknown: …``)."""
    return [line for _roles, line in _standins(settings)]


def font_settings_key(settings) -> str:
    """What of the settings decides the fonts: the keys of per-process font caches."""
    import msgspec  # noqa: PLC0415  (loaded with the settings)

    return msgspec.json.encode({"fonts": settings.fonts, "pdf": settings.pdf}, enc_hook=str).decode()


def once_per_font_settings(make: Callable):
    """``make(settings)`` made once per process and font settings (a batch asks for every
    document), thread-safe."""
    found: dict[str, object] = {}
    lock = threading.Lock()

    @wraps(make)
    def memo(settings):
        key = font_settings_key(settings)
        with lock:
            if key not in found:
                found[key] = make(settings)
            return found[key]
    return memo


@once_per_font_settings
def start_lookups(settings) -> None:
    """Start asking fontconfig (where it decides) what the roles' face names match, and which
    Chinese faces it knows, once per process and font settings, without waiting: its answers,
    about a tenth of a second away on two cores, come in while the document is read and
    cleaned."""
    if _uses_fontconfig(settings):
        with _fc_lock:
            _fc_start(_role_patterns(settings))
            _fc_list_start()


@once_per_font_settings
def _standins(settings) -> list[tuple[list[str], str]]:
    """(the roles, the finding's line) for each face asked for that a stand-in serves."""
    groups: dict[tuple, list[str]] = {}
    for role, font in font_choice(settings).resolved.items():
        if font.standin:
            groups.setdefault((font.face, font.wanted_kind, font.family, font.kind), []).append(role)
    out = []
    for (face, wanted_kind, family, kind), roles in groups.items():
        where = ", ".join(f"fonts.{r}" for r in roles)
        serving = f"{family}, a {KIND_NAMES[kind]} face" if kind else f"{family}, a face of unknown kind"
        if wanted_kind is None:
            out.append((roles, f"font-unknown: {where}: {face!r} is neither an installed face nor a kind of face "
                       f"known here (仿宋, 楷体, 黑体, 宋体, 小标宋); the PDF sets it in {serving}; "
                       "check the name (`fc-list :lang=zh-cn family` lists the installed faces)"))
        else:
            out.append((roles, f"font-standin: {where}: no {KIND_NAMES[wanted_kind]} face ({face}) is installed; "
                       f"the PDF sets it in {serving}; install {INSTALL_HINTS[wanted_kind]}, "
                       "or name a font file in pdf.font_files"))
    return out


_warned: set[str] = set()
_warn_lock = threading.Lock()


def warn_standins(settings) -> list[str]:
    """Log ``standin_findings`` as warnings, each once per process; returns them."""
    found = standin_findings(settings)
    with _warn_lock:
        for line in found:
            if line not in _warned:
                _warned.add(line)
                LOG.warning("%s", line, extra={"code": line.split(":", 1)[0]})
    return found


# --- metrics ------------------------------------------------------------------------------

class FaceMetrics:
    """A face's cmap and advance widths (in 1/1000 em, scaled as reportlab scales them), read
    from the font once and kept on disk under ``folder`` (``disk_memo``) as runs of
    consecutive code points of one advance: a CJK face's tens of thousands of characters are
    a few thousand runs, read back as three machine arrays instead of a dictionary built
    entry by entry."""

    def __init__(self, path: str, index: int = 0, folder: Path | None = None):
        self.path, self.index, self.folder = path, index, folder
        self.outline, self._scale, self.default, self.runs = disk_memo(
            folder, "metrics", path, str(index), lambda: _read_metrics(path, index))
        firsts, lasts, advances = self.runs
        self._firsts, self._lasts, self._advances = array("I", firsts), array("I", lasts), array("d", advances)

    def __repr__(self) -> str:
        return f"FaceMetrics({self.path!r}, {self.index})"

    def _advance(self, cp: int) -> float | None:
        """The advance of code point ``cp``; None when the face does not map it."""
        run = bisect_right(self._firsts, cp) - 1
        return self._advances[run] if run >= 0 and cp <= self._lasts[run] else None

    def has(self, ch: str) -> bool:
        return ch == "\u00a0" or self._advance(ord(ch)) is not None

    def width(self, ch: str) -> float:
        """Advance width of ``ch`` in 1/1000 em."""
        found = self._advance(32 if ch == "\u00a0" else ord(ch))
        return float(self.default if found is None else found)

    def ink(self, ch: str) -> tuple[float, float] | None:
        """The lowest and highest point of ``ch``'s outline in 1/1000 em (None: no ink)."""
        return _ink(self.path, self.index, ch, self._scale, self.folder)


def _read_metrics(path: str, index: int) -> tuple[str, float, float, tuple[bytes, bytes, bytes]]:
    """(outline kind, 1000 / units per em, the default advance, ``advance_runs`` of the advance
    per code point)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index if sfnt.is_collection(path) else -1, lazy=True)
    upem = font["head"].unitsPerEm
    scale = 1000 / upem
    order = font.getGlyphOrder()
    hmtx = font["hmtx"].metrics
    outline = next((t for t in ("glyf", "CFF ", "CFF2") if t in font), "none")
    widths = {cp: (hmtx[g][0] if upem == 1000 else hmtx[g][0] * scale)
              for cp, g in (font.getBestCmap() or {}).items() if g != order[0] and g in hmtx}
    default = float(hmtx[order[0]][0] if upem == 1000 else hmtx[order[0]][0] * scale)
    font.close()
    return outline, scale, default, advance_runs(widths)


def advance_runs(widths: dict[int, float]) -> tuple[bytes, bytes, bytes]:
    """``widths`` (code point → advance) as runs of consecutive code points of one advance:
    the first code points, the last ones and the advances, each the bytes of a machine array."""
    firsts, lasts, advances = array("I"), array("I"), array("d")
    for cp in sorted(widths):
        if lasts and cp == lasts[-1] + 1 and widths[cp] == advances[-1]:
            lasts[-1] = cp
        else:
            firsts.append(cp)
            lasts.append(cp)
            advances.append(widths[cp])
    return firsts.tobytes(), lasts.tobytes(), advances.tobytes()


@lru_cache(maxsize=64)
def _ink(path: str, index: int, ch: str, scale: float, folder: Path | None) -> tuple[float, float] | None:
    found = disk_memo(folder, "ink", path, f"{index}:{ord(ch)}", lambda: _read_ink(path, index, ch, scale))
    return None if found is None else tuple(found)


def _read_ink(path: str, index: int, ch: str, scale: float) -> tuple[float, float] | None:
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index if sfnt.is_collection(path) else -1, lazy=True)
    name = (font.getBestCmap() or {}).get(ord(ch))
    if name is None:
        font.close()
        return None
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[name].draw(pen)
    font.close()
    if pen.bounds is None:
        return None
    return pen.bounds[1] * scale, pen.bounds[3] * scale


@lru_cache(maxsize=64)
def metrics(path: str, index: int = 0, folder: Path | None = None) -> FaceMetrics:
    """The metrics of face ``index`` of ``path`` (read once per process, kept on disk under
    ``folder``)."""
    try:
        return FaceMetrics(path, index, folder)
    except Exception as exc:
        raise RenderError(f"cannot read font {path} (face {index}): {exc}") from None


class FontChoice:
    """The face of each role, and which face sets each character: the role's face, else the
    first of the other roles' faces and the packaged faces that has it, else any installed
    face that has it. Both writers measure through this, so their line breaks agree."""

    def __init__(self, settings):
        self.settings = settings
        self.resolved = {role: resolve(role, settings) for role in ROLES}
        self.role_face = {role: metrics(r.path, r.index, cache_dir(settings)) for role, r in self.resolved.items()}
        # The faces a character its role's face lacks is looked up in, in order, as (file, face
        # index): the roles' faces, then the packaged faces, whose metrics are read only when
        # a character gets that far.
        self.chain_faces = tuple(dict.fromkeys(
            [(self.resolved[role].path, self.resolved[role].index) for role in ("body",) + ROLES]
            + [(face.path, face.index) for face, _kind in packaged_faces(settings)]))
        self._choice: dict[str, dict[str, FaceMetrics]] = {role: {} for role in ROLES}  # role → char → face
        self._elsewhere: dict[str, dict[str, FaceMetrics]] = {role: {} for role in ROLES}  # those not the role's face
        self._missing: set[str] = set()
        self._lock = threading.RLock()
        # Advance widths per role, and the measures handed out (with the widths of single
        # characters), filled as text is measured: reading a width is a dictionary look-up.
        self._advances = {role: self._Advances(self, role) for role in ROLES}
        self._measures: dict[tuple[str, float, float], Callable[[str], float]] = {}

    def _chain(self) -> Iterator[FaceMetrics]:
        folder = cache_dir(self.settings)
        return (metrics(path, index, folder) for path, index in self.chain_faces)

    @property
    def chain(self) -> list[FaceMetrics]:
        """The metrics of the faces a character its role's face lacks is looked up in."""
        return list(self._chain())

    def face_for(self, role: str, ch: str) -> FaceMetrics:
        """The face that sets ``ch`` in ``role``; a RenderError naming it when none has it."""
        face = self._choice[role].get(ch)
        if face is not None:
            return face
        face = self.role_face[role]
        if not face.has(ch):
            face = next((f for f in self._chain() if f.has(ch)), None)
            if face is None:
                with self._lock:
                    exclude = frozenset(self.chain_faces)
                    info = None if ch in self._missing else find_covering(ch, self.settings, exclude)
                    if info is None:
                        self._missing.add(ch)
                        raise RenderError(
                            f"no installed font has a glyph for U+{ord(ch):04X} {unicodedata.name(ch, '')!s}".rstrip()
                            + f" ({ch!r}); name a font that has it in pdf.font_files")
                    face = metrics(info.path, info.index, cache_dir(self.settings))
        with self._lock:
            self._choice[role][ch] = face
            if face is not self.role_face[role]:
                self._elsewhere[role][ch] = face
        return face

    def faces(self, role: str, chars: set[str]) -> dict[FaceMetrics, set[str]]:
        """``chars`` by the face that sets each in ``role`` (``face_for``: a RenderError for a
        character no face has), found by set operations on the faces already chosen."""
        for ch in chars.difference(self._choice[role]):
            self.face_for(role, ch)
        elsewhere = self._elsewhere[role]
        found: dict[FaceMetrics, set[str]] = {}
        for ch in chars.intersection(elsewhere):
            found.setdefault(elsewhere[ch], set()).add(ch)
        own = chars.difference(elsewhere)
        if own:
            found[self.role_face[role]] = own
        return found

    def covers(self, role: str, ch: str) -> bool:
        try:
            self.face_for(role, ch)
            return True
        except RenderError:
            return False

    def uncovered(self, role: str, chars: set[str]) -> set[str]:
        """Those of ``chars`` that no face has (``covers``)."""
        return {ch for ch in chars.difference(self._choice[role]) if not self.covers(role, ch)}

    def sole_face(self, role: str, chars) -> FaceMetrics | None:
        """The face that sets every one of ``chars`` (a string, or a set: cheaper to look up than
        a text's every character) in ``role`` when one does and each has been looked up
        (``face_for``) before; else None."""
        found = set(map(self._choice[role].get, chars))
        return found.pop() if len(found) == 1 and None not in found else None

    def runs(self, role: str, text: str) -> list[tuple[FaceMetrics, str]]:
        """``text`` cut where the face changes: (face, the characters it sets) in order."""
        face = self.sole_face(role, text)
        if face is not None:  # the common case: one face, every character seen
            return [(face, text)]
        choice = self._choice[role]
        out: list[tuple[FaceMetrics, str]] = []
        start, current = 0, None
        for i, ch in enumerate(text):
            face = choice.get(ch) or self.face_for(role, ch)
            if face is not current:
                if i:
                    out.append((current, text[start:i]))
                start, current = i, face
        if text:
            out.append((current, text[start:]))
        return out

    def advance(self, role: str, ch: str) -> float:
        """The advance width of ``ch`` in thousandths of the size; a character no font has
        counts as one full cell (the PDF prints its notation or fails when it draws it; the
        DOCX leaves it to the reader's fonts), so that measuring never fails."""
        return self._advances[role][ch]

    def glyph_width(self, role: str, size: float, text: str) -> float:
        """The summed advance widths of ``text`` at ``size`` (no tracking)."""
        return sum(map(self._advances[role].__getitem__, text)) * size / 1000.0

    class _Advances(dict):
        """A role's advance widths (``advance``): a dictionary that reads the width of a
        character on its first look-up."""

        def __init__(self, choice: "FontChoice", role: str):
            super().__init__()
            self.choice, self.role = choice, role

        def __missing__(self, ch: str) -> float:
            try:
                found = self.choice.face_for(self.role, ch).width(ch)
            except RenderError:
                found = 1000.0
            self[ch] = found
            return found

    def measure(self, role: str, size: float, tracking: float = 0.0) -> Callable[[str], float]:
        """The width of a string at ``size`` with ``tracking`` after each character (the sum
        taken character by character, so every caller gets the same floating-point value).
        The measure is the look-up of a ``_Widths`` table: the width of a character already
        measured, most units a line breaker measures, is read without a Python call."""
        key = (role, size, tracking)
        found = self._measures.get(key)
        if found is None:
            found = self._measures[key] = self._Widths(self._advances[role].__getitem__, size, tracking).__getitem__
        return found

    class _Widths(dict):
        """The widths of strings at a size with tracking after each character: a dictionary
        that fills itself with the widths of single characters."""

        def __init__(self, advance: Callable[[str], float], size: float, tracking: float):
            super().__init__()
            self.advance, self.size, self.tracking = advance, size, tracking

        def __missing__(self, s: str) -> float:
            if len(s) != 1:
                return sum(map(self.__getitem__, s))
            width = self[s] = self.advance(s) * self.size / 1000.0 + self.tracking
            return width


@once_per_font_settings
def font_choice(settings) -> FontChoice:
    """The fonts for these settings, resolved once per process."""
    return FontChoice(settings)


# --- coverage -----------------------------------------------------------------------------

@lru_cache(maxsize=64)
def cmap_of(path: str, index: int = 0) -> frozenset[int]:
    """The code points face ``index`` of ``path`` maps to a glyph."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index if sfnt.is_collection(path) else -1, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


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
    """Per role: the face asked for, the file chosen, its family, how it was found, its kind,
    its coverage, and a ``warning`` when it is a stand-in (``standin_findings``).

    With ``sample_text``: how much of it the role's face covers, the characters it lacks
    (``sample_missing``: set in a fallback face) and those no installed face has at all
    (``sample_no_font``: the PDF writer refuses them).
    """
    rows = []
    no_font = ""
    if sample_text is not None:  # characters no face at all can set (the PDF writer would fail)
        known = [cmap_of(f.path, f.index) for f, _kind in packaged_faces(settings)]
        for ch in sorted({c for c in sample_text if not c.isspace()}):
            if not any(ord(ch) in cmap for cmap in known) and find_covering(ch, settings) is None:
                no_font += ch
    findings = _standins(settings)
    for role in ROLES:
        font = resolve(role, settings)
        row = {
            "role": role,
            "face": font.face,
            "file": font.path,
            "index": font.index,
            "family": font.family,
            "how": font.how,
            "kind": font.kind or "unknown",
            "outline": "TrueType" if font.outline == "glyf" else "CFF (the characters used converted to TrueType)",
        }
        row.update(coverage(font.path, font.index, sample_text))
        if sample_text is not None:
            row["sample_no_font"] = no_font
        if font.notes:
            row["notes"] = list(font.notes)
        if font.standin:
            row["warning"] = next(line for roles, line in findings if role in roles)
        rows.append(row)
    return rows
