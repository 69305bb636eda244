"""The HTML tables: parsed back into a grid honouring rowspan/colspan and checked against the format."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
import pytest
from conftest import make_agency_data

from govreport import format as fmt
from govreport import narrative, tables


@dataclass
class Cell:
    tag: str
    attrs: dict
    text: str = ""
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Parsed:
    table_class: str = ""
    rows: list[list[Cell]] = field(default_factory=list)  # cells as written, per <tr>
    grid: list[list[Cell]] = field(default_factory=list)  # every slot, spans expanded


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.out, self.cell = Parsed(), None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.out.table_class = attrs["class"]
        elif tag == "tr":
            self.out.rows.append([])
        elif tag in ("th", "td"):
            self.cell = Cell(tag, attrs, rowspan=int(attrs.get("rowspan", 1)), colspan=int(attrs.get("colspan", 1)))
            self.out.rows[-1].append(self.cell)

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.text += data


def parse(markup: str) -> Parsed:
    """Parse one table; place each cell in the first free slot of its row, filling its spans."""
    p = _Parser()
    p.feed(markup)
    out = p.out
    taken: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(out.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    assert (r + dr, c + dc) not in taken, f"overlapping cells at {(r + dr, c + dc)}"
                    taken[(r + dr, c + dc)] = cell
            c += cell.colspan
    height = max(r for r, _ in taken) + 1
    width = max(c for _, c in taken) + 1
    assert len(taken) == height * width, "the grid is not rectangular"
    out.grid = [[taken[(r, c)] for c in range(width)] for r in range(height)]
    return out


def find(parsed: Parsed, text: str) -> Cell:
    (cell,) = [c for row in parsed.rows for c in row if c.text == text]
    return cell


@pytest.fixture
def rich():
    """An agency with distinct numbers in many cells, so misplaced numbers show."""
    s3 = {(r, c): 1 + i + 2 * j for i, r in enumerate(fmt.S3_ROWS) for j, c in enumerate(fmt.S3_APPLICANT_COLUMNS)
          if r not in ("3.7",)}
    s4 = {code: i + 1 for i, code in enumerate(fmt.S4_CELLS) if not code.endswith("_total")}
    s2 = {code: i + 1 for i, code in enumerate(fmt.S2_CELLS)} | {"fees_amount": 12.35}
    return make_agency_data(s2=s2, s3=s3, s4=s4)


def test_section3_numbers_in_order(rich):
    p = parse(tables.section3_html(rich))
    assert p.table_class == "gr-table gr-s3"
    body = [row for row in p.grid if any(c.tag == "td" for c in row)]
    assert len(body) == 25
    for row_code, row in zip(fmt.S3_ROWS, body):
        nums = [c for c in row if c.tag == "td"]
        assert len(nums) == 7 and row[:3] == [c for c in row if c.tag == "th"]  # 3 label columns, then 7 numbers
        assert [c.attrs["data-cell"] for c in nums] == [f"{row_code}:{col}" for col in fmt.S3_COLUMNS]
        assert [int(c.text) for c in nums] == [int(v) for v in rich.s3.loc[row_code]]
        assert all(c.attrs["class"] == "num" for c in nums)
        assert row[-1].text == str(rich.s3.loc[row_code, "total"])


def test_section3_merged_cells(seed):
    p = parse(tables.section3_html(seed))
    corner = find(p, fmt.S3_CORNER)
    assert (corner.rowspan, corner.colspan) == (3, 3)
    assert p.grid[0][0] is corner and p.grid[2][2] is corner
    assert len(p.grid) == 3 + 25 and len(p.grid[0]) == 3 + 7
    assert find(p, fmt.S3_COLUMN_HEADER).colspan == 7
    for code in ("natural", "total"):
        cell = find(p, fmt.S3_COLUMN_LABELS[code])
        assert (cell.rowspan, cell.colspan) == (2, 1)
    assert find(p, fmt.S3_COLUMN_LABELS["org"]).colspan == 5
    assert [c.text for c in p.grid[2][3:]] == [fmt.S3_COLUMN_LABELS[c] for c in fmt.S3_COLUMNS]
    for code, rowspan in (("3", 22), ("3.3", 8), ("3.4", 3), ("3.5", 5), ("3.6", 3)):
        assert find(p, fmt.S3_ROW_LABELS[code]).rowspan == rowspan
    for code in ("1", "2", "4"):
        assert find(p, fmt.S3_ROW_LABELS[code]).colspan == 3
    for code in ("3.1", "3.2", "3.7"):
        assert find(p, fmt.S3_ROW_LABELS[code]).colspan == 2
    assert find(p, fmt.S3_ROW_LABELS["3.4.1"]).colspan == 1
    # the label column of every body row reads its row's label
    assert [row[2].text for row in p.grid[3:]] == [fmt.S3_ROW_LABELS[r] for r in fmt.S3_ROWS]


def test_section4(rich):
    p = parse(tables.section4_html(rich))
    assert p.table_class == "gr-table gr-s4"
    assert len(p.grid) == 4 and len(p.grid[0]) == 15
    assert find(p, "行政复议").colspan == 5 and find(p, "行政诉讼").colspan == 10
    for group in ("direct", "after_review"):
        assert find(p, fmt.S4_LABELS[group]).colspan == 5
    review_leaves = p.grid[1][:5]
    assert all(c.rowspan == 2 for c in review_leaves) and p.grid[2][:5] == review_leaves
    assert [c.text for c in p.grid[2]] == [fmt.S4_LABELS[c] for c in fmt.S4_CELLS]
    nums = p.grid[3]
    assert [c.attrs["data-cell"] for c in nums] == list(fmt.S4_CELLS)
    assert [int(c.text) for c in nums] == [int(rich.s4[c]) for c in fmt.S4_CELLS]


def test_section2(rich):
    p = parse(tables.section2_html(rich))
    assert p.table_class == "gr-table gr-s2"
    width = len(p.grid[0])
    assert width == 4
    expected = []
    for block in fmt.S2_BLOCKS:
        expected.append([block.heading] * width)
        expected.append([fmt.S2_ROW_HEADER] + [c.label for c in block.columns]
                        + [block.columns[-1].label] * (width - 1 - len(block.columns)))
        for r in block.rows:
            values = [narrative.wan(rich.s2[code]) if code in fmt.S2_AMOUNT_CELLS else str(rich.s2[code])
                      for code, row, _ in block.cells() if row == r]
            expected.append([r.label] + values + [values[-1]] * (width - 1 - len(values)))
    assert [[c.text for c in row] for row in p.grid] == expected
    fees = [c for row in p.rows for c in row if c.attrs.get("data-cell") == "fees_amount"]
    assert len(fees) == 1 and fees[0].text == "12.35"
    codes = [c.attrs["data-cell"] for row in p.rows for c in row if c.tag == "td"]
    assert codes == list(fmt.S2_CELLS)


@pytest.mark.parametrize("amount, text", [
    (24252.311082, "24252.311082"),  # a real fee, printed as 24252.3111 before
    (0.000001, "0.000001"),  # never 1e-06
    (3985758.5, "3985758.5"),
])
def test_fee_cell_prints_the_amount_exactly(amount, text):
    a = make_agency_data(s2={"fees_amount": np.float64(amount)})
    (fees,) = [c for row in parse(tables.section2_html(a)).rows for c in row
               if c.attrs.get("data-cell") == "fees_amount"]
    assert fees.text == text


def test_zeros_print_as_zero(seed):
    for build in (tables.section2_html, tables.section3_html, tables.section4_html):
        p = parse(build(seed))
        nums = [c for row in p.rows for c in row if c.tag == "td"]
        assert nums and all(c.text.strip() for c in nums)
        assert all(c.text.isdigit() for c in nums)
    zero = find_cell(parse(tables.section3_html(seed)), "3.3.1:natural")
    assert zero.text == "0"


def find_cell(parsed: Parsed, code: str) -> Cell:
    (cell,) = [c for row in parsed.rows for c in row if c.attrs.get("data-cell") == code]
    return cell


def test_every_label_of_the_format_appears(seed):
    markup = {"s2": tables.section2_html(seed), "s3": tables.section3_html(seed), "s4": tables.section4_html(seed)}
    texts = {k: {c.text for row in parse(m).rows for c in row} for k, m in markup.items()}
    s2_labels = {fmt.S2_ROW_HEADER} | {x for b in fmt.S2_BLOCKS for x in (b.heading, *(n.label for n in b.rows),
                                                                          *(n.label for n in b.columns))}
    assert s2_labels <= texts["s2"]
    assert {fmt.S3_CORNER, fmt.S3_COLUMN_HEADER, *fmt.S3_ROW_LABELS.values(), *fmt.S3_COLUMN_LABELS.values()} \
        <= texts["s3"]
    assert set(fmt.S4_LABELS.values()) <= texts["s4"]


def test_labels_and_attributes_are_escaped():
    cell = tables._cell("th", "<b>“三安全”&</b>", cls='x" onclick="y', data_cell="a<b")
    assert cell == ('<th class="x&quot; onclick=&quot;y" data-cell="a&lt;b">'
                    "&lt;b&gt;“三安全”&amp;&lt;/b&gt;</th>")
    p = parse(f"<table class='t'><tr>{cell}</tr></table>")
    assert p.rows[0][0].text == "<b>“三安全”&</b>"


def test_label_from_format_is_escaped(monkeypatch, seed):
    monkeypatch.setattr(fmt, "S3_CORNER", "<script>alert(1)</script>")
    markup = tables.section3_html(seed)
    assert "<script>" not in markup and "&lt;script&gt;alert(1)&lt;/script&gt;" in markup


def test_deterministic_and_no_inline_style(rich):
    for build in (tables.section2_html, tables.section3_html, tables.section4_html):
        first = build(rich)
        assert first == build(make_agency_data(s2=dict(rich.s2), s3={(r, c): rich.s3.loc[r, c]
                                                                       for r in fmt.S3_ROWS
                                                                       for c in fmt.S3_COLUMNS},
                                               s4=dict(rich.s4)))
        assert "style" not in first
        assert first.count("<table") == 1
