"""`.txt`: text extracted from a PDF (pdftotext and the like), one Paragraph per line."""
from __future__ import annotations

from pathlib import Path

from ..dataset import decode
from .core import Document, Paragraph


def read(path: Path) -> Document:
    lines = decode(Path(path).read_bytes(), path).replace("\r\n", "\n").split("\n")
    return Document([Paragraph(line) for line in lines], text_lines=True)
