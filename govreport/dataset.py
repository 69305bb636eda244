"""A year's data for all agencies: the typed model, and (below) its loader from data/<year>/."""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import format as fmt
from .checks import value_problem


class DataError(ValueError):
    """Bad input: names the file, agency, row, column and the problem."""

    def __init__(self, file, problem: str, agency: str | None = None,
                 row: str | None = None, column: str | None = None):
        self.file, self.problem, self.agency, self.row, self.column = str(file), problem, agency, row, column
        where = [f"agency {agency}" if agency else "", f"row {row}" if row else "",
                 f"column {column}" if column else ""]
        super().__init__(f"{self.file}: " + ", ".join([w for w in where if w] + [problem]))


@dataclass(frozen=True)
class Agency:
    id: str
    name: str  # short name used in the title, e.g. 红寺堡区人民政府办公室
    full_name: str  # e.g. 吴忠市红寺堡区人民政府办公室
    level: str  # one of format.LEVELS
    website_name: str
    website_url: str
    address: str
    postcode: str
    phone: str
    fax: str
    email: str


@dataclass
class AgencyData:
    """One agency, one year."""

    year: int
    agency: Agency
    s2: pd.Series  # index format.S2_CELLS; counts int, fees_amount float (万元)
    s3: pd.DataFrame  # index format.S3_ROWS (25, in order), columns format.S3_COLUMNS; int
    s4: pd.Series  # index format.S4_CELLS (15); int
    narrative: dict[str, str]  # keys format.NARRATIVE_SECTIONS ("1", "5", "6"): paragraphs split by blank lines

    @cached_property
    def cells(self) -> dict[tuple[str, ...], object]:
        """Every cell's value by reference: ("s2", code), ("s3", row, column), ("s4", code)."""
        out: dict[tuple[str, ...], object] = {("s2", k): v for k, v in self.s2.items()}
        rows, columns = list(self.s3.index), list(self.s3.columns)
        out.update({("s3", r, c): v for r, values in zip(rows, self.s3.to_numpy().tolist())
                    for c, v in zip(columns, values)})
        out.update({("s4", k): v for k, v in self.s4.items()})
        return out


@dataclass
class YearData:
    """All agencies of one year, as loaded from data/<year>/."""

    year: int
    path: Path
    agencies: dict[str, Agency]  # in file order
    s2: pd.DataFrame  # index agency id, columns format.S2_CELLS
    s3: pd.DataFrame  # index (agency id, row code), columns format.S3_COLUMNS
    s4: pd.DataFrame  # index agency id, columns format.S4_CELLS
    narrative: dict[str, dict[str, str]]
    files: dict[str, str] = field(default_factory=dict)  # path relative to path -> sha256 of its bytes
    invalid: dict[str, DataError] = field(default_factory=dict)  # agencies whose own data is bad (tolerant load)

    def agency(self, agency_id: str) -> AgencyData:
        """One agency's data; raises KeyError for an unknown agency, its DataError for one with bad data."""
        if agency_id not in self.agencies:
            raise KeyError(f"no agency {agency_id!r} in {self.path} (known: {', '.join(self.agencies)})")
        if agency_id in self.invalid:
            raise self.invalid[agency_id]
        # astype(object) first: a row of int and float columns would otherwise turn every count into a float
        return AgencyData(self.year, self.agencies[agency_id], self.s2.loc[[agency_id]].astype(object).iloc[0],
                          self._s3_parts[agency_id], self.s4.loc[agency_id], self.narrative[agency_id])

    @cached_property
    def _s3_parts(self) -> dict[str, pd.DataFrame]:
        """Each agency's 25 × 7 section 三, split once (a MultiIndex lookup per agency is slow for many)."""
        return {aid: part.droplevel(0) for aid, part in self.s3.groupby(level=0, sort=False)}


# ---------------------------------------------------------------- loader: data/<year>/
AGENCY_COLUMNS = ("agency_id", "name", "full_name", "level", "website_name", "website_url",
                  "address", "postcode", "phone", "fax", "email")
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)")  # Excel may write 1,234
_R1 = f"rule R1: {fmt.RULES['R1'].zh}"
_PLAIN_COUNT = r"[0-9]{1,15}"  # cells that need no care: plain digits, well within int64
_PLAIN_AMOUNT = r"[0-9]{1,15}(\.[0-9]{1,6})?"


