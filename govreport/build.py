"""Build reports: one agency end to end (check, execute, render, write), and every agency of a year."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import checks, execute, narrative, render
from .dataset import YearData, load_previous, load_year
from .provenance import provenance


@dataclass
class Outcome:
    agency: str
    html: Path | None = None
    findings: list[checks.Finding] = field(default_factory=list)
    error: str | None = None  # why no report was written


def build_agency(year_data: YearData, prev: YearData | None, agency_id: str, out_dir: Path,
                 notebook: Path = execute.NOTEBOOK, strict: bool = False, exporter=None) -> Outcome:
    """Check, execute and render one agency's report into out_dir/<year>/<agency_id>/ (each file atomically)."""
    cur = year_data.agency(agency_id)
    findings = checks.check_agency(cur, prev.agency(agency_id) if prev and agency_id in prev.agencies else None)
    if strict and checks.has_errors(findings):
        return Outcome(agency_id, None, findings, "--strict: the data breaks consistency rules; no report built")
    data_dir = year_data.path.parent
    parameters = {"agency_id": agency_id, "year": year_data.year, "data_dir": str(data_dir)}
    nb = execute.execute({**parameters, "data_dir": str(data_dir.resolve())}, notebook)
    target = Path(out_dir) / str(year_data.year) / agency_id
    html = render.to_html(nb, narrative.title(cur.agency, cur.year),
                          provenance(notebook, data_dir, year_data.year, agency_id, parameters), exporter)
    render.write_atomic(target / "report.ipynb", nbformat.writes(nb))
    render.write_atomic(target / "results.json",
                        json.dumps(render.results(nb), ensure_ascii=False, indent=1, sort_keys=True))
    render.write_atomic(target / "report.html", html)
    return Outcome(agency_id, target / "report.html", findings)


def build_year(data_dir: str | Path, year: int, out_dir: Path, agencies: list[str] | None = None,
               notebook: Path = execute.NOTEBOOK, strict: bool = False, progress=None) -> list[Outcome]:
    """Build the selected agencies (all by default) of one year, one after another."""
    year_data, prev = load_year(data_dir, year), load_previous(data_dir, year)
    exporter = render.exporter()
    outcomes = []
    for agency_id in agencies or list(year_data.agencies):
        outcomes.append(build_agency(year_data, prev, agency_id, out_dir, notebook, strict, exporter))
        if progress:
            progress(outcomes[-1])
    return outcomes
