"""`.txt`: text extracted from a PDF (pdftotext and the like), one Paragraph per line."""
from __future__ import annotations

from pathlib import Path

from .core import Document, Paragraph


def decode(raw: bytes, path) -> str:
    """UTF-8 (with or without BOM), else GBK: what Chinese tools write."""
    from ..dataset import DataError
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise DataError(path, "cannot decode the file: it is neither UTF-8 nor GBK")


def read(path: Path) -> Document:
    lines = decode(Path(path).read_bytes(), path).replace("\r\n", "\n").split("\n")
    return Document([Paragraph(line) for line in lines], text_lines=True)
