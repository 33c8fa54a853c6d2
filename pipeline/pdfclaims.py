"""What a PDF file claims about itself, read with pikepdf: the PDF/A part and conformance of
its XMP identification (``pdfaid``), whether it is tagged (``MarkInfo /Marked true`` and a
structure tree), its language, output intents and page count.

These are the file's claims, not a validation, for CI jobs that check that an artifact says
what it should: ``pipeline inspect FILE.pdf [--json]`` prints them, as does
``python -m pipeline.pdfclaims FILE.pdf... [--json]`` for several files (exit 1 when a file
is not a readable PDF).
"""
from __future__ import annotations

import io
import json
import sys

from .errors import InputError


def claims(data: bytes) -> dict:
    """The claims of the PDF ``data`` as a JSON-ready dict; an InputError when it is no PDF."""
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        raise InputError(f"not a readable PDF: {exc}") from None
    with pdf:
        root = pdf.Root
        meta = pdf.open_metadata()
        part = meta.get("pdfaid:part")
        conformance = meta.get("pdfaid:conformance")
        mark = root.get("/MarkInfo")
        marked = bool(mark is not None and mark.get("/Marked", False))
        intents = [str(intent.get("/OutputConditionIdentifier", "")) for intent in root.get("/OutputIntents", [])]
        lang = root.get("/Lang")
        return {
            "pdfa": f"PDF/A-{part}{(conformance or '').lower()}" if part else None,
            "pdfa_part": int(part) if part and str(part).isdigit() else None,
            "pdfa_conformance": conformance or None,
            "tagged": marked and "/StructTreeRoot" in root,
            "lang": str(lang) if lang is not None else None,
            "output_intents": intents,
            "pages": len(pdf.pages),
            "pdf_version": pdf.pdf_version,
            "encrypted": pdf.is_encrypted,
        }


def describe(found: dict) -> str:
    """The claims as readable lines."""
    return "\n".join([
        f"PDF/A: {found['pdfa'] or 'none claimed'}",
        f"tagged: {'yes' if found['tagged'] else 'no'}",
        f"language: {found['lang'] or 'none'}",
        f"output intents: {', '.join(found['output_intents']) or 'none'}",
        f"pages: {found['pages']}, PDF {found['pdf_version']}{', encrypted' if found['encrypted'] else ''}",
    ])


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.pdfclaims FILE.pdf... [--json]``: the claims of each file."""
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
    files = [a for a in args if a != "--json"]
    if not files:
        print("usage: python -m pipeline.pdfclaims FILE.pdf... [--json]", file=sys.stderr)
        return 2
    status, found = 0, {}
    for name in files:
        try:
            with open(name, "rb") as handle:
                found[name] = claims(handle.read())
        except (OSError, InputError) as exc:
            print(f"pipeline: {name}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
            status = 1
    if not found:
        return status
    several = len(files) > 1
    if as_json:
        print(json.dumps(found if several else next(iter(found.values())), ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(f"{name}\n{describe(info)}" if several else describe(info) for name, info in found.items()))
    return status


if __name__ == "__main__":
    sys.exit(main())
