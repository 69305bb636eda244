"""A year's data for all agencies: the typed model, and (below) its loader from data/<year>/."""
from __future__ import annotations

import hashlib
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from numbers import Real
from pathlib import Path

import pandas as pd

from . import format as fmt
from . import project


# Characters no text of ours may hold: C0/C1 controls (NUL; ESC starts a terminal escape sequence), DEL, and
# the bidirectional embeddings, overrides and isolates that reorder what a reader sees. A narrative may hold
# tabs and line breaks (after CR and CRLF became LF), a CSV cell or message not even those.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(text: str) -> str:
    """`text` with every control character escaped (\\x1b, \\n): a message is one line and cannot drive a terminal."""
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], text)


class DataError(ValueError):
    """Bad input: names the file, line, agency, row, column and the problem, on one line."""

    def __init__(self, file, problem: str, agency: str | None = None,
                 row: str | None = None, column: str | None = None, line: int | None = None):
        self.file, self.problem = _visible(str(file)), _visible(problem)  # as printed: control characters escaped
        self.agency, self.row, self.column = [None if x is None else _visible(str(x)) for x in (agency, row, column)]
        self.line = line
        where = [f"line {line}" if line else "", f"agency {self.agency}" if agency else "",
                 f"row {self.row}" if row else "", f"column {self.column}" if column else ""]
        super().__init__(f"{self.file}: " + ", ".join([w for w in where if w] + [self.problem]))


class DataErrors(DataError):
    """Every problem of one load, collected before reporting (as pandera's lazy validation's SchemaErrors):
    `errors`, one DataError each, in the order found; str() is one line per problem. The DataError fields
    (file, problem, agency, …) are the first problem's, for callers that expect one."""

    def __init__(self, errors: list[DataError]):
        self.errors = [e for err in errors for e in (err.errors if isinstance(err, DataErrors) else [err])]
        first = self.errors[0]
        self.file, self.problem, self.agency, self.row, self.column, self.line = (
            first.file, first.problem, first.agency, first.row, first.column, first.line)
        ValueError.__init__(self, "\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class Agency:
    id: str
    name: str  # short name used in the title, e.g. 红寺堡区人民政府办公室
    full_name: str  # e.g. 吴忠市红寺堡区人民政府办公室
    level: str  # open text; format.LEVELS are the usual ones
    website_name: str
    website_url: str
    address: str
    postcode: str
    phone: str
    fax: str
    email: str
    rule_making: bool  # may issue 规章 (agencies.csv rule_making; blank: from the level, format.RULE_MAKING_LEVELS)
    group: str = ""  # agencies.csv group (e.g. 乡镇 / 部门): a region's report may sum one group only


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
    invalid: dict[str, DataErrors] = field(default_factory=dict)  # tolerant load: each bad agency's problems

    def agency(self, agency_id: str) -> AgencyData:
        """One agency's data; raises KeyError for an unknown agency, its DataErrors for one with bad data."""
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
AGENCY_OPTIONAL_COLUMNS = ("rule_making", "group")  # absent from an older agencies.csv: from the level; no group
MAX_ID_LENGTH = 64  # an agency id names folders and files (outputs/<year>/<id>/): far below any file system's limit
SECTION_COLUMNS = {"section2.csv": ("agency_id", *fmt.S2_CELLS),
                   "section3.csv": ("agency_id", "row", *fmt.S3_COLUMNS),
                   "section4.csv": ("agency_id", *fmt.S4_CELLS)}
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)")  # Excel may write 1,234
_R1 = f"rule R1: {fmt.RULES['R1'].zh}"
_PLAIN_COUNT = r"[0-9]{1,15}"  # cells that need no care: plain digits, well within int64
_PLAIN_AMOUNT = r"[0-9]{1,15}(\.[0-9]{1,6})?"


