"""Build a year's reports: parallel, incremental, resilient.

The parent loads and checks the year's data, decides which agencies need a build (their inputs changed, or
--force), and hands those to worker processes. Each worker keeps a pool of warm, forked kernels (a brand-new
kernel per report) and one HTML exporter. One agency's failure never stops the others; every file is
written atomically; each agency's state is in <out>/<year>/<agency>/build.json.
"""
from __future__ import annotations

import atexit
import fcntl
import hashlib
import json
import multiprocessing
import re
import sys
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import checks, narrative, outputs, pdf, webfont
from .config import Settings
from .dataset import DataError, load_previous, load_year, previous_agency
from .files import write_atomic
from .outputs import LOCK, LOG, NOTEBOOK, PDF, REPORT, WORKER_LOG, read_state, write_results, write_state
from .provenance import PACKAGE, package_sources, provenance, shown_error
from .terminal import safe

PRELOAD = ("pandas", "matplotlib.pyplot", "matplotlib.backends.backend_agg", "IPython.display", "govreport.report",
           "govreport.charts:warm_up")


class BuildError(Exception):
    """The build cannot start (for example --pdf without Chromium)."""


@dataclass
class Outcome:
    agency: str
    status: str  # "built" | "skipped" (unchanged) | "failed" | "refused" (--strict)
    findings: list[checks.Finding] = field(default_factory=list)
    error: str = ""  # why there is no new report: one line (bad data: one line a problem)
    log: str = ""  # file with the full traceback, relative to the agency's directory

    @property
    def ok(self) -> bool:
        return self.status in ("built", "skipped")


@dataclass
class Task:
    """One report for a worker: everything it needs, nothing it must load."""

    agency: str
    title: str
    target: Path
    notebook: Path
    parameters: dict  # as the kernel receives them (absolute data_dir)
    provenance: dict
    key: str
    timeout: int
    findings: list[checks.Finding]


def code_fingerprint() -> str:
    """The package's own code and templates: a change to any of them rebuilds every report."""
    digest = hashlib.sha256()
    for path in package_sources():
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def input_key(prov: dict, code: str, strict: bool) -> str:
    """The hash of everything a report depends on (see Task.provenance, plus our code and --strict)."""
    return hashlib.sha256(json.dumps([prov, code, strict], sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _write_state(directory: Path, outcome: Outcome, key: str = "") -> None:
    state = {**asdict(outcome), "findings": checks.findings_records(outcome.findings), "key": key}
    write_state(directory, state)


def _one_line(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}".splitlines()[0]


def _fail(directory: Path, agency: str, error: str, detail: str, findings=()) -> Outcome:
    """Record a failure: the full story in error.log, one line in build.json. A previous report stays."""
    write_atomic(directory / LOG, detail)
    outcome = Outcome(agency, "failed", list(findings), error, LOG)
    _write_state(directory, outcome)
    return outcome


# ---------------------------------------------------------------- the worker side
_worker: dict = {}


def _start_worker(log: Path) -> None:
    """Per worker process: a kernel pool forked from a warm server, and one HTML exporter. The worker's and
    its kernels' stderr (Jupyter's log chatter) go to `log`; each report's own errors go to its error.log."""
    import os

    from .forkkernel import KernelPool
    log.parent.mkdir(parents=True, exist_ok=True)
    os.dup2(os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644), 2)
    from .render import exporter
    pool = KernelPool(preload=PRELOAD)
    atexit.register(pool.close)
    _worker.update(pool=pool, exporter=exporter())


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def run_task(task: Task) -> Outcome:
    """Execute, render and write one report; any failure becomes a failed Outcome, never an exception."""
    import nbformat
    from papermill import PapermillExecutionError

    from . import execute, render
    manager = _worker["pool"].kernel_manager_class if _worker else execute.SameEnvKernelManager
    try:
        nb = execute.execute(task.parameters, task.notebook, task.timeout, manager)
        html = render.to_html(nb, task.title, task.provenance, _worker.get("exporter"))
        results = render.results(nb)
        write_atomic(task.target / NOTEBOOK, nbformat.writes(nb))
        write_results(task.target, results)
        write_atomic(task.target / REPORT, html)
    except PapermillExecutionError as err:
        return _fail(task.target, task.agency, f"cell {err.exec_count}: {err.ename}: {err.evalue}",
                     _ANSI.sub("", "\n".join(err.traceback)), task.findings)
    except Exception as err:  # a dead or hung kernel, a template error, a full disk: this report fails, not the build
        return _fail(task.target, task.agency, _one_line(err), traceback.format_exc(), task.findings)
    (task.target / LOG).unlink(missing_ok=True)
    outcome = Outcome(task.agency, "built", task.findings)
    _write_state(task.target, outcome, task.key)  # last: a build killed before this is redone next time
    return outcome


# ---------------------------------------------------------------- the parent side
@dataclass
class Plan:
    names: dict[str, str]  # every agency of the year: id -> name
    selected: list[str]
    tasks: list[Task]  # reports to build
    decided: list[Outcome]  # skipped, refused, or failed on bad data


def plan(settings: Settings) -> Plan:
    """Load and check the year, and decide what to build."""
    year, data_dir = settings.year, settings.data_dir
    year_data = load_year(data_dir, year, tolerant=True)
    prev = load_previous(data_dir, year, tolerant=True)
    selected = list(settings.agencies or year_data.agencies)
    for agency in selected:
        if agency not in year_data.agencies:
            raise DataError(year_data.path / "agencies.csv", f"no agency {agency!r} in this year's data")
    code = hashlib.sha256((code_fingerprint() + webfont.fingerprint()).encode()).hexdigest()
    tasks, decided = [], []
    for agency in selected:
        target = outputs.agency_dir(settings.output_dir, year, agency)
        for stale in target.glob(".*.tmp"):  # left by a build that was killed mid-write (the lock: no other runs)
            stale.unlink()
        try:
            cur = year_data.agency(agency)
            before = previous_agency(prev, agency)
        except DataError as err:
            decided.append(_fail(target, agency, shown_error(str(err), data_dir).replace("\n", "\n    "),
                                 f"{err}\n"))  # a line a problem
            continue
        shown = {"agency_id": agency, "year": year, "data_dir": str(data_dir), "title_form": settings.title_form,
                 **settings.parameters}
        prov = provenance(settings.notebook, data_dir, cur, before, shown)
        key = input_key(prov, code, settings.strict)
        state = read_state(target) or {}
        if not settings.force and state.get("key") == key and (target / REPORT).is_file():
            # the same inputs and code: the same findings as last time
            decided.append(Outcome(agency, "skipped", [checks.Finding.from_record(f) for f in state["findings"]]))
            continue
        findings = checks.check_agency(cur, before)
        if settings.strict and checks.has_errors(findings):
            outcome = Outcome(agency, "refused", findings, "--strict: the data breaks consistency rules")
            _write_state(target, outcome)
            decided.append(outcome)
            continue
        tasks.append(Task(agency, narrative.title(cur.agency, year, settings.title_form), target, settings.notebook,
                          {**shown, "data_dir": str(data_dir.resolve())}, prov, key, settings.timeout, findings))
    return Plan({a.id: a.name for a in year_data.agencies.values()}, selected, tasks, decided)


def run(tasks: list[Task], jobs: int, progress, log: Path) -> list[Outcome]:
    """Run the tasks on `jobs` worker processes (their stderr to `log`); progress(outcome) after each."""
    if not tasks:
        return []
    outcomes = []
    context = multiprocessing.get_context("spawn")  # workers start clean: no inherited threads or sockets
    with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=context, initializer=_start_worker,
                             initargs=(log,)) as pool:
        pending = {pool.submit(run_task, t): t for t in tasks}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                task = pending.pop(future)
                try:
                    outcome = future.result()
                except Exception as err:  # the worker process itself died
                    outcome = _fail(task.target, task.agency, f"worker died: {_one_line(err)}",
                                    traceback.format_exc(), task.findings)
                outcomes.append(outcome)
                progress(outcome)
    return outcomes


