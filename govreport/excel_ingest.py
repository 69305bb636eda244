"""`govreport ingest`: filled workbooks back into data/<year>/, with every problem of every file listed at once.

Cells are read through excel.layout(), the same layout the template was written with. Formula cells are never
read for their value (openpyxl stores none, and a spreadsheet's cached value could be stale): totals are
recomputed from the input cells, and a formula cell overwritten with a number is accepted only where it
equals that sum. Nothing is written unless every file is valid (or, with `partial`, the valid ones), in one
atomic write through datastore.write_year.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from . import datastore, excel
from . import format as fmt
from .dataset import _R1, _SAFE_ID, Agency, AgencyData, DataError, _value, load_year, value_problem
from .project import project_root
from .terminal import safe

OLD_FORMATS = (".xls", ".xlt", ".et", ".ett")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the container of .xls and .et files
SAVE_AS = ("open it in Excel or WPS and save it as an Excel workbook: 文件 → 另存为 → “Excel 工作簿 (*.xlsx)”, "
           "then ingest the .xlsx file")


@dataclass
class IngestResult:
    agencies: list[AgencyData]  # read without a problem
    problems: list[DataError]  # every problem of every file
    written: datastore.WriteResult | None = None  # None: nothing written


def ingest(files: list[Path], year: int, data_dir: Path, *, partial: bool = False,
           replace: bool = False) -> IngestResult:
    """Read every workbook, then write the valid agencies into data_dir/<year>/ when all are valid (or
    `partial`). An agency that already has data for the year is a problem unless `replace`."""
    data_dir = Path(data_dir)
    existing, previous = _agencies(data_dir, year), _agencies(data_dir, year - 1)
    known = None if existing is None and previous is None else {*(existing or ()), *(previous or ())}
    seen: dict[str, Path] = {}
    good: list[AgencyData] = []
    problems: list[DataError] = []
    for path in map(Path, files):
        data, found = read_workbook(path, year, known)
        if data is not None:
            found += _clashes(path, data.agency.id, seen, existing or (), replace, data_dir / str(year))
            seen.setdefault(data.agency.id, path)
        problems += found
        if data is not None and not found:
            good.append(data)
    order = {aid: i for i, aid in enumerate(previous or ())}  # new agencies follow last year's agencies.csv
    agencies = sorted(good, key=lambda a: order.get(a.agency.id, len(order)))
    if (problems and not partial) or not agencies:
        return IngestResult(agencies, problems)
    return IngestResult(agencies, problems, datastore.write_year(data_dir, year, agencies, replace=replace))


def _agencies(data_dir: Path, year: int) -> list[str] | None:
    return list(load_year(data_dir, year, tolerant=True).agencies) if (data_dir / str(year)).is_dir() else None


def _clashes(path: Path, aid: str, seen: dict[str, Path], existing, replace: bool, target: Path) -> list[DataError]:
    where = f"{path}!{excel.DETAILS_SHEET}!{excel.layout().fields['id']}"
    if aid in seen:
        return [DataError(where, f"the same agency as {seen[aid]}", agency=aid)]
    if aid in existing and not replace:
        return [DataError(where, f"already has data for {target.name} in {target} (--replace overwrites it and "
                                 "keeps the previous data as a backup)", agency=aid)]
    return []


# ---------------------------------------------------------------- one workbook
def read_workbook(path: Path, year: int, known: set[str] | None = None) -> tuple[AgencyData | None, list[DataError]]:
    """One filled workbook: its agency's data, or None, and every problem found (each naming file!sheet!cell)."""
    wb, problem = _open(Path(path))
    if problem:
        return None, [DataError(path, problem)]
    lay = excel.layout()
    meta = _meta(wb)
    if meta.get("template") != excel.MARKER:
        return None, [DataError(path, f"not a govreport fill-in workbook (no hidden sheet {excel.META_SHEET!r} with "
                                      f"its marker): make one with `govreport template --year {year}`")]
    if meta.get("format") != lay.digest:
        return None, [DataError(path, f"a template of another format (made for {meta.get('year')}, layout "
                                      f"{meta.get('format')}; this govreport reads layout {lay.digest}): make a "
                                      f"new one with `govreport template --year {year}` and copy the numbers over")]
    reader = _Reader(path, wb)
    if reader.labels_moved():
        return None, reader.problems
    aid = reader.agency_id(year, known)
    numbers = reader.numbers()
    agency = reader.details(aid)
    narrative = {s: reader.text(excel.NARRATIVE_SHEET, ref) for s, ref in lay.narrative.items()}
    if reader.problems:
        return None, reader.problems
    s2 = pd.Series([numbers["s2", c] for c in fmt.S2_CELLS], index=list(fmt.S2_CELLS), dtype=object, name=aid)
    s3 = pd.DataFrame([[numbers["s3", r, c] for c in fmt.S3_COLUMNS] for r in fmt.S3_ROWS],
                      index=pd.Index(fmt.S3_ROWS, name="row"), columns=list(fmt.S3_COLUMNS), dtype="int64")
    s4 = pd.Series([numbers["s4", c] for c in fmt.S4_CELLS], index=list(fmt.S4_CELLS), dtype="int64", name=aid)
    return AgencyData(year, agency, s2, s3, s4, narrative), []


