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

FORMATS = ("xml", "txt", "docx", "pdf")


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
    reference_docx: Path | None = None
    numbering: Literal["literal", "native"] = "literal"
    runin: Literal["split", "keep"] = "split"
    subject: str = ""
    keywords: str = ""


class PdfSettings(Strict):
    font_files: dict[str, Path] = Field(default_factory=dict)


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
    if epoch and "source_date_epoch" not in data:
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