def build(settings: Settings, stream=sys.stderr) -> list[Outcome]:
    """Build the selected agencies of settings.year and write the year's index page; progress goes to
    `stream`. Returns the outcomes in agency order."""
    missing = settings.pdf and pdf.available()
    if missing:
        raise BuildError(f"--pdf needs Chromium, which is missing; install it with: {missing}")
    year_dir = outputs.year_dir(settings.output_dir, settings.year)
    year_dir.mkdir(parents=True, exist_ok=True)
    with open(year_dir / LOCK, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when the build ends, or dies
        except BlockingIOError:
            raise BuildError(f"another govreport build is writing to {year_dir}; wait for it to end") from None
        return _build(settings, year_dir, stream)


def _build(settings: Settings, year_dir: Path, stream) -> list[Outcome]:
    from .index import write_index
    todo = plan(settings)
    progress = Progress(len(todo.selected), str(settings.year), stream)
    for outcome in todo.decided:
        progress(outcome)
    try:
        built = run(todo.tasks, settings.jobs, progress, year_dir / WORKER_LOG)
    finally:
        progress.close()
    outcomes = todo.decided + built
    if settings.pdf:
        print_pdfs(year_dir, outcomes, stream)
    write_index(year_dir, settings.year, todo.names)
    rank = {a: i for i, a in enumerate(todo.selected)}
    return sorted(outcomes, key=lambda o: rank[o.agency])


def print_pdfs(year_dir: Path, outcomes: list[Outcome], stream) -> None:
    """report.pdf beside each report.html that is new or has none yet, with one Chromium; a failure fails
    that agency's outcome only."""
    def stale(directory: Path) -> bool:
        html, printed = directory / REPORT, directory / PDF
        return not printed.is_file() or printed.stat().st_mtime_ns < html.stat().st_mtime_ns

    todo = [o for o in outcomes if o.ok and stale(year_dir / o.agency)]
    if not todo:
        return
    with pdf.PdfPrinter() as printer:
        for outcome in todo:
            directory = year_dir / outcome.agency
            try:
                printer.print(directory / REPORT, directory / PDF)
            except Exception as err:
                failed = _fail(directory, outcome.agency, f"PDF: {_one_line(err)}", traceback.format_exc(),
                               outcome.findings)
                outcome.status, outcome.error, outcome.log = failed.status, failed.error, failed.log
            print(f"[pdf] {outcome.status:8} {outcome.agency}", file=stream, flush=True)


class Progress:
    """A progress bar (done / total, failures, time left) on a terminal; plain log lines otherwise."""

    def __init__(self, total: int, label: str, stream=sys.stderr):
        self.stream, self.label, self.total, self.done, self.failed = stream, label, total, 0, 0
        self.bar = None
        if stream.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total, desc=label, unit="report", file=stream)

    def __call__(self, outcome: Outcome) -> None:
        self.done += 1
        self.failed += not outcome.ok
        line = safe(f"{outcome.status:8} {outcome.agency}" + (f": {outcome.error}" if outcome.error else ""))
        if self.bar is not None:
            self.bar.set_postfix(failed=self.failed)
            self.bar.update()
            if not outcome.ok:
                self.bar.write(line)
        else:
            print(f"[{self.label} {self.done}/{self.total}] {line}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
