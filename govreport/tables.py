"""Sections 二, 三 and 四 as HTML tables in the published layout, built from format.py's trees.

Header and label cells are merged as the official format prints them: a node with children spans its
leaves; a leaf stretches to fill the tree's depth. No inline styles: CSS classes only (gr-table, gr-s2/3/4,
num on number cells, corner, label on row labels, block on section 二's block headings).

For screen readers (GB/T 37668-2019, WCAG 2.1 H43) every header cell has an id and a scope, and every number
cell lists in `headers` all the header cells above and beside it, merged ones included: a number of section
三 reads as 申请人情况 法人或其他组织 商业企业 三、本年度办理结果 （三）不予公开 1.属于国家秘密. Each table sits in
a scroll box (gr-scroll) of its own, focusable and named after its section, so a phone scrolls the table, not
the page.
"""
from __future__ import annotations

import html

from . import format as fmt
from .dataset import AgencyData
from .format import Node
from .narrative import wan


def _cell(tag: str, text: str, *, cls: str | None = None, rowspan: int = 1, colspan: int = 1,
          data_cell: str | None = None, id: str | None = None, scope: str | None = None,
          headers: list[str] | None = None) -> str:
    """One <th>/<td>, its text and attribute values HTML-escaped; spans of 1 are omitted."""
    named = (("class", cls), ("id", id), ("scope", scope), ("headers", headers and " ".join(headers)),
             ("data-cell", data_cell))
    attrs = [(k, v) for k, v in named if v is not None]
    attrs += [(k, str(v)) for k, v in (("rowspan", rowspan), ("colspan", colspan)) if v != 1]
    attr_text = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs)
    return f"<{tag}{attr_text}>{html.escape(str(text))}</{tag}>"


def _row(cells: list[str]) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def _table(section: str, parts: list[str]) -> str:
    """The table in its scroll box, named after its section (the box is what a keyboard user focuses)."""
    label = html.escape(fmt.SECTION_TITLES[section[1:]])
    return (f'<div class="gr-scroll" role="region" tabindex="0" aria-label="{label}">'
            f'<table class="gr-table gr-{section}">\n' + "\n".join(parts) + "\n</table></div>")


def _depth(tree: tuple[Node, ...]) -> int:
    return max(n.depth() for n in tree)


def _id(prefix: str, code: str) -> str:
    return f"{prefix}-{code}"


def _column_header(tree: tuple[Node, ...], prefix: str, above: tuple[str, ...] = ()
                   ) -> tuple[list[list[str]], dict[str, list[str]]]:
    """Header rows for a column tree: a parent spans its leaves' columns, a leaf spans down to the last row;
    and per leaf code, the ids of its header cells from the top down (`above`: ids over the whole tree)."""
    depth = _depth(tree)
    rows: list[list[str]] = [[] for _ in range(depth)]
    ids: dict[str, list[str]] = {}

    def walk(n: Node, level: int, path: tuple[str, ...]) -> None:
        path = (*path, _id(prefix, n.code))
        if n.children:
            rows[level].append(_cell("th", n.label, id=path[-1], scope="col",
                                     colspan=len(n.leaves())))
            for c in n.children:
                walk(c, level + 1, path)
        else:
            rows[level].append(_cell("th", n.label, id=path[-1], scope="col", rowspan=depth - level))
            ids[n.code] = list(path)

    for n in tree:
        walk(n, 0, above)
    return rows, ids


def _row_labels(tree: tuple[Node, ...], prefix: str) -> list[tuple[Node, list[str], list[str]]]:
    """(leaf, its label cells, the ids of its label cells) per body row: a parent spans its leaves' rows
    (placed on the first of them), a leaf spans across to the last label column."""
    depth = _depth(tree)
    out: list[tuple[Node, list[str], list[str]]] = []
    pending: list[str] = []

    def walk(n: Node, level: int, path: tuple[str, ...]) -> None:
        path = (*path, _id(prefix, n.code))
        if n.children:
            pending.append(_cell("th", n.label, cls="label", id=path[-1], scope="row", rowspan=len(n.leaves())))
            for c in n.children:
                walk(c, level + 1, path)
        else:
            cell = _cell("th", n.label, cls="label", id=path[-1], scope="row", colspan=depth - level)
            out.append((n, [*pending, cell], list(path)))
            pending.clear()

    for n in tree:
        walk(n, 0, ())
    return out


def _number(value, code: str, headers: list[str], amount: bool = False, colspan: int = 1) -> str:
    text = wan(value) if amount else str(int(value))
    return _cell("td", text, cls="num", headers=headers, colspan=colspan, data_cell=code)


def section2_html(a: AgencyData) -> str:
    """Section 二: per block a heading row, a header row (信息内容 + columns) and its rows of numbers."""
    width = 1 + max(len(b.columns) for b in fmt.S2_BLOCKS)
    parts = []
    for i, block in enumerate(fmt.S2_BLOCKS, 1):
        fill = width - len(block.columns)  # the last column stretches to the table's width
        spans = [1] * (len(block.columns) - 1) + [fill]
        heading, corner = f"s2-b{i}", f"s2-b{i}-rows"
        column_ids = {c.code: _id(heading, c.code) for c in block.columns}
        rows = [_row([_cell("th", block.heading, cls="block", id=heading, scope="colgroup", colspan=width)]),
                _row([_cell("th", fmt.S2_ROW_HEADER, id=corner, scope="col")]
                     + [_cell("th", c.label, id=column_ids[c.code], scope="col", colspan=s)
                        for c, s in zip(block.columns, spans)])]
        for r in block.rows:
            label = _id("s2", r.code)
            cells = [(code, c) for code, row, c in block.cells() if row == r]
            rows.append(_row([_cell("th", r.label, cls="label", id=label, scope="row")] + [
                _number(a.s2[code], code, [heading, column_ids[c.code], label], code in fmt.S2_AMOUNT_CELLS, span)
                for (code, c), span in zip(cells, spans)]))
        parts.append("<tbody>\n" + "\n".join(rows) + "\n</tbody>")
    return _table("s2", parts)


def section3_html(a: AgencyData) -> str:
    """Section 三: the 3×3 corner, 申请人情况 over the applicant columns, then 25 labelled rows × 7 numbers."""
    columns = (Node("applicants", fmt.S3_COLUMN_HEADER, fmt.S3_COLUMN_TREE),)
    header, column_ids = _column_header(columns, "s3-c")
    corner = _cell("th", fmt.S3_CORNER, cls="corner", rowspan=len(header), colspan=_depth(fmt.S3_ROW_TREE))
    header[0].insert(0, corner)
    body = [_row(labels + [_number(a.s3.loc[row.code, c], f"{row.code}:{c}", column_ids[c] + row_ids)
                           for c in fmt.S3_COLUMNS])
            for row, labels, row_ids in _row_labels(fmt.S3_ROW_TREE, "s3-r")]
    return _table("s3", ["<thead>", *map(_row, header), "</thead>", "<tbody>", *body, "</tbody>"])


def section4_html(a: AgencyData) -> str:
    """Section 四: 行政复议 and 行政诉讼 (未经复议直接起诉, 复议后起诉) over one row of 15 numbers."""
    header, column_ids = _column_header(fmt.S4_TREE, "s4")
    body = _row([_number(a.s4[code], code, column_ids[code]) for code in fmt.S4_CELLS])
    return _table("s4", ["<thead>", *map(_row, header), "</thead>", "<tbody>", body, "</tbody>"])