def load_year(data_dir: str | Path | None, year: int, tolerant: bool = False, only: str | None = None) -> YearData:
    """Read and type-check data_dir/<year>/ (agencies, sections 二 三 四, narratives); data_dir None: the
    project's data/ (project.data_dir), as a notebook opened in Jupyter reads.

    Lazy about errors, as pandera's lazy validation: every problem of every file is collected, then all are
    raised at once as one DataErrors (one line each). A file that cannot be read (missing, undecodable, not
    CSV, a wrong header) ends that file's checks only; with no usable agencies.csv the other files are
    checked for their header alone.
    tolerant: the problems of one agency's own rows, cells or narrative do not fail the year: they go to
    YearData.invalid[agency] (its numbers read as 0) and the others load. Any other problem (a whole file's,
    an unknown agency's) still raises, with every problem found.
    only: load just this agency's rows and narrative (every file is still read, its columns checked, the
    other agencies' rows skipped); a report reads only its own agency."""
    base = project.data_dir(data_dir) / str(year)
    if not base.is_dir():
        raise DataError(base, f"no data for {year}: the directory does not exist")
    files: dict[str, str] = {}
    problems = _Problems(tolerant)
    agencies = _agencies(base, files, problems)
    if not agencies:  # nothing to match the other files' rows against: check their headers
        for name, columns in SECTION_COLUMNS.items():
            _read_csv(base, name, columns, files, problems)
        raise DataErrors(problems.found)
    chosen = {only: agencies[only]} if only in agencies else {} if only else agencies
    s2 = _one_row_each(base, "section2.csv", agencies, chosen, files, problems)
    s3 = _section3(base, agencies, chosen, files, problems)
    s4 = _one_row_each(base, "section4.csv", agencies, chosen, files, problems)
    narrative = _narratives(base, agencies, chosen, files, problems)
    invalid = problems.result(chosen)  # raises, unless there is nothing or (tolerant) only agencies' own
    return YearData(year, base, chosen, s2, s3, s4, narrative, files, invalid)


def load_previous(data_dir: str | Path | None, year: int, tolerant: bool = False,
                  only: str | None = None) -> YearData | None:
    """The data of year−1 (for the rules across years), or None if data_dir/<year−1>/ does not exist."""
    data_dir = project.data_dir(data_dir)
    return load_year(data_dir, year - 1, tolerant, only) if (data_dir / str(year - 1)).is_dir() else None


def previous_agency(prev: YearData | None, agency_id: str) -> AgencyData | None:
    """The agency's data of the year before (`prev`: load_previous's), for the rules across years and the
    comparisons with last year. None when there is no such year or the agency is not in it (a new agency).
    Its invalid data there is an error, never a silent "no previous year": its DataErrors is raised, each
    problem naming last year's file, so `check`, `build` and a report fail alike until it is fixed."""
    if prev is None or agency_id not in prev.agencies:
        return None
    return prev.agency(agency_id)


def load_previous_agency(data_dir: str | Path, year: int, agency_id: str) -> AgencyData | None:
    """previous_agency for one agency's report: loads only its own rows of year−1."""
    return previous_agency(load_previous(data_dir, year, tolerant=True, only=agency_id), agency_id)


@dataclass
class _Problems:
    """Every problem found so far, in the order found. `agencies`: the listed agencies (a tolerant load keeps
    their own problems apart); `rejected`: ids refused in agencies.csv, whose rows elsewhere go unreported."""

    tolerant: bool
    agencies: dict[str, Agency] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)
    found: list[DataError] = field(default_factory=list)
    fatal: bool = False  # a problem that is not one listed agency's own: the load fails even when tolerant

    def __call__(self, err: DataError, whole: bool = False) -> None:
        """Record a problem of one listed agency's own data, or (`whole`, or no such agency) of the year."""
        self.found.append(err)
        self.fatal |= whole or err.agency not in self.agencies

    def unknown(self, aid: str, path: Path, reported: set[str]) -> bool:
        """Whether a row's agency id is not in agencies.csv (reported once per file, a rejected id not again)."""
        if aid in self.agencies:
            return False
        if aid not in reported and aid not in self.rejected:
            self(DataError(path, "not in agencies.csv" if aid else "empty agency_id", agency=aid), whole=True)
        reported.add(aid)
        return True

    def result(self, chosen: dict[str, Agency]) -> dict[str, DataErrors]:
        """The chosen agencies' own problems (tolerant load); raises DataErrors with every problem otherwise."""
        if self.found and (self.fatal or not self.tolerant):
            raise DataErrors(self.found)
        mine: dict[str, list[DataError]] = {}
        for err in self.found:
            mine.setdefault(err.agency, []).append(err)
        return {aid: DataErrors(mine[aid]) for aid in chosen if aid in mine}


