"""The region's own 汇总 report: its tables are the cell-by-cell sums over its agencies (all of them, or one
group of agencies.csv), so every consistency rule that holds for each agency holds for the sums."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import checks, project
from . import format as fmt
from .dataset import AgencyData, DataError, Region, YearData, load_previous, load_region, load_year, REGION_FILE
from .narrative import AMOUNT_PLACES


def members(year: YearData, group: str) -> list[str]:
    """The ids of the agencies the region sums: all of them (group "") or those of `group`, in file order."""
    return [aid for aid, a in year.agencies.items() if not group or a.group == group]


def sums(year: YearData, region: Region, group: str) -> AgencyData:
    """The region's data for `year`: each cell the sum over its agencies (fees exactly, to six decimals)."""
    ids = members(year, group)
    s2 = year.s2.loc[ids].sum().astype(object)
    for cell in fmt.S2_AMOUNT_CELLS:  # a float sum may drift (0.1 + 0.2): add the decimals as written
        total = sum((Decimal(str(v)) for v in year.s2.loc[ids, cell]), Decimal(0))
        s2[cell] = float(total.quantize(AMOUNT_PLACES))
    for cell in s2.index.difference(list(fmt.S2_AMOUNT_CELLS)):
        s2[cell] = int(s2[cell])
    s3 = year.s3.loc[ids].groupby(level="row", sort=False).sum().reindex(list(fmt.S3_ROWS)) if ids else \
        pd.DataFrame(0, index=list(fmt.S3_ROWS), columns=list(fmt.S3_COLUMNS))
    s4 = year.s4.loc[ids].sum().astype("int64")
    s3.index.name = None
    return AgencyData(year.year, region.agency, s2, s3.astype("int64"), s4, region.narrative)


def region_data(region: Region, cur_year: YearData, prev_year: YearData | None,
                group: str | None = None) -> tuple[AgencyData, AgencyData | None]:
    """The region's sums this year and last year (None without last year's data). `group`: None, the one
    region.csv names; "" every agency; else only that group's (in each year, as its agencies.csv groups them)."""
    group = region.agency.group if group is None else group
    if not members(cur_year, group):
        raise DataError(cur_year.path / "agencies.csv", f"no agency of the region's group {group!r}", column="group")
    region = replace(region, agency=replace(region.agency, group=group))
    cur = sums(cur_year, region, group)
    return cur, sums(prev_year, region, group) if prev_year is not None else None


def required_region(data_dir: str | Path | None, year: int) -> Region:
    """The year's region (load_region); a year without region.csv is bad input here, named so."""
    region = load_region(data_dir, year)
    if region is None:
        raise DataError(Path(project.data_dir(data_dir)) / str(year) / REGION_FILE,
                        "missing file: this year has no region report")
    return region


def load(data_dir: str | Path | None, year: int, group: str | None = None):
    """The region's Report for `year` (report.Report in the region's voice), against last year's sums when
    last year exists; `group` as region_data's. Any agency's bad data fails it (a sum would be wrong)."""
    from .report import Report
    region = required_region(data_dir, year)
    cur, prev = region_data(region, load_year(data_dir, year), load_previous(data_dir, year), group)
    return Report(cur, prev, checks.check_agency(cur, prev), region=True)