def _open(path: Path):
    """(the workbook, None) or (None, the problem)."""
    if not path.is_file():
        return None, "a folder, not a workbook" if path.is_dir() else "no such file"
    with path.open("rb") as f:
        head = f.read(4)
    if path.suffix.lower() in OLD_FORMATS or head == _OLE_MAGIC:
        return None, f"an old-format spreadsheet ({path.suffix or 'Excel 97-2003 / WPS'}), which govreport " \
                     f"cannot read: {SAVE_AS}"
    try:
        return load_workbook(path), None
    except Exception as err:  # openpyxl raises many kinds on a file that is not a workbook; each is this file's
        return None, f"not an Excel workbook (.xlsx) ({type(err).__name__}: {err})"


def _meta(wb) -> dict[str, object]:
    if excel.META_SHEET not in wb.sheetnames:
        return {}
    return {str(k): v for k, v in wb[excel.META_SHEET].iter_rows(max_col=2, values_only=True) if k is not None}


@dataclass
class _Reader:
    path: Path
    wb: object
    agency: str | None = None
    problems: list[DataError] = field(default_factory=list)

    def problem(self, sheet: str, ref: str, text: str, row: str | None = None, column: str | None = None) -> None:
        self.problems.append(DataError(f"{self.path}!{sheet}!{ref}", text, agency=self.agency, row=row,
                                       column=column))

    def labels_moved(self) -> bool:
        """Every label where the layout puts it (else rows or columns were inserted, moved or edited)."""
        for sheet, spans in excel.layout().spans.items():
            if sheet not in self.wb.sheetnames:
                self.problems.append(DataError(f"{self.path}!{sheet}", "the sheet is missing"))
                continue
            ws = self.wb[sheet]
            for span in spans:
                found = ws.cell(span.row, span.col).value
                if _clean(found) != span.text:
                    self.problem(sheet, ws.cell(span.row, span.col).coordinate,
                                 f"expected the label {span.text!r}, found {found!r}: rows or columns were inserted, "
                                 "moved or edited; copy the numbers into a new template")
                    break
        return bool(self.problems)

    def agency_id(self, year: int, known: set[str] | None) -> str:
        """The agency code and the year of the details sheet (the agency names every later problem)."""
        lay, ws = excel.layout(), self.wb[excel.DETAILS_SHEET]
        aid = _clean(ws[lay.fields["id"]].value)
        if not _SAFE_ID.fullmatch(aid) or (known is not None and aid not in known):
            self.problem(excel.DETAILS_SHEET, lay.fields["id"], f"unknown agency {aid!r}: not in agencies.csv of "
                         f"{year} or {year - 1}" if aid else "empty agency code")
        else:
            self.agency = aid
        found = ws[lay.year_ref].value
        if str(found).strip() != str(year):
            self.problem(excel.DETAILS_SHEET, lay.year_ref, f"the workbook is for {found}, not {year}: ingest it with "
                         f"--year {found}, or fill in a template of {year}")
        return aid

    def numbers(self) -> dict[tuple[str, ...], int | float | None]:
        """Every cell's number: inputs as typed, totals recomputed from them (None where a problem)."""
        lay = excel.layout()
        values: dict[tuple[str, ...], int | float | None] = {}
        for cell in lay.numbers.values():
            if not cell.parts:
                values[cell.key] = self._input(cell)
        for cell in lay.numbers.values():
            if cell.parts:
                self._total(cell, values)
        for check in lay.checks:
            lhs, rhs = (_sum(values, keys) for keys in (check.lhs, check.rhs))
            if lhs is not None and rhs is not None and lhs != rhs:
                self.problem(check.sheet, check.ref, f"the check line fails: {_names(check.lhs)} = {lhs}, "
                             f"{_names(check.rhs)} = {rhs} (rule {check.rule}: {fmt.RULES[check.rule].zh})",
                             column=check.column_label)
        return values

    def _input(self, cell: excel.NumberCell) -> int | float | None:
        raw = self.wb[cell.sheet][cell.ref].value
        value = _number(raw, cell.amount)
        if isinstance(value, str):
            self.problem(cell.sheet, cell.ref, value, cell.row_label or None, cell.column_label)
            return None
        return value

    def _total(self, cell: excel.NumberCell, values: dict) -> int | None:
        """A formula cell's value: the sum of its parts; its content must be the template's formula or that sum."""
        if cell.key in values:
            return values[cell.key]
        parts = [self._total(excel.layout().numbers[k], values) if excel.layout().numbers[k].parts else values[k]
                 for k in cell.parts]
        total = None if None in parts else sum(parts)
        values[cell.key] = total
        raw = self.wb[cell.sheet][cell.ref].value
        expected = excel.formula(cell)
        where = (cell.sheet, cell.ref)
        if isinstance(raw, str) and raw.startswith("="):
            if _formula_text(raw) != _formula_text(expected):
                self.problem(*where, f"the formula was changed to {raw}; the template's is {expected}",
                             cell.row_label or None, cell.column_label)
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            if total is not None and raw != total:
                self.problem(*where, f"a formula cell overwritten with {raw:g}, but its parts sum to {total} "
                             f"(rule {cell.rule}: {fmt.RULES[cell.rule].zh})", cell.row_label or None,
                             cell.column_label)
        else:
            self.problem(*where, f"the formula was replaced by {raw!r}; it must be {expected}",
                         cell.row_label or None, cell.column_label)
        return total

    def details(self, aid: str) -> Agency:
        lay, ws = excel.layout(), self.wb[excel.DETAILS_SHEET]
        values: dict[str, object] = {"id": aid}
        for f in dataclasses.fields(Agency):
            if f.name == "id":
                continue
            ref = lay.fields[f.name]
            label = excel.AGENCY_LABELS.get(f.name, f.name)
            text = _clean(ws[ref].value)
            values[f.name] = text
            if f.name in ("name", "full_name") and not text:
                self.problem(excel.DETAILS_SHEET, ref, "empty cell", row=label)
            elif f.name == "level" and text not in fmt.LEVELS:
                self.problem(excel.DETAILS_SHEET, ref, f"unknown level {text!r} (expected one of: "
                             f"{'、'.join(fmt.LEVELS)})", row=label)
            elif f.type in ("bool", bool):
                if text not in (excel.YES, excel.NO):
                    self.problem(excel.DETAILS_SHEET, ref, f"write {excel.YES} or {excel.NO}, not {text!r}", row=label)
                values[f.name] = text == excel.YES
        return Agency(**values)

    def text(self, sheet: str, ref: str) -> str:
        raw = self.wb[sheet][ref].value
        return "" if raw is None else str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()