def _read_text(base: Path, name: str, files: dict[str, str]) -> str:
    """The decoded text of base/name (UTF-8 with or without BOM, else GBK); records its sha256 in `files`."""
    path = base / name
    if not path.is_file():
        raise DataError(path, "missing file")
    raw = path.read_bytes()
    files[name] = hashlib.sha256(raw).hexdigest()
    return decode(raw, path)


def decode(raw: bytes, path) -> str:
    """Text as Chinese tools write it: UTF-8 (with or without BOM), else GBK (Excel on Chinese Windows)."""
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise DataError(path, "cannot decode the file: it is neither UTF-8 nor GBK")


def _control(char: str) -> str:
    return f"control character U+{ord(char):04X}"


def _read_csv(base: Path, name: str, columns: tuple[str, ...], files: dict[str, str], problems: _Problems,
              keep: dict[str, Agency] | None = None, optional: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """A CSV file as stripped strings with exactly `columns` and any of `optional` (blank when absent), in
    that order; only the rows of the agencies in `keep`, if given (a single-agency load skips the others'
    rows: a build's parent checks them all). None when the file or its header is bad (problems recorded)."""
    path = base / name
    try:
        frame = pd.read_csv(io.StringIO(_read_text(base, name, files)), dtype=str, keep_default_na=False)
    except DataError as err:
        problems(err, whole=True)
        return None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        problems(DataError(path, f"not a readable CSV table ({str(err).strip()})"), whole=True)
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    header = [DataError(path, f"{_control(m[0])} in a column name", line=1, column=c)
              for c in frame.columns if (m := _CONTROL.search(c))]
    header += [DataError(path, "missing column", column=c) for c in columns if c not in frame.columns]
    header += [DataError(path, f"unknown column (expected: {', '.join(columns + optional)})", column=c)
               for c in frame.columns if c not in columns + optional and not _CONTROL.search(c)]
    for err in header:
        problems(err, whole=True)
    if header:
        return None
    frame = frame.reindex(columns=list(columns + optional), fill_value="")
    if keep is not None:
        frame = frame[frame["agency_id"].str.strip().isin(list(keep))]
    return frame.apply(lambda s: s.str.strip())


def _agencies(base: Path, files: dict[str, str], problems: _Problems) -> dict[str, Agency]:
    """agencies.csv, every row checked; {} when it cannot be read or lists no agency (problems recorded)."""
    return _agency_rows(base, "agencies.csv", problems.agencies, files, problems)


def _agency_rows(base: Path, name: str, agencies: dict[str, Agency], files: dict[str, str],
                 problems: _Problems) -> dict[str, Agency]:
    """The rows of agencies.csv (or region.csv) as Agency records into `agencies`, every row checked."""
    path = base / name
    frame = _read_csv(base, name, AGENCY_COLUMNS, files, problems, optional=AGENCY_OPTIONAL_COLUMNS)
    if frame is None:
        return agencies
    if frame.empty:
        problems(DataError(path, "no agency listed"), whole=True)
    for line, record in enumerate(frame.to_dict("records"), start=2):
        aid = record.pop("agency_id")
        refused = _id_problem(aid)
        if refused or aid in agencies:
            problems(DataError(path, refused or "duplicate agency id", agency=None if refused else aid, line=line),
                     whole=True)
            problems.rejected.update([aid] if refused else [])
            continue
        rule_making = record.pop("rule_making")
        default = record["level"] in fmt.RULE_MAKING_LEVELS
        clean = {k: _visible(v) for k, v in record.items()}  # a control character never leaves the loader
        agencies[aid] = Agency(id=aid, **clean, rule_making=fmt.RULE_MAKING.get(rule_making, default))
        for column, text in [*record.items(), ("rule_making", rule_making)]:
            if m := _CONTROL.search(text):
                problems(DataError(path, _control(m[0]), agency=aid, column=column, line=line))
        for column in ("name", "full_name", "level"):
            if not record[column]:
                problems(DataError(path, "empty cell", agency=aid, column=column, line=line))
        if rule_making and rule_making not in fmt.RULE_MAKING and not _CONTROL.search(rule_making):
            problems(DataError(path, f"{rule_making!r}: write {' or '.join(fmt.RULE_MAKING)} (blank: from the level)",
                               agency=aid, column="rule_making", line=line))
    return agencies


def _id_problem(aid: str) -> str | None:
    """Why `aid` cannot be an agency id (it names folders and files), or None."""
    if len(aid) > MAX_ID_LENGTH:
        return f"agency id {aid[:16]!r}… is {len(aid)} characters long (at most {MAX_ID_LENGTH})"
    if not _SAFE_ID.fullmatch(aid):
        return f"unsafe agency id {aid!r} (use letters, digits, - and _, starting with a letter or digit)"
    return None


def _one_row_each(base: Path, name: str, agencies: dict[str, Agency], chosen: dict[str, Agency],
                  files: dict[str, str], problems: _Problems) -> pd.DataFrame | None:
    """Section 二 or 四: one row of numbers per agency, indexed by agency id in agencies.csv order."""
    path = base / name
    frame = _read_csv(base, name, SECTION_COLUMNS[name], files, problems, None if chosen is agencies else chosen)
    if frame is None:
        return None
    seen: set[str] = set()
    unknown: set[str] = set()
    for aid in frame["agency_id"]:
        if problems.unknown(aid, path, unknown):
            continue
        if aid in seen:
            problems(DataError(path, "duplicate row for this agency", agency=aid))
        seen.add(aid)
    for aid in chosen:
        if aid not in seen:
            problems(DataError(path, "no numbers for this agency (it is listed in agencies.csv)", agency=aid))
    frame = frame.drop_duplicates("agency_id").set_index("agency_id").reindex(list(chosen), fill_value="0")
    return _numbers(frame, path, lambda aid: (aid, None), problems)


def _section3(base: Path, agencies: dict[str, Agency], chosen: dict[str, Agency], files: dict[str, str],
              problems: _Problems) -> pd.DataFrame | None:
    """Section 三: 25 rows per agency, indexed by (agency id, row code) in agencies.csv and format order."""
    path = base / "section3.csv"
    frame = _read_csv(base, "section3.csv", SECTION_COLUMNS["section3.csv"], files, problems,
                      None if chosen is agencies else chosen)
    if frame is None:
        return None
    seen: dict[str, set[str]] = {aid: set() for aid in agencies}
    unknown: set[str] = set()
    for aid, row in zip(frame["agency_id"], frame["row"]):
        if problems.unknown(aid, path, unknown):
            continue
        if row not in fmt.S3_ROWS:
            problems(DataError(path, f"unknown row code {row!r} (expected: {', '.join(fmt.S3_ROWS)})",
                               agency=aid, row=row))
        elif row in seen[aid]:
            problems(DataError(path, "duplicate row for this agency", agency=aid, row=row))
        seen[aid].add(row)
    for aid, rows in ((aid, seen[aid]) for aid in chosen):
        if not rows:
            problems(DataError(path, "no numbers for this agency (it is listed in agencies.csv)", agency=aid))
            continue
        missing = [r for r in fmt.S3_ROWS if r not in rows]
        if missing:
            problems(DataError(path, f"missing row(s) {', '.join(missing)}", agency=aid, row=missing[0]))
    order = pd.MultiIndex.from_product([list(chosen), fmt.S3_ROWS], names=["agency_id", "row"])
    frame = frame.drop_duplicates(["agency_id", "row"]).set_index(["agency_id", "row"])
    return _numbers(frame.reindex(order, fill_value="0"), path, lambda key: key, problems)


def _numbers(frame: pd.DataFrame, path: Path, where, problems: _Problems) -> pd.DataFrame:
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
                problems(DataError(path, value, agency=agency, row=row, column=column))
                value = 0
            values.append(value)
        out[column] = pd.Series(values, index=frame.index, dtype="float64" if amount else "int64")
    return pd.DataFrame(out)


def value_problem(value, amount: bool = False) -> str | None:
    """Why `value` breaks rule R1 (a count must be a non-negative integer, an amount non-negative), or None.
    The loader applies it to every cell it reads; checks.py to data built in memory."""
    if type(value) is int and value >= 0:  # the usual case, first: checks call this for every cell they read
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value):
        return f"{value!r} is not a number"
    if value < 0:
        return f"{value!r} is negative"
    if not amount and value != int(value):
        return f"{value!r} is not a whole number"
    return None


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
                problems: _Problems) -> dict[str, dict[str, str]]:
    """narrative/<agency id>/s1.md, s5.md, s6.md for each agency; no folder for an unknown agency."""
    folder = base / "narrative"
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.is_dir() and not entry.name.startswith(".") and entry.name not in agencies:
                problems(DataError(entry, "narrative folder of an agency not in agencies.csv", agency=entry.name),
                         whole=True)
    return {aid: {s: _narrative(base, aid, s, files, problems) for s in fmt.NARRATIVE_SECTIONS} for aid in chosen}


