"""Build settings: params/<year>.yaml, overridden by command-line flags."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import yaml

from .dataset import DataError

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """What one build uses. Every field can be set in params/<year>.yaml; CLI flags override it."""

    year: int
    data_dir: Path = Path("data")  # holds <year>/ (and <year-1>/ for the rules across years)
    output_dir: Path = Path("outputs")  # reports go to <output_dir>/<year>/<agency>/
    notebook: Path = REPO / "notebooks" / "agency_report.ipynb"
    agencies: tuple[str, ...] | None = None  # None: every agency of the year
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)  # parallel workers
    timeout: int = 300  # seconds one notebook cell may run before the report fails
    strict: bool = False  # build no report for an agency whose data breaks a rule (an error, not a warning)
    force: bool = False  # rebuild even when nothing changed
    pdf: bool = False  # also print report.pdf beside each report.html
    parameters: dict = field(default_factory=dict)  # further papermill parameters the notebook takes


def load(path: str | Path | None, year: int | None, **overrides) -> Settings:
    """Settings from a params YAML file (if any), then `overrides` that are not None."""
    values: dict = {}
    if path is not None:
        path = Path(path)
        try:
            values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise DataError(path, f"cannot read the build parameters: {err}") from None
        if not isinstance(values, dict):
            raise DataError(path, "the build parameters must be a mapping of setting: value")
        known = {f.name for f in fields(Settings)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise DataError(path, f"unknown setting(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    values.update({k: v for k, v in overrides.items() if v is not None})
    if year is not None:
        values["year"] = year
    if "year" not in values:
        raise DataError(path or "params", "no year: give --year or set `year:` in the parameters file")
    settings = Settings(**values)
    agencies = settings.agencies
    if agencies == "all":
        agencies = None
    return replace(settings, year=int(settings.year), data_dir=Path(settings.data_dir),
                   output_dir=Path(settings.output_dir), notebook=Path(settings.notebook),
                   agencies=tuple(agencies) if agencies else None, jobs=max(1, int(settings.jobs)))
