"""The preview's warm worker: one process that brings one report up to date as a build does, on request.

It is a build worker (build._Worker running refresh() in place of make(): a warm fork server and one exporter,
kept across rebuilds) that also plans and writes: build.plan says whether the report's inputs changed, build.make
makes it, build._record writes it into the outputs under the year's build lock, as `govreport build` would. It
runs in a process of its own so that a change to govreport's code is picked up by starting a fresh one
(preview.py does), and so that nothing a notebook does can take the server down. What it sends back is a Result:
plain data for the page.
"""
from __future__ import annotations

import contextlib
import fcntl
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import build, config, outputs
from .dataset import DataError, load_previous, load_region, load_year, previous_agency
from .provenance import shown_error

_CELL = re.compile(r"cell (\d+): ")  # how build.make names a failing notebook cell


@dataclass(frozen=True)
class Request:
    """Bring the report of `agency` (or outputs.REGION_DIR: the region's) for `year` up to date."""

    flags: object  # the preview's argparse.Namespace: --params, --data, --out, --notebook, --timeout
    year: int
    agency: str


@dataclass
class Result:
    """How a request went, for the page. status: build.Outcome's ("built", "skipped" unchanged, "failed",
    "refused" --strict); a failure's kind says what to show: "params" (the settings), "data" (problems, one
    per bad cell), "notebook" (the failing cell's source and traceback), "template", or "report" (other)."""

    year: int
    agency: str
    status: str
    kind: str = ""
    error: str = ""  # one line (data: one line a problem)
    problems: list[dict] = field(default_factory=list)  # file, line, agency, row, column, problem
    cell: str = ""  # the failing notebook cell's source
    detail: str = ""  # its traceback, or the failure's
    names: dict[str, str] = field(default_factory=dict)  # the year's agencies: id -> name
    output_dir: str = ""  # where the report is (settings.output_dir)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("built", "skipped")


def settings_for(request: Request) -> config.Settings:
    """The build settings of `request`, read afresh (params/<year>.yaml may have changed), as `govreport run`
    reads them: --params, else the project's params/<year>.yaml when it exists, then the flags. One report."""
    flags = request.flags
    settings = config.from_flags(flags.params, request.year, data_dir=flags.data, output_dir=flags.out,
                                 notebook=flags.notebook, timeout=flags.timeout)
    agencies = None if request.agency == outputs.REGION_DIR else (request.agency,)
    return settings.model_copy(update={"agencies": agencies, "scheduler": None, "pdf": False, "docx": False,
                                       "force": False})


def refresh(request: Request) -> Result:
    """Plan, make and record the report of `request`; never raises for bad input or a failing report."""
    started = time.perf_counter()
    try:
        settings = settings_for(request)
    except DataError as err:
        return Result(request.year, request.agency, "failed", "params", str(err), seconds=_since(started))
    with _locked(outputs.year_dir(settings.output_dir, request.year)):
        result = _refresh(request, settings)
    result.output_dir, result.seconds = str(settings.output_dir), _since(started)
    return result


def _refresh(request: Request, settings) -> Result:
    year, agency = request.year, request.agency
    try:
        todo = build.plan(settings)
    except DataError as err:  # a whole file's problem, or no such agency this year
        return _data_failure(request, settings, err.errors if hasattr(err, "errors") else [err], {})
    task = next((t for t in todo.tasks if t.agency == agency), None)
    if task is None:
        outcome = next((o for o in todo.decided if o.agency == agency), None)
        if outcome is None:  # only the region can be missing from a plan
            return Result(year, agency, "failed", "data", f"no region's report: {settings.data_dir.name}/{year}/"
                                                          "region.csv does not exist", names=todo.names)
        if outcome.status == "failed":
            return _data_failure(request, settings, data_problems(settings, agency), todo.names, outcome.error)
        return Result(year, agency, outcome.status, "data" if outcome.status == "refused" else "", outcome.error,
                      names=todo.names)
    made = build.make(task)
    outcome = build._record(task, made)
    if outcome.ok:
        return Result(year, agency, "built", names=todo.names)
    kind, cell = _kind(made), ""
    if kind == "notebook":
        cell = cell_source(task.notebook, task.parameters, int(_CELL.match(made.error)[1]))
    return Result(year, agency, "failed", kind, outcome.error, cell=cell, detail=made.detail, names=todo.names)


def _data_failure(request: Request, settings, errors: list[DataError], names: dict, error: str = "") -> Result:
    problems = [{"file": shown_error(e.file, settings.data_dir), "line": e.line or "", "agency": e.agency or "",
                 "row": e.row or "", "column": e.column or "", "problem": e.problem} for e in errors]
    error = error or shown_error("\n".join(map(str, errors)), settings.data_dir)
    return Result(request.year, request.agency, "failed", "data", error, problems, names=names)


def data_problems(settings, agency: str) -> list[DataError]:
    """Every problem that keeps the report of `agency` (or the region's) from being made, one DataError each:
    the build records them as text (build.json), the page shows them as a table."""
    data, year = settings.data_dir, settings.year
    only = None if agency == outputs.REGION_DIR else agency
    try:
        cur = load_year(data, year, tolerant=True, only=only)
        prev = load_previous(data, year, tolerant=True, only=only)
        if only:
            cur.agency(agency)
            previous_agency(prev, agency)
            return []
        bad = [p for y in (prev, cur) if y is not None for errors in y.invalid.values() for p in errors.errors]
        if not bad:
            load_region(data, year)
        return bad
    except DataError as err:
        return err.errors if hasattr(err, "errors") else [err]


def _kind(made: build.Made) -> str:
    """What failed, from what build.make says: a notebook cell, a template (Jinja's errors), or else."""
    import jinja2
    if _CELL.match(made.error):
        return "notebook"
    name = made.error.split(":", 1)[0]
    return "template" if isinstance(getattr(jinja2.exceptions, name, None), type) else "report"


def cell_source(notebook: Path, parameters: dict, exec_count: int) -> str:
    """The source of the code cell that ran `exec_count`-th in the notebook as papermill ran it (with its
    injected parameters): nbclient runs each non-empty code cell once, in order."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook
    try:
        nb = parameterize_notebook(load_notebook_node(str(notebook)), parameters)
    except Exception:  # the notebook changed meanwhile, unreadable: the traceback still says where
        return ""
    code = [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    return code[exec_count - 1] if 0 < exec_count <= len(code) else ""


@contextlib.contextmanager
def _locked(year_dir: Path):
    """The year's build lock (build.build's): no `govreport build` writes there meanwhile, nor we during one."""
    year_dir.mkdir(parents=True, exist_ok=True)
    with open(year_dir / outputs.LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # waits for a running build; released on close, or if we die
        yield


def _since(started: float) -> float:
    return time.perf_counter() - started