def load_year(data_dir: str | Path, year: int, tolerant: bool = False, only: str | None = None) -> YearData:
    """Read and type-check data_dir/<year>/ (agencies, sections 二 三 四, narratives); raise DataError if bad.

    tolerant: a problem in one agency's own rows, cells or narrative does not fail the year: that agency's
    first DataError goes to YearData.invalid (its numbers read as 0) and the others load. Problems of a
    whole file (missing, undecodable, a missing column, an unknown agency) still raise.
    only: load just this agency's rows and narrative (every file is still read, its columns checked, the
    other agencies' rows skipped); a report reads only its own agency."""
    base = Path(data_dir) / str(year)
    if not base.is_dir():
        raise DataError(base, f"no data for {year}: the directory does not exist")
    files: dict[str, str] = {}
    invalid: dict[str, DataError] = {}
    agencies = _agencies(_read_csv(base, "agencies.csv", AGENCY_COLUMNS, files), base / "agencies.csv",
                         _Faults(tolerant, invalid))
    faults = _Faults(tolerant, invalid, agencies)
    chosen = {only: agencies[only]} if only in agencies else {} if only else agencies
    s2 = _one_row_each(base, "section2.csv", fmt.S2_CELLS, agencies, chosen, files, faults)
    s3 = _section3(base, agencies, chosen, files, faults)
    s4 = _one_row_each(base, "section4.csv", fmt.S4_CELLS, agencies, chosen, files, faults)
    narrative = _narratives(base, agencies, chosen, files, faults)
    return YearData(year, base, chosen, s2, s3, s4, narrative, files, {k: invalid[k] for k in chosen if k in invalid})


def load_previous(data_dir: str | Path, year: int, tolerant: bool = False, only: str | None = None) -> YearData | None:
    """The data of year−1 (for the rules across years), or None if data_dir/<year−1>/ does not exist."""
    return load_year(data_dir, year - 1, tolerant, only) if (Path(data_dir) / str(year - 1)).is_dir() else None


@dataclass
class _Faults:
    """Where a DataError goes: raised, or (tolerant, for a known agency) kept as that agency's first error."""

    tolerant: bool
    invalid: dict[str, DataError]
    agencies: dict[str, Agency] = field(default_factory=dict)

    def __call__(self, err: DataError) -> None:
        if not (self.tolerant and err.agency in self.agencies):
            raise err
        self.invalid.setdefault(err.agency, err)


def _read_text(base: Path, name: str, files: dict[str, str]) -> str:
    """The decoded text of base/name (UTF-8 with or without BOM, else GBK); records its sha256 in `files`."""
    path = base / name
    if not path.is_file():
        raise DataError(path, "missing file")
    raw = path.read_bytes()
    files[name] = hashlib.sha256(raw).hexdigest()
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise DataError(path, "cannot decode the file: it is neither UTF-8 nor GBK")


