"""Excel fill-in workbooks: their layout, drawn from format.py's trees, and `govreport template`.

One layout (`layout()`) places every number, label, formula and check cell; the template writer fills it in
with openpyxl and `excel_ingest` reads filled workbooks back through the same layout, so a cell's address is
computed in one place. Totals are the format's equations (format.EQUATIONS): an equation with one cell on its
left is that cell's formula (every 总计); one with more (rule R4) is a visible check line under the table.
A hidden sheet carries a marker and a digest of the layout, so ingest knows the workbook is ours and of this
format.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import format as fmt
from . import narrative, ooxml
from .dataset import Agency, AgencyData, DataError, load_previous, load_year
from .files import write_atomic_bytes
from .project import project_root
from .format import Node

# Workbook wording, each typed here once (the tables' labels all come from format.py).
DETAILS_SHEET = "基本信息"
NARRATIVE_SHEET = "正文"
META_SHEET = "govreport"
MARKER = "govreport fill-in workbook"
YEAR_LABEL = "年度"
AGENCY_LABELS = {  # dataset.Agency's fields; a field missing here shows its own name
    "id": "机关代码（请勿修改）", "name": "机关简称", "full_name": "机关全称", "level": "机关层级",
    "website_name": "政府信息公开网站名称", "website_url": "网址", "address": "地址", "postcode": "邮编",
    "phone": "电话", "fax": "传真", "email": "电子邮箱", "rule_making": "是否具有规章制定权",
}
YES, NO = "是", "否"
LEGEND = "黄色单元格由本机关填写（无数据填0）；灰色单元格自动计算，不能修改；蓝色单元格已按上年数据预填，请核对。"
PREFILLED_NOTE = "已按{year}年“{label}”预填（{rule}）"
CHECK_OK, CHECK_BAD = "✓", "✗"
COUNT_ERROR = "请填写非负整数"
AMOUNT_ERROR = "请填写非负金额（万元），最多六位小数"

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
FORMULA_FILL = PatternFill("solid", fgColor="E7E6E6")
PREFILLED_FILL = PatternFill("solid", fgColor="DDEBF7")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOP = 4  # tables start below the title, the section title and the legend


def sheet_name(section: str) -> str:
    """二表, 三表, 四表: the section's numeral from its title."""
    return fmt.SECTION_TITLES[section].split("、")[0] + "表"


# ---------------------------------------------------------------- layout
@dataclass(frozen=True)
class Span:
    """A label cell, merged over rows × cols when larger than one cell."""

    text: str
    row: int
    col: int
    rows: int = 1
    cols: int = 1
    align: str = "center"  # headers; titles and row labels "left"


@dataclass(frozen=True)
class NumberCell:
    """A cell holding one of the data's numbers; `parts` (keys) makes it a formula cell: their sum."""

    key: tuple[str, ...]  # ("s2", code) | ("s3", row, column) | ("s4", code), as AgencyData.cells
    sheet: str
    ref: str
    row_label: str
    column_label: str
    amount: bool = False
    cols: int = 1  # section 二's last column is merged to the table's width
    parts: tuple[tuple[str, ...], ...] = ()
    rule: str = ""