def _narrative(base: Path, aid: str, section: str, files: dict[str, str], problems: _Problems,
               folder: str | None = None) -> str:
    """One narrative file's text with LF line breaks (old Mac and Excel exports end a line with CR alone),
    or "" when it is bad (the problem recorded): no control character may reach a report. `folder`: where
    the files are (default narrative/<aid>)."""
    name = f"{folder or f'narrative/{aid}'}/s{section}.md"
    try:
        text = _read_text(base, name, files).replace("\r\n", "\n").replace("\r", "\n")
    except DataError as err:
        problems(DataError(err.file, err.problem, agency=aid))
        return ""
    bad = [(n, m) for n, line in enumerate(text.split("\n"), start=1) if (m := _TEXT_CONTROL.search(line))]
    if bad:
        (n, m), more = bad[0], [str(k) for k, _ in bad[1:]]
        also = f" (also on line {', '.join(more[:10])}{', …' if len(more) > 10 else ''})" if more else ""
        problems(DataError(base / name, f"{_control(m[0])} at character {m.start() + 1}{also}; only tabs and "
                                        "line breaks may appear in the text", agency=aid, line=n))
        return ""
    return text.strip()


# ---------------------------------------------------------------- the region: data/<year>/region.csv
REGION_FILE = "region.csv"  # one row, agencies.csv's columns: the region as its own report names it
REGION_NARRATIVE = "region"  # data/<year>/region/s1.md, s5.md, s6.md: the region's own text


