"""`.html`/`.htm`: a whole web page as saved from a browser (lxml), its tables with merged cells expanded.

Scripts, styles, drawings and our own computed parts (the check notice, the data summary) are dropped;
every other block element's text is a Paragraph whose scope is its chain of containers, so that the
site's footer is not read as section 六.
"""
from __future__ import annotations

import re
from pathlib import Path

import lxml.html

from .core import Document, Paragraph, Table

_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "button", "select", "textarea")
_COMPUTED = ("gr-notice", "gr-summary")  # report.py's: derived from the tables, not the agency's text
_BLOCKS = {"p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "ul", "ol", "li",
           "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "tbody", "thead", "body", "figure",
           "blockquote", "pre", "dl", "dt", "dd", "form", "center", "caption"}
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


def decode(raw: bytes) -> str:
    """The page's text: its declared charset (GBK pages say gb2312), else UTF-8, else GB18030."""
    m = _CHARSET.search(raw[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gb2312", "gbk", "gb18030"):
        declared = "gb18030"
    for encoding in filter(None, (declared, "utf-8-sig", "gb18030")):
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return raw.decode("utf-8", "replace")


def _text(el) -> str:
    """An element's text, <br> as a space, whitespace (and &nbsp;) collapsed."""
    for br in el.iter("br"):
        br.tail = " " + (br.tail or "")
    return re.sub(r"\s+", " ", el.text_content()).strip()


def grid(table) -> list[list[str | None]]:
    """A table's rows with rowspan/colspan expanded: a merged cell's text in its first position, None after."""
    rows: list[list[str | None]] = []
    taken: dict[tuple[int, int], bool] = {}
    trs = [tr for tr in table.iter("tr") if tr.getparent() is table or tr.getparent().getparent() is table]
    for i, tr in enumerate(trs):
        row: dict[int, str | None] = {}
        col = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while taken.get((i, col)):
                row.setdefault(col, None)
                col += 1
            rs, cs = (max(1, int(re.sub(r"\D", "", td.get(a, "1")) or 1)) for a in ("rowspan", "colspan"))
            for dr in range(rs):
                for dc in range(cs):
                    taken[(i + dr, col + dc)] = True
                    if dr == 0:
                        row[col + dc] = _text(td) if dc == 0 else None
            col += cs
        width = max(row, default=-1) + 1
        while taken.get((i, width)):
            width += 1
        rows.append([row.get(c) for c in range(width)])
    return rows


def _walk(el, here: tuple, out: list, buffer: list) -> None:
    """Text into `buffer` until a block boundary flushes it as a Paragraph of the block it is in (`here`)."""
    tag = el.tag if isinstance(el.tag, str) else ""  # comments and processing instructions: no tag
    if not tag or tag in _DROP or set(el.get("class", "").split()) & set(_COMPUTED):
        return
    if tag == "br":
        _flush(buffer, out, here)
        return
    if tag == "table" and el.find(".//table") is None:  # a table holding tables lays out a page
        _flush(buffer, out, here)
        out.append(Table(grid(el), here + (id(el),)))
        return
    if tag in _BLOCKS:
        _flush(buffer, out, here)
        here = here + (id(el),)
    buffer.append(el.text or "")
    for child in el:
        _walk(child, here, out, buffer)
        buffer.append(child.tail or "")
    if tag in _BLOCKS:
        _flush(buffer, out, here)


def _flush(buffer: list, out: list, here: tuple) -> None:
    text = re.sub(r"\s+", " ", "".join(buffer)).strip()
    buffer.clear()
    if text:
        out.append(Paragraph(text, here))


def read(path: Path) -> Document:
    root = lxml.html.document_fromstring(decode(Path(path).read_bytes()))
    blocks: list = []
    _walk(root, (), blocks, [])
    return Document(blocks)
