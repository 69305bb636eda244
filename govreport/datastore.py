"""The one place that writes into data/<year>/: whole agencies at a time, atomically, never a silent overwrite.

A write builds the complete new year directory beside the old one (data/.staging-<year>-<random>/<year>/),
checks that it loads, and swaps it in with one rename (renameat2 RENAME_EXCHANGE; two renames where the
kernel or file system lacks it: then data/<year>/ is briefly absent between the two, and a write killed there
is rolled back by the next one). A journal beside the staged tree records the new tree's inode, so the next
write (under the same lock) can tell, after a process was killed, whether the swap happened: it rolls back or
finishes and removes the staging directory. What `replace` overwrites moves to data/.backup/<year>-<time>/.
Dot folders are invisible to `load_year` (it reads data/<year>/ only) and to `govreport build`'s year list.

CSV bytes are those of govreport/sample.py: csv.writer, "\n" line ends, UTF-8 without BOM, columns in
the order of dataset.AGENCY_COLUMNS and format.py's codes, narrative files `text + "\n"`. Amounts (万元) are
written with two decimals at least and six at most (0 → "0.00", 12.5 → "12.50", 1.234567 → "1.234567").
Rows of agencies that are not written are copied as they are (text unchanged, re-encoded as UTF-8).
"""
from __future__ import annotations

import csv
import ctypes
import dataclasses
import fcntl
import io
import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from . import format as fmt
from .dataset import _SAFE_ID, AGENCY_COLUMNS, AGENCY_OPTIONAL_COLUMNS, Agency, AgencyData, DataError, _read_text, load_year

BACKUP_DIR = ".backup"
_STAGING = ".staging-"
_JOURNAL = "journal.json"
_OLD = "old"  # the two-rename fallback moves the previous year here first
CSV_FILES = {  # file name -> header
    "agencies.csv": (*AGENCY_COLUMNS, *AGENCY_OPTIONAL_COLUMNS),
    "section2.csv": ("agency_id", *fmt.S2_CELLS),
    "section3.csv": ("agency_id", "row", *fmt.S3_COLUMNS),
    "section4.csv": ("agency_id", *fmt.S4_CELLS),
}


@dataclass(frozen=True)
class WriteResult:
    path: Path  # data/<year>/
    added: tuple[str, ...]  # agency ids new to the year
    replaced: tuple[str, ...]  # agency ids whose previous data was overwritten
    backup: Path | None  # the previous data/<year>/, kept when anything was replaced


def write_year(data_dir: Path, year: int, agencies: Sequence[AgencyData], *, replace: bool = False) -> WriteResult:
    """Write complete agencies into data_dir/<year>/, keeping the year's other agencies unchanged.

    An agency that already has data for the year raises DataError (all such agencies named at once, nothing
    written) unless `replace`, which keeps the previous data/<year>/ as a backup (WriteResult.backup)."""
    data_dir = Path(data_dir)
    ids = [a.agency.id for a in agencies]
    _check_input(data_dir / str(year), year, agencies, ids)
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / str(year)
    with _locked(data_dir):
        recover(data_dir, _locked_already=True)
        existing = _existing_ids(target)
        present = [i for i in ids if i in existing]
        if present and not replace:
            raise DataError(target / "agencies.csv", f"{len(present)} agencies already have data for {year}: "
                            f"{', '.join(present)} (replace them to overwrite; the old data is kept as a backup)")
        staging = data_dir / f"{_STAGING}{year}-{secrets.token_hex(4)}"
        staging.mkdir()
        new = staging / str(year)
        try:
            _build(target if target.exists() else None, new, agencies)
            _step("built")
            _check_loads(staging, year, ids)
        except BaseException:
            shutil.rmtree(staging)
            raise
        backup = _backup_path(data_dir, year) if present else None
        _write_json(staging / _JOURNAL, {"new_inode": new.stat().st_ino,
                                         "backup": backup.name if backup else None})
        _step("journaled")
        _swap(new, target, staging)
        _step("swapped")
        _finish(data_dir, staging, year)
    return WriteResult(target, tuple(i for i in ids if i not in existing), tuple(present), backup)


