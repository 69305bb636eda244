"""What made a report: its input files, a digest of its data, the parameters, the software versions."""
from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
from importlib.metadata import version
from dataclasses import asdict
from pathlib import Path

from . import format as fmt
from .dataset import AgencyData

DATA_FILES = ("agencies.csv", "section2.csv", "section3.csv", "section4.csv")
VERSIONED = ("govreport", "papermill", "nbclient", "nbconvert", "ipykernel", "pandas", "matplotlib")


def sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


PACKAGE = Path(__file__).resolve().parent


def package_sources() -> list[Path]:
    """govreport's own code and templates (what a report's code is made of), in a stable order."""
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in (".py", ".j2", ".css", ".json"))


def input_files(data_dir: str | Path, year: int, agency_id: str) -> list[str]:
    """The data files one agency's report reads, relative to data_dir: this year's, and last year's if present."""
    root, out = Path(data_dir), []
    for y in (year - 1, year):
        if y == year or (root / str(y)).is_dir():
            out += [f"{y}/{name}" for name in DATA_FILES]
            out += [f"{y}/narrative/{agency_id}/s{k}.md" for k in fmt.NARRATIVE_SECTIONS]
    return [p for p in out if (root / p).is_file()]


def region_files(data_dir: str | Path, year: int) -> list[str]:
    """The data files the region's report reads, relative to data_dir: every agency's data and the region's own
    files, this year's and last year's if present."""
    from .dataset import REGION_FILE, REGION_NARRATIVE
    root, out = Path(data_dir), []
    for y in (year - 1, year):
        out += [f"{y}/{name}" for name in (*DATA_FILES, REGION_FILE)]
        out += [f"{y}/{REGION_NARRATIVE}/s{k}.md" for k in fmt.NARRATIVE_SECTIONS]
    return [p for p in out if (root / p).is_file()]


@functools.cache
def versions() -> dict[str, str]:
    return {"python": platform.python_version(), **{name: version(name) for name in VERSIONED}}


def data_digest(a: AgencyData) -> str:
    """sha256 of one agency's own data for one year (its agencies.csv row, numbers and narrative): what its
    report reads, so that a change to another agency's rows leaves it alone."""
    record = [asdict(a.agency), [str(v) for v in a.s2], a.s3.values.tolist(), a.s4.tolist(), a.narrative]
    return hashlib.sha256(json.dumps(record, ensure_ascii=False).encode()).hexdigest()


def shown(parameters: dict) -> dict:
    """The notebook parameters as a report shows and records them: the data directory by its name only.
    The kernel gets the full path; a report never holds a path of the machine that built it."""
    if "data_dir" not in parameters:
        return parameters
    return {**parameters, "data_dir": Path(os.path.abspath(parameters["data_dir"])).name}


def shown_error(message: str, data_dir: str | Path) -> str:
    """An error about the data as the build records it (build.json, the index page): its files named from the
    data directory on (data/2022/section4.csv), not from the machine's root."""
    return message.replace(os.path.join(os.path.abspath(Path(data_dir).parent), ""), "")


def provenance(notebook: Path, data_dir: str | Path, cur: AgencyData, prev: AgencyData | None,
               parameters: dict) -> dict:
    """Everything the report's footer states about how it was made (no clock, no machine paths)."""
    return {
        "notebook": {"path": Path(notebook).name, "sha256": sha256(notebook)},
        "files": input_files(data_dir, cur.year, cur.agency.id),
        "data": {str(a.year): data_digest(a) for a in (prev, cur) if a is not None},
        "parameters": shown(parameters),
        "versions": versions(),
    }
