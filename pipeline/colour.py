"""The sRGB ICC profile embedded as the output intent of archival (PDF/A) PDFs.

pikepdf ships it (``pikepdf/pdfa/data/sRGB.icc``: the sRGB profile of the icc-profiles-free
collection, "no copyright, use freely", distributed under the zlib licence; see pikepdf's
``third-party-licenses/sRGB-icc-profile.txt``). It is read once, as a file in pikepdf's
package folder, which the import system finds without importing pikepdf (the writer needs
none of its code), and checked to be an RGB display profile before any PDF claims it.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from .errors import RenderError

#: Where the profile lies: (package, path inside it).
SRGB_PROFILE = ("pikepdf", "pdfa/data/sRGB.icc")
#: The output condition the profile characterises (its name in the ICC's registry).
SRGB_CONDITION = "sRGB IEC61966-2.1"


def package_folder(package: str) -> Path:
    """The folder of the installed top-level ``package``, found without running its code
    (a ModuleNotFoundError when it is not installed as a folder)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"no package named {package!r}", name=package)
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """The bytes of the sRGB ICC profile (an error naming the package when it is missing)."""
    package, path = SRGB_PROFILE
    try:
        data = package_folder(package).joinpath(path).read_bytes()
    except (ModuleNotFoundError, OSError) as exc:
        raise RenderError(f"the sRGB ICC profile for PDF/A ({package}: {path}) cannot be read: {exc}; "
                          "reinstall pikepdf, or set pdf.archival: false") from None
    problem = profile_problem(data)
    if problem:
        raise RenderError(f"{package}: {path} is not usable as the PDF/A output intent: {problem}")
    return data


def profile_problem(data: bytes) -> str | None:
    """Why ``data`` is not an RGB display (or output) ICC profile of version 2 or 4, or None."""
    if len(data) < 132 or data[36:40] != b"acsp":
        return "not an ICC profile"
    if int.from_bytes(data[0:4], "big") != len(data):
        return "its declared size differs from its length"
    if data[16:20] != b"RGB ":
        return f"colour space {data[16:20]!r}, not RGB"
    if data[12:16] not in (b"mntr", b"prtr"):
        return f"device class {data[12:16]!r}, not a display or output profile"
    if data[8] not in (2, 4):
        return f"ICC version {data[8]}"
    return None
