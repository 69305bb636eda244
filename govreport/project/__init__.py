"""An office's project: one directory holding `govreport.toml` (the marker `govreport init` writes), `data/`,
`params/` and, optionally, its own `notebooks/agency_report.ipynb`.

Every command finds the project root from the current directory as git finds `.git`, so the same build from any
subdirectory gives the same reports. The files beside this module are package data: what `init` copies into a
new project, and the notebook a project without its own uses.
"""
from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path
from string import Template

MARKER = "govreport.toml"
NOTEBOOK = Path("notebooks") / "agency_report.ipynb"  # a project's own report notebook, from its root
REGION_NOTEBOOK = Path("notebooks") / "region_report.ipynb"  # the region's 汇总 report (build.region_notebook)
# package file → the project file init writes (dot files are shipped without their dot: build tools skip them)
SCAFFOLD = {"govreport.toml": MARKER, "README.md": "README.md", "gitignore": ".gitignore",
            "gitattributes": ".gitattributes", "pre-commit-config.yaml": ".pre-commit-config.yaml",
            "notebooks/agency_report.ipynb": "notebooks/agency_report.ipynb",
            "notebooks/agency_report.py": "notebooks/agency_report.py"}


def project_root(start: Path | None = None) -> Path:
    """The nearest directory at or above `start` (default: the current one) holding govreport.toml; without
    one, the nearest holding params/ or data/; else `start` itself."""
    start = Path(os.path.abspath(start or Path.cwd()))
    chain = (start, *start.parents)
    return (next((d for d in chain if (d / MARKER).is_file()), None)
            or next((d for d in chain if (d / "params").is_dir() or (d / "data").is_dir()), start))


def data_dir(path: str | Path | None = None) -> Path:
    """`path`, or (None) the project's data/: what a notebook opened in Jupyter, from notebooks/, reads."""
    return project_root() / "data" if path is None else Path(path)


def package_file(name: str) -> Path:
    """A file shipped in the package (installed unzipped, as pip installs wheels), e.g. the report notebook."""
    return Path(resources.files(__name__).joinpath(name))


def notebook(root: Path) -> Path:
    """The project's own report notebook, else the one shipped with govreport."""
    own = root / NOTEBOOK
    return own if own.is_file() else package_file(NOTEBOOK.as_posix())


def params_text(year: int) -> str:
    """params/<year>.yaml of a new project: every setting, commented."""
    text = package_file("params.yaml").read_text(encoding="utf-8")
    return Template(text).substitute(year=year, previous=year - 1)


def init(directory: Path, from_sample: bool = False) -> list[Path]:
    """Write a new project into `directory` (absent or empty): the files above, params/<year>.yaml and data/
    of the sample years, with the sample's seed agency as the example (or the whole sample). Returns the files."""
    from .. import sample
    from ..dataset import DataError

    if problem := _refusal(directory):
        raise DataError(directory, problem)
    for source, target in SCAFFOLD.items():
        (directory / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package_file(source), directory / target)
    (directory / "params").mkdir()
    for year in sample.YEARS:
        (directory / "params" / f"{year}.yaml").write_text(params_text(year), encoding="utf-8")
    sample.write(directory / "data", None if from_sample else (sample.SEED,))
    return sorted(p for p in directory.rglob("*") if p.is_file())


def _refusal(directory: Path) -> str | None:
    """Why `init` will not write into `directory`: it never mixes a new project with existing files."""
    if directory.is_dir():
        return "is not empty: give a new or empty directory" if any(directory.iterdir()) else None
    if directory.exists() or directory.is_symlink():
        return "exists and is not a directory"
    return None