def _read_csv(base: Path, name: str, columns: tuple[str, ...], files: dict[str, str],
              keep: dict[str, Agency] | None = None) -> pd.DataFrame:
    """A CSV file as stripped strings with exactly `columns` (in that order); only the rows of the agencies
    in `keep`, if given (a single-agency load skips the others' rows: a build's parent checks them all)."""
    path = base / name
    try:
        frame = pd.read_csv(io.StringIO(_read_text(base, name, files)), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError(path, f"not a readable CSV table ({str(err).strip()})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in columns:
        if column not in frame.columns:
            raise DataError(path, "missing column", column=column)
    for column in frame.columns:
        if column not in columns:
            raise DataError(path, f"unknown column (expected: {', '.join(columns)})", column=column)
    frame = frame[list(columns)]
    if keep is not None:
        frame = frame[frame["agency_id"].str.strip().isin(list(keep))]
    return frame.apply(lambda s: s.str.strip())


def _agencies(frame: pd.DataFrame, path: Path, fault: _Faults) -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for line, record in enumerate(frame.to_dict("records"), start=2):
        aid = record["agency_id"]
        if not _SAFE_ID.fullmatch(aid):
            raise DataError(path, f"line {line}: unsafe agency id {aid!r} "
                                  "(use letters, digits, - and _, starting with a letter or digit)")
        if aid in agencies:
            raise DataError(path, f"line {line}: duplicate agency id", agency=aid)
        agencies[aid] = Agency(id=aid, **{k: v for k, v in record.items() if k != "agency_id"})
        fault.agencies = agencies
        if record["level"] not in fmt.LEVELS:
            fault(DataError(path, f"unknown level {record['level']!r} (expected one of: {'、'.join(fmt.LEVELS)})",
                            agency=aid, column="level"))
        for column in ("name", "full_name"):
            if not record[column]:
                fault(DataError(path, "empty cell", agency=aid, column=column))
    if not agencies:
        raise DataError(path, "no agency listed")
    return agencies


def _check_agency(aid: str, agencies: dict[str, Agency], path: Path) -> None:
    if aid not in agencies:
        raise DataError(path, "not in agencies.csv" if aid else "empty agency_id", agency=aid)


def _one_row_each(base: Path, name: str, cells: tuple[str, ...], agencies: dict[str, Agency],
                  chosen: dict[str, Agency], files: dict[str, str], fault: _Faults) -> pd.DataFrame:
    """Section 二 or 四: one row of numbers per agency, indexed by agency id in agencies.csv order."""
    path = base / name
    frame = _read_csv(base, name, ("agency_id", *cells), files, None if chosen is agencies else chosen)
    seen: set[str] = set()
    for aid in frame["agency_id"]:
        _check_agency(aid, agencies, path)
        if aid in seen:
            fault(DataError(path, "duplicate row for this agency", agency=aid))
        seen.add(aid)
    for aid in chosen:
        if aid not in seen:
            fault(DataError(path, "no numbers for this agency (it is listed in agencies.csv)", agency=aid))
    frame = frame.drop_duplicates("agency_id").set_index("agency_id").reindex(list(chosen), fill_value="0")
    return _numbers(frame, path, lambda aid: (aid, None), fault)


def _section3(base: Path, agencies: dict[str, Agency], chosen: dict[str, Agency], files: dict[str, str],
              fault: _Faults) -> pd.DataFrame:
    """Section 三: 25 rows per agency, indexed by (agency id, row code) in agencies.csv and format order."""
    path = base / "section3.csv"
    frame = _read_csv(base, "section3.csv", ("agency_id", "row", *fmt.S3_COLUMNS), files,
                      None if chosen is agencies else chosen)
    seen: dict[str, set[str]] = {aid: set() for aid in agencies}
    for aid, row in zip(frame["agency_id"], frame["row"]):
        _check_agency(aid, agencies, path)
        if row not in fmt.S3_ROWS:
            fault(DataError(path, f"unknown row code {row!r} (expected: {', '.join(fmt.S3_ROWS)})",
                            agency=aid, row=row))
        if row in seen[aid]:
            fault(DataError(path, "duplicate row for this agency", agency=aid, row=row))
        seen[aid].add(row)
    for aid, rows in ((aid, seen[aid]) for aid in chosen):
        if not rows:
            fault(DataError(path, "no numbers for this agency (it is listed in agencies.csv)", agency=aid))
            continue
        missing = [r for r in fmt.S3_ROWS if r not in rows]
        if missing:
            fault(DataError(path, f"missing row(s) {', '.join(missing)}", agency=aid, row=missing[0]))
    order = pd.MultiIndex.from_product([list(chosen), fmt.S3_ROWS], names=["agency_id", "row"])
    frame = frame.drop_duplicates(["agency_id", "row"]).set_index(["agency_id", "row"])
    return _numbers(frame.reindex(order, fill_value="0"), path, lambda key: key, fault)


def _numbers(frame: pd.DataFrame, path: Path, where, fault: _Faults) -> pd.DataFrame:
    """Convert every cell to int64 (float64 for amounts); `where(index key)` -> (agency, row) for errors."""
    out = {}
    for column in frame.columns:
        amount = column in fmt.S2_AMOUNT_CELLS
        plain = _PLAIN_AMOUNT if amount else _PLAIN_COUNT
        if frame[column].str.fullmatch(plain).all():  # the usual case, at C speed; else cell by cell, below
            out[column] = frame[column].astype("float64" if amount else "int64")
            continue
        values = []
        for key, text in frame[column].items():
            value = _value(text, amount)
            if isinstance(value, str):
                agency, row = where(key)
                fault(DataError(path, value, agency=agency, row=row, column=column))
                value = 0
            values.append(value)
        out[column] = pd.Series(values, index=frame.index, dtype="float64" if amount else "int64")
    return pd.DataFrame(out)


def _value(text: str, amount: bool) -> int | float | str:
    """The number written in a cell, or (a str) the problem if it breaks rule R1."""
    normal = unicodedata.normalize("NFKC", text)  # full-width digits, as a Chinese input method types them
    if normal in ("", "/"):
        return f"empty cell; write 0 ({_R1})"
    if _NUMBER.fullmatch(normal):
        plain = normal.replace(",", "")
        value = float(plain) if amount or "." in plain else int(plain)
        if abs(value) >= 2 ** 53:  # beyond any real figure, and beyond what int64/float64 hold exactly
            return f"{text!r} is too large"
    else:
        value = text
    problem = value_problem(value, amount)
    if problem:
        return f"{problem} ({_R1})"
    return float(value) if amount else int(value)


def _narratives(base: Path, agencies: dict[str, Agency], chosen: dict[str, Agency], files: dict[str, str],
                fault: _Faults) -> dict[str, dict[str, str]]:
    """narrative/<agency id>/s1.md, s5.md, s6.md for each agency; no folder for an unknown agency."""
    folder = base / "narrative"
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.is_dir() and not entry.name.startswith(".") and entry.name not in agencies:
                raise DataError(entry, "narrative folder of an agency not in agencies.csv", agency=entry.name)
    texts: dict[str, dict[str, str]] = {}
    for aid in chosen:
        texts[aid] = {}
        for s in fmt.NARRATIVE_SECTIONS:
            try:
                texts[aid][s] = _read_text(base, f"narrative/{aid}/s{s}.md", files).replace("\r\n", "\n").strip()
                continue
            except DataError as err:
                bad = DataError(err.file, err.problem, agency=aid)
            fault(bad)
            texts[aid][s] = ""
    return texts