def recover(data_dir: Path, _locked_already: bool = False) -> list[Path]:
    """Finish or roll back writes that a killed process left half-way; return the staging folders removed."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return []
    if not _locked_already:
        with _locked(data_dir):
            return recover(data_dir, True)
    stale = sorted(p for p in data_dir.glob(f"{_STAGING}*") if p.is_dir())
    for staging in stale:
        year = staging.name[len(_STAGING):].split("-")[0]
        target = data_dir / year
        if not target.exists() and (staging / _OLD).is_dir():  # killed between the fallback's two renames
            os.rename(staging / _OLD, target)
            _fsync_dir(data_dir)
        _finish(data_dir, staging, int(year))
    return stale


# ---------------------------------------------------------------- steps
def _step(name: str) -> None:
    """A point between two steps of a write (tests replace this to kill a write there)."""


def _check_input(target: Path, year: int, agencies: Sequence[AgencyData], ids: list[str]) -> None:
    if not agencies:
        raise DataError(target, "no agency to write")
    for a in agencies:
        if a.year != year:
            raise DataError(target, f"the data is for {a.year}, not {year}", agency=a.agency.id)
        if not _SAFE_ID.fullmatch(a.agency.id):
            raise DataError(target, f"unsafe agency id {a.agency.id!r}", agency=a.agency.id)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DataError(target, f"the same agency given twice: {', '.join(duplicates)}")


def _check_loads(staging: Path, year: int, ids: list[str]) -> None:
    """The staged year must load (a caller's bad values stop here, before data/ changes)."""
    loaded = load_year(staging, year, tolerant=True)
    bad = [loaded.invalid[i] for i in ids if i in loaded.invalid]
    if bad:
        raise DataError(bad[0].file, f"refusing to write data that does not load: {bad[0]}")


def _existing_ids(target: Path) -> list[str]:
    """The agencies of data/<year>/ (which must load, whole files at least), in file order; [] when none."""
    if not target.exists():
        return []
    return list(load_year(target.parent, int(target.name), tolerant=True).agencies)


def _build(old: Path | None, new: Path, agencies: Sequence[AgencyData]) -> None:
    """The complete new year at `new`: the old year's files, the given agencies' rows and narratives in."""
    ids = {a.agency.id for a in agencies}
    if old is not None:
        shutil.copytree(old, new, ignore=lambda folder, names:
                        [n for n in names if n in ids and Path(folder) == old / "narrative"])
    new.mkdir(exist_ok=True)
    for name, header in CSV_FILES.items():
        rows = _kept_rows(old, name, header, ids) if old is not None else []
        written = {r[0] for r in rows}
        for a in agencies:
            new_rows = _rows(name, a)
            if a.agency.id in written:  # a replaced agency keeps its place in the file
                at = next(i for i, r in enumerate(rows) if r[0] == a.agency.id)
                rows[at:at] = new_rows
            else:
                rows += new_rows
        _write_csv(new / name, header, rows)
        _step(f"wrote {name}")
    for a in agencies:
        folder = new / "narrative" / a.agency.id
        folder.mkdir(parents=True, exist_ok=True)
        for section in fmt.NARRATIVE_SECTIONS:
            _write_bytes(folder / f"s{section}.md", (a.narrative[section] + "\n").encode("utf-8"))
    _fsync_dir(new)


def _kept_rows(old: Path, name: str, header: tuple[str, ...], drop: set[str]) -> list[list[str]]:
    """The rows of old/name whose agency is not in `drop`, as text, columns in `header` order; where a dropped
    agency's rows were, a placeholder row [agency id] marks the place (replaced by its new rows in _build)."""
    reader = csv.DictReader(io.StringIO(_read_text(old, name, {})))
    reader.fieldnames = [f.strip() for f in reader.fieldnames or ()]
    rows: list[list[str]] = []
    for record in reader:
        aid = record["agency_id"].strip()
        if aid in drop:
            if not rows or rows[-1] != [aid]:
                rows.append([aid])
            continue
        rows.append([record[c] for c in header])
    return rows


def _rows(name: str, a: AgencyData) -> list[list[str]]:
    aid = a.agency.id
    if name == "agencies.csv":
        values = [getattr(a.agency, f.name) for f in dataclasses.fields(Agency)]
        return [[_text(v) for v in values]]
    if name == "section2.csv":
        return [[aid, *(_number(c, a.s2[c]) for c in fmt.S2_CELLS)]]
    if name == "section3.csv":
        return [[aid, r, *(_number(c, a.s3.at[r, c]) for c in fmt.S3_COLUMNS)] for r in fmt.S3_ROWS]
    return [[aid, *(_number(c, a.s4[c]) for c in fmt.S4_CELLS)]]


def _text(value) -> str:
    """An agency field as its CSV cell: a yes/no field as 是/否."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _number(code: str, value) -> str:
    if code in fmt.S2_AMOUNT_CELLS:
        digits = f"{float(value):.6f}".rstrip("0")
        return digits + "0" * max(0, 2 - len(digits.partition(".")[2]))
    return str(int(value))


def _write_csv(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(r for r in rows if len(r) > 1)  # placeholders of replaced agencies hold only the id
    _write_bytes(path, out.getvalue().encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _write_json(path: Path, value: dict) -> None:
    _write_bytes(path, json.dumps(value).encode())
    _fsync_dir(path.parent)


# ---------------------------------------------------------------- swap, finish, lock
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2); False where unsupported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system or kernel cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(a))


def _swap(new: Path, target: Path, staging: Path) -> None:
    """Put `new` at `target`; the previous target (if any) ends up inside `staging`."""
    if not target.exists():
        os.rename(new, target)
    elif not _exchange(new, target):
        os.rename(target, staging / _OLD)
        _step("moved old")
        os.rename(new, target)
    _fsync_dir(target.parent)


def _finish(data_dir: Path, staging: Path, year: int) -> None:
    """After a swap: keep the previous year as the journal's backup, if any; remove the staging folder.
    Before a swap (the new tree's inode is not at data/<year>/): just remove the staging folder."""
    target = data_dir / str(year)
    try:
        journal = json.loads((staging / _JOURNAL).read_text())
    except (OSError, ValueError):
        journal = None
    swapped = journal is not None and target.exists() and target.stat().st_ino == journal["new_inode"]
    if swapped and journal["backup"]:
        old = next((p for p in (staging / _OLD, staging / str(year)) if p.is_dir()), None)
        if old is not None:
            (data_dir / BACKUP_DIR).mkdir(exist_ok=True)
            os.rename(old, data_dir / BACKUP_DIR / journal["backup"])
            _fsync_dir(data_dir / BACKUP_DIR)
    shutil.rmtree(staging)
    _fsync_dir(data_dir)


def _backup_path(data_dir: Path, year: int) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path, n = data_dir / BACKUP_DIR / f"{year}-{stamp}", 1
    while path.exists():
        n += 1
        path = data_dir / BACKUP_DIR / f"{year}-{stamp}-{n}"
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _locked:
    """An exclusive lock on the data directory itself (flock on its descriptor: no lock file in data/)."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir

    def __enter__(self):
        self.fd = os.open(self.data_dir, os.O_RDONLY)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        os.close(self.fd)