@dataclass
class Region:
    """The region of a year (district, city, …) whose own report sums its agencies' tables."""

    agency: Agency  # its id, names and contact details; .group: the agencies it sums ("" = all)
    narrative: dict[str, str]  # keys format.NARRATIVE_SECTIONS
    files: dict[str, str]  # path relative to data/<year>/ -> sha256 of its bytes


def load_region(data_dir: str | Path | None, year: int) -> Region | None:
    """data_dir/<year>/region.csv and region/s*.md, checked as agencies.csv and narratives are (every problem
    at once); None when the year has no region.csv: it has no region report."""
    base = project.data_dir(data_dir) / str(year)
    if not (base / REGION_FILE).is_file():
        return None
    files: dict[str, str] = {}
    problems = _Problems(tolerant=False)
    found = _agency_rows(base, REGION_FILE, {}, files, problems)
    if len(found) > 1:
        problems(DataError(base / REGION_FILE, "more than one region: the file has one row", line=3), whole=True)
    region = next(iter(found.values()), None)
    aid = region.id if region else ""
    narrative = {s: _narrative(base, aid, s, files, problems, REGION_NARRATIVE) for s in fmt.NARRATIVE_SECTIONS}
    if problems.found or region is None:
        raise DataErrors(problems.found)
    return Region(region, narrative, files)
