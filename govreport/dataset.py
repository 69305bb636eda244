"""A year's data for all agencies: the typed model, and (below) its loader from data/<year>/."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import format as fmt


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

    def agency(self, agency_id: str) -> AgencyData:
        if agency_id not in self.agencies:
            raise KeyError(f"no agency {agency_id!r} in {self.path} (known: {', '.join(self.agencies)})")
        return AgencyData(self.year, self.agencies[agency_id], self.s2.loc[agency_id],
                          self.s3.loc[agency_id], self.s4.loc[agency_id], self.narrative[agency_id])
