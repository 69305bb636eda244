"""`.docx`: a Word file (python-docx), paragraphs and tables in document order, merged cells expanded."""
from __future__ import annotations

from pathlib import Path

import docx
from docx.table import Table as WordTable

from ..dataset import DataError
from .core import Document, Paragraph, Table


def grid(table: WordTable) -> list[list[str | None]]:
    """A table's rows: a merged cell (python-docx repeats it at each grid position) has its text at the first."""
    seen: set[int] = set()
    alive = []  # the elements seen stay alive, so that their ids stay theirs
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            key = id(cell._tc)
            cells.append(None if key in seen else " ".join(p.text for p in cell.paragraphs).strip())
            seen.add(key)
            alive.append(cell._tc)
        rows.append(cells)
    return rows


def read(path: Path) -> Document:
    try:
        document = docx.Document(str(path))
    except Exception as err:  # python-docx raises zipfile/KeyError/lxml errors for a file that is not a .docx
        raise DataError(path, f"not a readable Word (.docx) file ({type(err).__name__})") from None
    blocks: list = []
    for item in document.iter_inner_content():
        if isinstance(item, WordTable):
            blocks.append(Table(grid(item)))
        elif item.text.strip():
            blocks.append(Paragraph(item.text.strip()))
    return Document(blocks)