@dataclass(frozen=True)
class CheckCell:
    """A check-line cell: shows ✓ when its column's lhs sum equals its rhs sum (an equation of format.py)."""

    sheet: str
    ref: str
    column_label: str
    rule: str
    lhs: tuple[tuple[str, ...], ...]
    rhs: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Layout:
    spans: dict[str, tuple[Span, ...]]  # sheet -> its label cells
    widths: dict[str, tuple[int, ...]]  # sheet -> column widths
    numbers: dict[tuple[str, ...], NumberCell]
    checks: tuple[CheckCell, ...]
    year_ref: str  # on DETAILS_SHEET
    fields: dict[str, str]  # Agency field -> its cell on DETAILS_SHEET ("id" locked, the rest inputs)
    narrative: dict[str, str]  # section -> its cell on NARRATIVE_SHEET

    @cached_property
    def digest(self) -> str:
        """Changes with anything that moves, adds or relabels a cell (not with widths or alignment): a workbook
        of another format is refused."""
        where = {sheet: [(s.text, s.row, s.col, s.rows, s.cols) for s in spans] for sheet, spans in self.spans.items()}
        parts = (where, self.numbers, self.checks, self.year_ref, self.fields, self.narrative)
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _ref(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _column_header(tree: tuple[Node, ...], top: int, left: int) -> tuple[list[Span], dict[str, int]]:
    """Header spans of a column tree (a parent over its leaves, a leaf down to the last header row) and each
    leaf's column; as tables.py draws the HTML header."""
    depth = max(n.depth() for n in tree)
    spans, columns = [], {}

    def walk(n: Node, level: int, col: int) -> int:
        if not n.children:
            spans.append(Span(n.label, top + level, col, rows=depth - level))
            columns[n.code] = col
            return col + 1
        spans.append(Span(n.label, top + level, col, cols=len(n.leaves())))
        for c in n.children:
            col = walk(c, level + 1, col)
        return col

    col = left
    for n in tree:
        col = walk(n, 0, col)
    return spans, columns


def _row_labels(tree: tuple[Node, ...], top: int, left: int) -> tuple[list[Span], dict[str, int]]:
    """Label spans of a row tree (a parent down its leaves' rows, a leaf across to the last label column)
    and each leaf's row."""
    depth = max(n.depth() for n in tree)
    spans, rows = [], {}

    def walk(n: Node, level: int, row: int) -> int:
        if not n.children:
            spans.append(Span(n.label, row, left + level, cols=depth - level, align="left"))
            rows[n.code] = row
            return row + 1
        spans.append(Span(n.label, row, left + level, rows=len(n.leaves()), align="left"))
        for c in n.children:
            row = walk(c, level + 1, row)
        return row

    row = top
    for n in tree:
        row = walk(n, 0, row)
    return spans, rows


def _titles(section: str, width: int) -> list[Span]:
    """Row 2 (the section's title) and row 3 (the legend); row 1, the report's title, is the agency's own."""
    return [Span(fmt.SECTION_TITLES[section], 2, 1, cols=width, align="left"),
            Span(LEGEND, 3, 1, cols=width, align="left")]


def _section2() -> tuple[list[Span], list[NumberCell], int]:
    name = sheet_name("2")
    width = 1 + max(len(b.columns) for b in fmt.S2_BLOCKS)
    spans, cells, row = _titles("2", width), [], _TOP
    for block in fmt.S2_BLOCKS:
        fill = width - len(block.columns)  # the last column stretches to the table's width
        widths = [1] * (len(block.columns) - 1) + [fill]
        spans.append(Span(block.heading, row, 1, cols=width))
        spans.append(Span(fmt.S2_ROW_HEADER, row + 1, 1))
        starts = [2 + sum(widths[:i]) for i in range(len(widths))]
        spans += [Span(c.label, row + 1, s, cols=w) for c, s, w in zip(block.columns, starts, widths)]
        row += 2
        for r in block.rows:
            spans.append(Span(r.label, row, 1, align="left"))
            for (code, _, c), s, w in zip([x for x in block.cells() if x[1] == r], starts, widths):
                cells.append(NumberCell(("s2", code), name, _ref(row, s), r.label, c.label,
                                        code in fmt.S2_AMOUNT_CELLS, w))
            row += 1
    return spans, cells, width


def _section3() -> tuple[list[Span], list[NumberCell], list[CheckCell], int]:
    name = sheet_name("3")
    label_cols = max(n.depth() for n in fmt.S3_ROW_TREE)
    header, columns = _column_header((Node("applicants", fmt.S3_COLUMN_HEADER, fmt.S3_COLUMN_TREE),),
                                     _TOP, label_cols + 1)
    depth = max(s.row + s.rows for s in header) - _TOP
    labels, rows = _row_labels(fmt.S3_ROW_TREE, _TOP + depth, 1)
    width = label_cols + len(columns)
    spans = [*_titles("3", width), Span(fmt.S3_CORNER, _TOP, 1, rows=depth, cols=label_cols), *header, *labels]
    formulas = _formulas("s3")
    cells = [NumberCell(("s3", r, c), name, _ref(rows[r], columns[c]), fmt.S3_ROW_NAMES[r], fmt.S3_COLUMN_LABELS[c],
                        **formulas.get(("s3", r, c), {}))
             for r in fmt.S3_ROWS for c in fmt.S3_COLUMNS]
    checks, row = [], _TOP + depth + len(rows)
    for eq in (e for e in fmt.EQUATIONS if e.section == "s3" and len(e.lhs) > 1):
        spans.append(Span(fmt.RULES[eq.rule].zh, row, 1, cols=label_cols))
        checks += [CheckCell(name, _ref(row, columns[c]), fmt.S3_COLUMN_LABELS[c], eq.rule,
                             tuple(("s3", r, c) for r in eq.lhs), tuple(("s3", r, c) for r in eq.rhs))
                   for c in fmt.S3_COLUMNS]
        row += 1
    return spans, cells, checks, width


def _section4() -> tuple[list[Span], list[NumberCell], int]:
    name = sheet_name("4")
    header, columns = _column_header(fmt.S4_TREE, _TOP, 1)
    row = max(s.row + s.rows for s in header)
    paths = fmt.leaf_paths(fmt.S4_TREE)
    formulas = _formulas("s4")
    cells = [NumberCell(("s4", c), name, _ref(row, columns[c]), "", "·".join(paths[c]),
                        **formulas.get(("s4", c), {}))
             for c in fmt.S4_CELLS]
    return [*_titles("4", len(columns)), *header], cells, len(columns)


def _formulas(section: str) -> dict[tuple[str, ...], dict]:
    """Cell key -> NumberCell's parts (the keys it sums) and rule, from the equations with one cell on the left
    (the 总计 cells). A cell two equations define (三·（七）总计·总计) keeps the first: with consistent parts both agree."""
    out: dict = {}

    def add(key: tuple[str, ...], parts, rule: str) -> None:
        out.setdefault(key, {"parts": tuple(parts), "rule": rule})

    for eq in (e for e in fmt.EQUATIONS if e.section == section and len(e.lhs) == 1):
        if section == "s4":
            add(("s4", eq.lhs[0]), (("s4", c) for c in eq.rhs), eq.rule)
        elif eq.axis == "row":  # within each row: lhs column = sum of rhs columns
            for r in fmt.S3_ROWS:
                add(("s3", r, eq.lhs[0]), (("s3", r, c) for c in eq.rhs), eq.rule)
        else:  # within each column: lhs row = sum of rhs rows
            for c in fmt.S3_COLUMNS:
                add(("s3", eq.lhs[0], c), (("s3", r, c) for r in eq.rhs), eq.rule)
    return out


@cache
def layout() -> Layout:
    s2_spans, s2_cells, s2_width = _section2()
    s3_spans, s3_cells, checks, s3_width = _section3()
    s4_spans, s4_cells, s4_width = _section4()
    names = [f.name for f in dataclasses.fields(Agency)]
    details = [Span(YEAR_LABEL, 3, 1, align="left")] + [Span(AGENCY_LABELS.get(n, n), 4 + i, 1, align="left")
                                                          for i, n in enumerate(names)]
    narrative = [Span(fmt.SECTION_TITLES[s], 3 + i, 1, align="left") for i, s in enumerate(fmt.NARRATIVE_SECTIONS)]
    legend = Span(LEGEND, 2, 1, cols=2, align="left")
    return Layout(
        spans={DETAILS_SHEET: (legend, *details), sheet_name("2"): tuple(s2_spans), sheet_name("3"): tuple(s3_spans),
               sheet_name("4"): tuple(s4_spans), NARRATIVE_SHEET: (legend, *narrative)},
        widths={DETAILS_SHEET: (24, 60), sheet_name("2"): (18,) + (16,) * (s2_width - 1),
                sheet_name("3"): (20, 16, 44) + (10,) * (s3_width - 3), sheet_name("4"): (9,) * s4_width,
                NARRATIVE_SHEET: (24, 110)},
        numbers={c.key: c for c in (*s2_cells, *s3_cells, *s4_cells)},
        checks=tuple(checks),
        year_ref="B3",
        fields={n: f"B{4 + i}" for i, n in enumerate(names)},
        narrative={s: f"B{3 + i}" for i, s in enumerate(fmt.NARRATIVE_SECTIONS)},
    )


def sum_formula(cells: list[NumberCell]) -> str:
    """SUM over the cells' references, runs of neighbours as ranges (D7:D28)."""
    parts: list[list[str]] = []
    for cell in cells:
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", cell.ref).groups()
        if parts and _next_to(parts[-1][-1], col, int(row)):
            parts[-1].append(cell.ref)
        else:
            parts.append([cell.ref])
    return "SUM(" + ",".join(p[0] if len(p) == 1 else f"{p[0]}:{p[-1]}" for p in parts) + ")"


def _next_to(ref: str, col: str, row: int) -> bool:
    prev_col, prev_row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    return (prev_col == col and int(prev_row) + 1 == row) or (
        int(prev_row) == row and column_index_from_string(prev_col) + 1 == column_index_from_string(col))


def formula(cell: NumberCell) -> str:
    lay = layout()
    return "=" + sum_formula([lay.numbers[k] for k in cell.parts])


def check_formula(check: CheckCell) -> str:
    lay = layout()
    lhs = sum_formula([lay.numbers[k] for k in check.lhs])
    rhs = sum_formula([lay.numbers[k] for k in check.rhs])
    return f'=IF({lhs}={rhs},"{CHECK_OK}","{CHECK_BAD}")'


# ---------------------------------------------------------------- the template
def workbook(agency: Agency, year: int, current: AgencyData | None = None,
             carried: dict[str, int] | None = None) -> Workbook:
    """The fill-in workbook of one agency and year. current: its numbers and text to write in (--prefill);
    carried: last year's 四、结转下年度继续办理 by column, written into 二、上年结转 and marked (rule 6)."""
    lay = layout()
    wb = Workbook()
    wb.remove(wb.active)
    title = narrative.title(agency, year)
    for name, spans in lay.spans.items():
        ws = wb.create_sheet(name)
        _labels(ws, [Span(title, 1, 1, cols=len(lay.widths[name]), align="left"), *spans], lay.widths[name])
        for i, width in enumerate(lay.widths[name], 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.protection.sheet = True  # no password: a user who must can unprotect it
        ws.protection.formatColumns = ws.protection.formatRows = False
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws = wb[DETAILS_SHEET]
    _locked(ws[lay.year_ref], year)
    for field, ref in lay.fields.items():
        value = getattr(agency, field)
        if field == "id":
            _locked(ws[ref], value)
        else:
            _input(ws[ref], YES if value is True else NO if value is False else value or None, text=True)
    _choices(ws, lay.fields["level"], fmt.LEVELS)
    for field in (f.name for f in dataclasses.fields(Agency) if f.type in ("bool", bool)):
        _choices(ws, lay.fields[field], (YES, NO))
    _numbers(wb, lay, current, carried, year)
    ws = wb[NARRATIVE_SHEET]
    for section, ref in lay.narrative.items():
        _input(ws[ref], current.narrative[section] or None if current else None, text=True)
        ws.row_dimensions[ws[ref].row].height = 300
    meta = wb.create_sheet(META_SHEET)
    for row, (key, value) in enumerate((("template", MARKER), ("format", lay.digest), ("year", year),
                                        ("agency", agency.id)), 1):
        meta.cell(row, 1, key)
        meta.cell(row, 2, value)
    meta.sheet_state = "hidden"
    return wb


def _labels(ws, spans, widths: tuple[int, ...]) -> None:
    for span in spans:
        cell = ws.cell(span.row, span.col, span.text)
        cell.alignment = Alignment(horizontal=span.align, vertical="center", wrap_text=True)
        if span.row == 1:
            cell.font = Font(bold=True, size=14)
        lines = -(-len(span.text) * 2 // sum(widths[span.col - 1:span.col - 1 + span.cols]))  # a CJK char: 2 units
        if lines > 1 and span.rows == 1:  # wrapped text needs a taller row (no spreadsheet grows it on opening)
            ws.row_dimensions[span.row].height = max(ws.row_dimensions[span.row].height or 0, 15 * lines)
        if span.row >= (3 if ws.title in (DETAILS_SHEET, NARRATIVE_SHEET) else _TOP):  # table cells
            for r in range(span.row, span.row + span.rows):
                for c in range(span.col, span.col + span.cols):
                    ws.cell(r, c).border = _BORDER
        if span.rows > 1 or span.cols > 1:
            ws.merge_cells(start_row=span.row, start_column=span.col, end_row=span.row + span.rows - 1,
                           end_column=span.col + span.cols - 1)


def _locked(cell, value) -> None:
    cell.value = value
    cell.fill = FORMULA_FILL
    cell.border = _BORDER
    cell.number_format = "General" if str(value).startswith("=") else "@" if isinstance(value, str) else "0"


def _input(cell, value, text: bool = False) -> None:
    cell.value = value
    cell.fill = INPUT_FILL
    cell.border = _BORDER
    cell.protection = Protection(locked=False)
    if text:  # postcodes and phone numbers keep their leading zeros
        cell.number_format = "@"
        cell.alignment = Alignment(vertical="top", wrap_text=True)


def _choices(ws, ref: str, values) -> None:
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', showErrorMessage=True)
    ws.add_data_validation(dv)
    dv.add(ref)


def _numbers(wb: Workbook, lay: Layout, current: AgencyData | None, carried: dict[str, int] | None,
             year: int) -> None:
    counts, amounts = {}, {}
    for cell in lay.numbers.values():
        ws = wb[cell.sheet]
        target = ws[cell.ref]
        if cell.parts:
            _locked(target, formula(cell))
        else:
            value = current.cells[cell.key] if current else 0
            prefilled = carried is not None and cell.key[0] == "s3" and cell.key[1] == "2"
            if prefilled and not current:
                value = carried[cell.key[2]]
            _input(target, float(value) if cell.amount else int(value))
            target.number_format = "0.00####" if cell.amount else "0"
            if prefilled:
                target.fill = PREFILLED_FILL
                target.comment = Comment(PREFILLED_NOTE.format(year=year - 1, label=fmt.S3_ROW_LABELS["4"],
                                                               rule=fmt.RULES["R6"].zh), "govreport")
            (amounts if cell.amount else counts).setdefault(cell.sheet, []).append(cell)
        target.alignment = Alignment(horizontal="right", vertical="center")
        if cell.cols > 1:
            ws.merge_cells(start_row=target.row, start_column=target.column, end_row=target.row,
                           end_column=target.column + cell.cols - 1)
    for sheet, cells in counts.items():
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", showErrorMessage=True,
                            error=COUNT_ERROR)
        wb[sheet].add_data_validation(dv)
        for cell in cells:
            dv.add(cell.ref)
    for sheet, cells in amounts.items():
        for cell in cells:
            dv = DataValidation(type="custom", showErrorMessage=True, error=AMOUNT_ERROR,
                                formula1=f"AND(ISNUMBER({cell.ref}),{cell.ref}>=0,ROUND({cell.ref},6)={cell.ref})")
            wb[sheet].add_data_validation(dv)
            dv.add(cell.ref)
    for check in lay.checks:
        ws = wb[check.sheet]
        _locked(ws[check.ref], check_formula(check))
        ws[check.ref].alignment = Alignment(horizontal="center", vertical="center")
        ws.conditional_formatting.add(check.ref, FormulaRule(formula=[f'{check.ref}<>"{CHECK_OK}"'],
                                                             fill=BAD_FILL, font=Font(color="9C0006", bold=True)))


def workbook_bytes(wb: Workbook, year: int) -> bytes:
    """The saved workbook, dated 1 January after its year (when collection starts), not the clock: the same
    agency, year and numbers give the same bytes."""
    out = io.BytesIO()
    wb.save(out)
    return ooxml.fixed(out.getvalue(), datetime(year + 1, 1, 1))


def file_name(agency: Agency, year: int) -> str:
    """The workbook's file name: the agency's short name and the year (characters a file system refuses, _)."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", f"{agency.name}-{year}") + ".xlsx"


def make_templates(data_dir: Path, year: int, out: Path, agencies: list[str] | None = None,
                   prefill: bool = False) -> list[Path]:
    """Write one workbook per agency into `out`; the agencies (and their details) are the year's, else the
    previous year's. prefill: the year's numbers and text too (data/<year>/ must exist)."""
    data_dir = Path(data_dir)
    this = load_year(data_dir, year, tolerant=True) if (data_dir / str(year)).is_dir() else None
    prev = load_previous(data_dir, year, tolerant=True)
    if prefill and this is None:
        raise DataError(data_dir / str(year), f"--prefill: no data for {year} to write in")
    source = this or prev
    if source is None:
        raise DataError(data_dir / str(year), f"no agencies known for {year}: neither {year} nor {year - 1} "
                                              f"has a folder in {data_dir}")
    chosen = agencies or list(source.agencies)
    unknown = [a for a in chosen if a not in source.agencies]
    if unknown:
        raise DataError(source.path / "agencies.csv", f"unknown agency: {', '.join(unknown)}")
    names = [file_name(source.agencies[a], year) for a in chosen]
    if len(set(names)) < len(names):
        names = [n.removesuffix(".xlsx") + f"-{a}.xlsx" for n, a in zip(names, chosen)]
    written = []
    for aid, name in zip(chosen, names):
        current = this.agency(aid) if prefill else None
        carried = None
        if prev is not None and aid in prev.agencies and aid not in prev.invalid:
            row = prev.agency(aid).s3.loc["4"]
            carried = {c: int(row[c]) for c in fmt.S3_COLUMNS}
        path = Path(out) / name
        write_atomic_bytes(path, workbook_bytes(workbook(source.agencies[aid], year, current, carried), year))
        written.append(path)
    return written


# ---------------------------------------------------------------- the command
def cmd_template(args) -> int:
    root = project_root()
    args.data, args.out = args.data or root / "data", args.out or root / "templates"
    paths = make_templates(args.data, args.year, args.out, args.agency, args.prefill)
    for path in paths:
        print(path)
    print(f"{len(paths)} workbooks for {args.year} in {args.out}")
    return 0


def add_parser(sub) -> None:
    """Register `govreport template`."""
    p = sub.add_parser("template", help="write a fill-in workbook (.xlsx) per agency",
                       description="One workbook per agency in the official layout, to send out and get back with "
                                   "`govreport ingest`. Agencies and their details come from <data>/<year>/, else "
                                   "from the year before; 二、上年结转 is pre-filled from the year before (rule R6).")
    p.add_argument("--year", type=int, required=True, help="the year to report on")
    p.add_argument("--agency", action="append", help="only this agency (repeatable; default: all)")
    p.add_argument("--out", type=Path, help="output directory (default: the project's templates)")
    p.add_argument("--data", type=Path, help="data directory holding <year>/ (default: the project's data)")
    p.add_argument("--prefill", action="store_true", help="write the year's numbers and text in too (corrections)")
    p.set_defaults(func=cmd_template)
