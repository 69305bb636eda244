"""What made a report: its input files and their hashes, the parameters, the software versions."""
from __future__ import annotations

import hashlib
import platform
from importlib.metadata import version
from pathlib import Path

from . import format as fmt

DATA_FILES = ("agencies.csv", "section2.csv", "section3.csv", "section4.csv")
VERSIONED = ("govreport", "papermill", "nbclient", "nbconvert", "ipykernel", "pandas", "matplotlib")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def input_files(data_dir: str | Path, year: int, agency_id: str) -> list[str]:
    """The data files one agency's report reads, relative to data_dir: this year's, and last year's if present."""
    root, out = Path(data_dir), []
    for y in (year - 1, year):
        if y == year or (root / str(y)).is_dir():
            out += [f"{y}/{name}" for name in DATA_FILES]
            out += [f"{y}/narrative/{agency_id}/s{k}.md" for k in fmt.NARRATIVE_SECTIONS]
    return [p for p in out if (root / p).is_file()]


def versions() -> dict[str, str]:
    return {"python": platform.python_version(), **{name: version(name) for name in VERSIONED}}


def provenance(notebook: Path, data_dir: str | Path, year: int, agency_id: str, parameters: dict) -> dict:
    """Everything the report's footer states about how it was made (no clock, no machine paths)."""
    return {
        "notebook": {"path": Path(notebook).name, "sha256": sha256(notebook)},
        "data": {p: sha256(Path(data_dir) / p) for p in input_files(data_dir, year, agency_id)},
        "parameters": parameters,
        "versions": versions(),
    }