def _clean(value) -> str:
    """A text cell's content: a number typed without the text format (751999.0) back to its digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _number(raw, amount: bool) -> int | float | str:
    """The number in an input cell, or (a str) what is wrong with it."""
    if isinstance(raw, str):
        if raw.startswith("="):
            return f"a formula ({raw}) in an input cell: type the number itself"
        value = _value(raw.strip(), amount)  # text such as "12" or "１,２００", as the CSV loader reads it
    elif isinstance(raw, bool) or not isinstance(raw, (int, float)):
        value = _value("" if raw is None else str(raw), amount)
    else:
        problem = value_problem(raw, amount)
        value = f"{problem} ({_R1})" if problem else raw
    if isinstance(value, str):
        return value
    if amount and round(value, 6) != value:
        return f"{value!r} has more than six decimals ({_R1})"
    return float(value) if amount else int(value)


def _sum(values: dict, keys) -> int | None:
    parts = [values[k] for k in keys]
    return None if None in parts else sum(parts)


def _names(keys) -> str:
    """一 + 二, （七）总计 + 四: the rows of a section 三 equation, short."""
    return " + ".join(fmt.S3_ROW_NAMES[k[1]].split("、")[0] for k in keys)


def _formula_text(text: str) -> str:
    """A formula as compared: spreadsheets may change case, spaces and $ signs when they save."""
    return re.sub(r"[\s$]", "", text).upper()


# ---------------------------------------------------------------- the command
def cmd_ingest(args) -> int:
    args.data = args.data or project_root() / "data"
    result = ingest(args.files, args.year, args.data, partial=args.partial, replace=args.replace)
    for problem in result.problems:
        print(safe(f"error: {problem}"))
    bad = len({str(p.file).split("!")[0] for p in result.problems})
    if result.written is None:
        print(f"{bad} of {len(args.files)} workbooks have problems: nothing written" if bad else "nothing to write")
        return 1
    w = result.written
    print(f"{w.path}: {len(w.added)} agencies added, {len(w.replaced)} replaced"
          + (f" (the previous data is in {w.backup})" if w.backup else "")
          + (f"; {bad} workbooks with problems left out" if bad else ""))
    print(f"next: govreport check --year {args.year} --data {args.data}")
    return 1 if bad else 0


def add_parser(sub) -> None:
    """Register `govreport ingest`."""
    p = sub.add_parser("ingest", help="read filled-in workbooks (govreport template) into data/<year>/",
                       description="Check every workbook and list every problem (file!sheet!cell, row, column, what "
                                   "is wrong). Nothing is written unless all are valid (or --partial); an agency "
                                   "that already has data for the year needs --replace, which keeps the previous "
                                   "data in <data>/.backup/. The write is atomic. Exit status 1 on any problem.")
    p.add_argument("files", nargs="+", type=Path, help="filled-in .xlsx workbooks")
    p.add_argument("--year", type=int, required=True, help="the year the workbooks report on")
    p.add_argument("--data", type=Path, help="data directory holding <year>/ (default: the project's data)")
    p.add_argument("--partial", action="store_true", help="write the valid workbooks even if others have problems")
    p.add_argument("--replace", action="store_true",
                   help="overwrite agencies that already have data for the year (the old data is backed up)")
    p.set_defaults(func=cmd_ingest)
