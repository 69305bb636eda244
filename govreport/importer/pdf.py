"""`.pdf` with a text layer (pdfplumber): tables from their ruling lines (cell geometry, merged cells as
None), the text around them as lines, joined into paragraphs where the gap between lines is a line's."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from .. import format as fmt
from ..dataset import DataError
from .core import Document, Paragraph, Table, label_key

_TITLES = {label_key(t) for t in fmt.SECTION_TITLES.values()}
_PAGE_NUMBER = re.compile(r"[-—–\s]*\d+[-—–\s]*")  # a page's footer: "— 2 —"
PARAGRAPH_GAP = 1.5  # a gap between lines this many times the usual one starts a paragraph


def _is_data_table(rows: list[list[str | None]]) -> bool:
    """A table of numbers has rows of three or more cells; a frame drawn around text has one."""
    return any(sum(c is not None for c in row) >= 2 for row in rows)


def _table_blocks(rows: list[list[str | None]]) -> list:
    """A table's rows; a row that is just a section title (a table drawn round its heading) is a Paragraph."""
    out: list = []
    for row in rows:
        texts = [c for c in row if c]
        if len(texts) == 1 and label_key(texts[0]) in _TITLES:
            out.append(Paragraph(texts[0]))
        elif out and isinstance(out[-1], Table):
            out[-1].rows.append(row)
        else:
            out.append(Table([row]))
    return out


def _size(line: dict) -> float:
    """A line's font size (a heading's differs from the text's)."""
    return max(c["size"] for c in line["chars"])


@dataclass
class _Lines(Paragraph):
    """A paragraph as laid out: whether its last line runs to the right margin (it may go on overleaf)
    and whether its first line is indented (it starts a paragraph)."""

    full: bool = False
    indented: bool = False
    size: float = 0  # of its last line's font
    first_size: float = 0  # of its first line's


def _paragraphs(lines: list[dict], right: float) -> list[_Lines]:
    """Lines into paragraphs: a wider gap than the usual line step, or an indented line, starts one."""
    if not lines:
        return []
    steps = sorted(b["top"] - a["top"] for a, b in zip(lines, lines[1:]) if b["top"] > a["top"])
    usual = steps[len(steps) // 4] if steps else 0
    left = min(line["x0"] for line in lines)
    out: list[_Lines] = []
    for prev, line in zip([None] + lines, lines):
        size = line["bottom"] - line["top"]
        indented = line["x0"] > left + 1.5 * size
        if (prev is None or line["top"] - prev["top"] > PARAGRAPH_GAP * usual or indented
                or abs(_size(line) - _size(prev)) > 0.5 or label_key(line["text"]) in _TITLES):
            out.append(_Lines(line["text"], indented=indented, first_size=_size(line)))
        else:
            out[-1].text += line["text"]
        out[-1].full, out[-1].size = line["x1"] > right - 2 * size, _size(line)
    return out


RULE = 2  # points: a filled rectangle this thin is a ruling line (a browser draws borders so)


def _ruling(obj) -> bool:
    """Whether a graphic object may be a table's line: not a chart's curves, not a background fill."""
    if obj["object_type"] == "curve":
        return False
    return obj["object_type"] != "rect" or min(obj["width"], obj["height"]) <= RULE


def _page(page) -> list:
    ruled = page.filter(lambda o: o["object_type"] not in ("rect", "curve", "line") or _ruling(o))
    tables = [t for t in ruled.find_tables() if _is_data_table(t.extract())]
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    lines = [line for line in page.filter(outside).extract_text_lines()
             if not _PAGE_NUMBER.fullmatch(line["text"])]
    items = [(t.bbox[1], _table_blocks(t.extract())) for t in tables]
    start = 0
    for top in sorted(t.bbox[1] for t in tables) + [float("inf")]:
        chunk = [line for line in lines[start:] if line["top"] < top]
        items.append((chunk[0]["top"] if chunk else top, _paragraphs(chunk, max(x["x1"] for x in lines))))
        start += len(chunk)
    return [block for _, blocks in sorted(items, key=lambda x: x[0]) for block in blocks]


def read(path: Path) -> Document:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings of a valid file are not ours
    try:
        with pdfplumber.open(str(path)) as pdf:
            blocks = []
            for page in pdf.pages:
                blocks += _overleaf(blocks, _page(page))
    except Exception as err:  # pdfminer raises many kinds for a file that is not a PDF
        raise DataError(path, f"not a readable PDF file ({type(err).__name__})") from None
    if not any(isinstance(b, Paragraph) for b in blocks):
        raise DataError(path, "the PDF has no text layer (a scan): only PDFs with text can be imported")
    return Document(_merge_split_tables(blocks))


def _overleaf(before: list, page: list) -> list:
    """A page's blocks; its first paragraph goes on the last one of the page before when that ran to
    the margin and this one is not indented (a paragraph broken by the page)."""
    if (before and page and isinstance(before[-1], _Lines) and isinstance(page[0], _Lines)
            and before[-1].full and not page[0].indented and abs(before[-1].size - page[0].first_size) <= 0.5
            and label_key(page[0].text) not in _TITLES):
        before[-1].text += page[0].text
        before[-1].full = page[0].full
        return page[1:]
    return page


def _merge_split_tables(blocks: list) -> list:
    """A table broken over pages is one table: consecutive tables join."""
    out: list = []
    for block in blocks:
        if isinstance(block, Table) and out and isinstance(out[-1], Table):
            out[-1].rows.extend(block.rows)
        else:
            out.append(block)
    return out
