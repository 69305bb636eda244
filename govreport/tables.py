"""Sections 二, 三 and 四 as HTML tables in the published layout, built from format.py's trees.

Header and label cells are merged as the official format prints them: a node with children spans its
leaves; a leaf stretches to fill the tree's depth. No inline styles: CSS classes only (gr-table, gr-s2/3/4,
num on number cells, corner, label on row labels, block on section 二's block headings).
"""
from __future__ import annotations

import html

from . import format as fmt
from .dataset import AgencyData
from .format import Node
from .narrative import wan


def _cell(tag: str, text: str, *, cls: str | None = None, rowspan: int = 1, colspan: int = 1,
          data_cell: str | None = None) -> str:
    """One <th>/<td>, its text and attribute values HTML-escaped; spans of 1 are omitted."""
    attrs = [(k, v) for k, v in (("class", cls), ("data-cell", data_cell)) if v is not None]
    attrs += [(k, str(v)) for k, v in (("rowspan", rowspan), ("colspan", colspan)) if v != 1]
    attr_text = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs)
    return f"<{tag}{attr_text}>{html.escape(str(text))}</{tag}>"


def _row(cells: list[str]) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def _table(section: str, parts: list[str]) -> str:
    return f'<table class="gr-table gr-{section}">\n' + "\n".join(parts) + "\n</table>"


def _depth(tree: tuple[Node, ...]) -> int:
    return max(n.depth() for n in tree)


def _column_header(tree: tuple[Node, ...]) -> list[list[str]]:
    """Header rows for a column tree: a parent spans its leaves' columns, a leaf spans down to the last row."""
    depth = _depth(tree)
    rows: list[list[str]] = [[] for _ in range(depth)]

    def walk(n: Node, level: int) -> None:
        if n.children:
            rows[level].append(_cell("th", n.label, colspan=len(n.leaves())))
            for c in n.children:
                walk(c, level + 1)
        else:
            rows[level].append(_cell("th", n.label, rowspan=depth - level))

    for n in tree:
        walk(n, 0)
    return rows


def _row_labels(tree: tuple[Node, ...]) -> list[tuple[Node, list[str]]]:
    """(leaf, its label cells) per body row: a parent spans its leaves' rows (placed on the first of them),
    a leaf spans across to the last label column."""
    depth = _depth(tree)
    out: list[tuple[Node, list[str]]] = []
    pending: list[str] = []

    def walk(n: Node, level: int) -> None:
        if n.children:
            pending.append(_cell("th", n.label, cls="label", rowspan=len(n.leaves())))
            for c in n.children:
                walk(c, level + 1)
        else:
            out.append((n, [*pending, _cell("th", n.label, cls="label", colspan=depth - level)]))
            pending.clear()

    for n in tree:
        walk(n, 0)
    return out


def _number(value, code: str, amount: bool = False, colspan: int = 1) -> str:
    text = wan(value) if amount else str(int(value))
    return _cell("td", text, cls="num", colspan=colspan, data_cell=code)


def section2_html(a: AgencyData) -> str:
    """Section 二: per block a heading row, a header row (信息内容 + columns) and its rows of numbers."""
    width = 1 + max(len(b.columns) for b in fmt.S2_BLOCKS)
    parts = []
    for block in fmt.S2_BLOCKS:
        fill = width - len(block.columns)  # the last column stretches to the table's width
        spans = [1] * (len(block.columns) - 1) + [fill]
        rows = [_row([_cell("th", block.heading, cls="block", colspan=width)]),
                _row([_cell("th", fmt.S2_ROW_HEADER)]
                     + [_cell("th", c.label, colspan=s) for c, s in zip(block.columns, spans)])]
        for r in block.rows:
            codes = [code for code, row, _ in block.cells() if row == r]
            rows.append(_row([_cell("th", r.label, cls="label")] + [
                _number(a.s2[code], code, code in fmt.S2_AMOUNT_CELLS, span) for code, span in zip(codes, spans)]))
        parts.append("<tbody>\n" + "\n".join(rows) + "\n</tbody>")
    return _table("s2", parts)


def section3_html(a: AgencyData) -> str:
    """Section 三: the 3×3 corner, 申请人情况 over the applicant columns, then 25 labelled rows × 7 numbers."""
    columns = (Node("applicants", fmt.S3_COLUMN_HEADER, fmt.S3_COLUMN_TREE),)
    header = _column_header(columns)
    corner = _cell("th", fmt.S3_CORNER, cls="corner", rowspan=len(header), colspan=_depth(fmt.S3_ROW_TREE))
    header[0].insert(0, corner)
    body = [_row(labels + [_number(a.s3.loc[row.code, c], f"{row.code}:{c}") for c in fmt.S3_COLUMNS])
            for row, labels in _row_labels(fmt.S3_ROW_TREE)]
    return _table("s3", ["<thead>", *map(_row, header), "</thead>", "<tbody>", *body, "</tbody>"])


def section4_html(a: AgencyData) -> str:
    """Section 四: 行政复议 and 行政诉讼 (未经复议直接起诉, 复议后起诉) over one row of 15 numbers."""
    header = _column_header(fmt.S4_TREE)
    body = _row([_number(a.s4[code], code) for code in fmt.S4_CELLS])
    return _table("s4", ["<thead>", *map(_row, header), "</thead>", "<tbody>", body, "</tbody>"])
