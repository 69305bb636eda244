"""Build a year's reports: parallel, incremental, resilient.

The parent loads and checks the year's data, decides which agencies need a build (their inputs changed, or
--force), and hands those to worker processes. Each worker keeps a pool of warm, forked kernels (a brand-new
kernel per report) and one HTML exporter, and sends back what it made: only the parent, which holds the
year's lock, writes into <out>/<year>/, and nothing it started outlives it. One agency's failure (even its
worker's death, or a full disk) never stops the others; every file is written atomically; each agency's state
is in <out>/<year>/<agency>/build.json.
"""
from __future__ import annotations

import atexit
import contextlib
import ctypes
import fcntl
import functools
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import checks, narrative, outputs, pdf, project, region, webfont
from .config import Settings
from .dataset import (REGION_FILE, DataError, DataErrors, YearData, load_previous, load_region, load_year,
                      previous_agency)
from .files import write_atomic, write_atomic_bytes
from .outputs import DOCX, LOCK, LOG, NOTEBOOK, PDF, REPORT, RESULTS, WORKER_LOG, read_state, write_state
from .project import REGION_NOTEBOOK
from .provenance import PACKAGE, data_digest, package_sources, provenance, region_files, shown_error, versions
from .terminal import safe

PRELOAD = ("pandas", "matplotlib.pyplot", "matplotlib.backends.backend_agg", "IPython.display", "govreport.report",
           "govreport.charts:warm_up")
_PR_SET_PDEATHSIG = 1


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
    report: Path | None = None  # where the HTML goes: default target/REPORT (the region's: beside the index)
    docx: bool = False  # also make the Word document (DOCX, beside the HTML)

    def path(self, name: str) -> Path:
        if name in (REPORT, DOCX):  # beside the page (the region's: beside the index)
            page = self.report or self.target / REPORT
            return page if name == REPORT else outputs.beside(page, DOCX)
        return self.target / name


def code_fingerprint() -> str:
    """The package's own code and templates: a change to any of them rebuilds every report."""
    digest = hashlib.sha256()
    for path in package_sources():
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def input_key(prov: dict, code: str, strict: bool) -> str:
    """The hash of everything a report depends on (see Task.provenance, plus our code and --strict)."""
    return hashlib.sha256(json.dumps([prov, code, strict], sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _state(outcome: Outcome, key: str = "") -> dict:
    return {**asdict(outcome), "findings": checks.findings_records(outcome.findings), "key": key}


def _write_state(directory: Path, outcome: Outcome, key: str = "") -> None:
    write_state(directory, _state(outcome, key))


def _one_line(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}".splitlines()[0]


def _cannot_write(err: OSError) -> str:
    return f"cannot write {err.filename}: {err.strerror}" if err.filename else _one_line(err)


def _fail(directory: Path, agency: str, error: str, detail: str, findings=()) -> Outcome:
    """Record a failure: the full story in error.log, one line in build.json. A previous report stays.

    Never raises: what cannot be written (a read-only or full disk) is added to the outcome's error."""
    outcome = Outcome(agency, "failed", list(findings), error)
    try:
        write_atomic(directory / LOG, detail)
        outcome.log = LOG
        _write_state(directory, outcome)
    except OSError as err:
        if _cannot_write(err) != error:
            outcome.error += f" (and {_cannot_write(err)})"
    return outcome


def _record(task: Task, made: Made) -> Outcome:
    """In the build that holds the lock: write what a worker made of `task` (its files, or its failure)."""
    if made.error:
        return _fail(task.target, task.agency, made.error, made.detail, task.findings)
    outcome = Outcome(task.agency, "built", task.findings)
    try:
        for name, content in made.files.items():  # in order: the document after the page (_stale_docx)
            (write_atomic_bytes if isinstance(content, bytes) else write_atomic)(task.path(name), content)
        (task.target / LOG).unlink(missing_ok=True)
        _write_state(task.target, outcome, task.key)  # last: a build killed before this is redone next time
    except OSError as err:
        return _fail(task.target, task.agency, _cannot_write(err), traceback.format_exc(), task.findings)
    return outcome


# ---------------------------------------------------------------- the worker side
_worker: dict = {}
STOP_GRACE = 5  # seconds a stopped worker gets to exit cleanly before SIGALRM ends it


@dataclass
class Made:
    """What a worker made of a task: the report's files (name -> text, or bytes), or why there are none.
    Workers write nothing into the outputs: the parent, which holds the build lock, writes this (see _record)."""

    files: dict[str, str | bytes]
    error: str = ""
    detail: str = ""


def _serve(conn, log: Path, parent: int, answer=None) -> None:
    """A worker process: make each task received on `conn` and send back what it made (or, given `answer`, what
    answer(request) returns: the preview's worker), until EOF."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    signal.signal(signal.SIGTERM, _stop_worker)
    _start_worker(log)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        conn.send((answer or make)(task))


def _die_with_parent(parent: int) -> None:
    """SIGTERM this process when the build that started it dies, even by SIGKILL (Linux: PR_SET_PDEATHSIG,
    tied to the parent's thread that started us, which waits for the workers until they end)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before prctl took effect
        sys.exit(1)


def _stop_worker(signum, frame) -> None:
    """SIGTERM: kill the kernels now, then exit through atexit (KernelPool.close); should that stall,
    SIGALRM ends the process, and the fork server goes with it (its stdin closes)."""
    signal.alarm(STOP_GRACE)
    if "pool" in _worker:
        _worker["pool"].abort()
    sys.exit(128 + signum)


def _start_worker(log: Path) -> None:
    """Per worker process: a kernel pool forked from this very process once it has imported what the kernels
    need (no second Python to start and import it all again), and one HTML exporter. The worker's and its
    kernels' stderr (Jupyter's log chatter) go to `log`; each report's own errors go to its error.log."""
    from .forkkernel import KernelPool
    log.parent.mkdir(parents=True, exist_ok=True)
    os.dup2(os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644), 2)
    _worker["pool"] = KernelPool(preload=PRELOAD, inherit=True)
    atexit.register(_worker["pool"].close)
    from .render import exporter
    _worker["exporter"] = exporter()


@contextlib.contextmanager
def _kernels_here(log: Path) -> Iterator[None]:
    """make() in this process, with one kernel forked ahead from a fork server forked from this process (or,
    where this process cannot fork safely, e.g. it runs threads, a server of its own); Jupyter's chatter to
    `log`. The server and its kernels end with the block, or with this process."""
    from .forkkernel import KernelPool, KernelStartError
    log.parent.mkdir(parents=True, exist_ok=True)
    with _stderr_to(log):  # what importing the kernel's modules prints (debugpy's warnings)
        try:
            pool = KernelPool(preload=PRELOAD, inherit=True, log=log)
        except KernelStartError:
            pool = KernelPool(preload=PRELOAD, log=log)
    pool.prefork = 0  # the kernel forked ahead is the only one needed: no spare after it
    _worker["pool"] = pool
    try:
        yield
    finally:
        _worker.clear()
        pool.close()


@contextlib.contextmanager
def _stderr_to(log: Path) -> Iterator[None]:
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(log, "a") as f:
            os.dup2(f.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def make(task: Task) -> Made:
    """Execute and render one report; any failure becomes a Made with an error, never an exception."""
    import nbformat
    from papermill import PapermillExecutionError

    from . import execute, render
    manager = _worker["pool"].kernel_manager_class if _worker else execute.SameEnvKernelManager
    try:
        nb = execute.execute(task.parameters, task.notebook, task.timeout, manager)
        html = render.to_html(nb, task.title, task.provenance, _worker.get("exporter"))
        results = outputs.dumps(render.results(nb))
        files = {NOTEBOOK: nbformat.writes(nb), RESULTS: results, REPORT: html}
        if task.docx:
            from . import word
            files[DOCX] = word.for_build(task.parameters, task.provenance)
    except PapermillExecutionError as err:
        return Made({}, f"cell {err.exec_count}: {err.ename}: {err.evalue}", _ANSI.sub("", "\n".join(err.traceback)))
    except Exception as err:  # a dead or hung kernel, a template error: this report fails, not the build
        return Made({}, _one_line(err), traceback.format_exc())
    return Made(files)


def run_task(task: Task) -> Outcome:
    """Make and write one report in this process (no worker, an ordinary kernel)."""
    return _record(task, make(task))


# ---------------------------------------------------------------- the parent side
@dataclass
class Plan:
    names: dict[str, str]  # every agency of the year: id -> name
    selected: list[str]
    tasks: list[Task]  # reports to build
    decided: list[Outcome]  # skipped, refused, or failed on bad data


PLAN_MEMO = ".plan.json"  # in <out>/<year>/: the last plan's keys, and the digest of what they were made from


def plan(settings: Settings) -> Plan:
    """Load and check the year, and decide what to build.

    When nothing that plan() reads changed since the last plan into the same output directory (the same
    inputs_digest) and every report is there with that plan's key, the year is not even loaded: each report
    is skipped with the findings it had (a no-change rebuild of 1000 agencies: 0.3 s rather than 3 s)."""
    code = hashlib.sha256((code_fingerprint() + webfont.fingerprint()).encode()).hexdigest()
    inputs = inputs_digest(settings, code)
    memo = outputs.year_dir(settings.output_dir, settings.year) / PLAN_MEMO
    todo = None if settings.force else _unchanged(settings, memo, inputs)
    if todo is None:
        todo = _plan(settings, code)
        _remember(memo, inputs, todo, settings)
    return todo


def inputs_digest(settings: Settings, code: str) -> str:
    """One hash of everything plan() reads: every file under the data of the year and of the year before,
    the notebooks, the settings that go into a report, govreport's code and the versions a report states."""
    shown = settings.model_dump(mode="json", exclude={"jobs", "scheduler", "force", "pdf"})
    digest = hashlib.sha256(json.dumps([shown, str(Path(settings.data_dir).resolve()), code, versions()],
                                       sort_keys=True, ensure_ascii=False).encode())
    files = [str(settings.notebook), str(region_notebook(settings.notebook))]
    for year in (settings.year - 1, settings.year):
        for root, dirs, names in os.walk(Path(settings.data_dir) / str(year)):
            files += [os.path.join(root, name) for name in names]
    for path in sorted(files):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            with open(path, "rb") as f:
                digest.update(f"{path}\0{hashlib.sha256(f.read()).hexdigest()}\0".encode())
    return digest.hexdigest()


def _unchanged(settings: Settings, memo: Path, inputs: str) -> Plan | None:
    """The plan when the memo is of these very inputs and each report it planned is there with its key."""
    remembered = outputs._read(memo)
    if not remembered or remembered.get("inputs") != inputs:
        return None
    decided = []
    for agency, key in remembered["keys"].items():
        target, report = _target(settings, agency)
        state = read_state(target) or {}
        if state.get("key") != key or not report.is_file() or _stale_docx(settings, report):
            return None
        decided.append(Outcome(agency, "skipped", [checks.Finding.from_record(f) for f in state["findings"]]))
    for agency in remembered["keys"]:
        for stale in _target(settings, agency)[0].glob(".*.tmp"):  # as _plan does
            stale.unlink()
    return Plan(remembered["names"], remembered["selected"], [], decided)


def _target(settings: Settings, agency: str) -> tuple[Path, Path]:
    """An agency's directory (the region's: outputs.REGION_DIR) and its report."""
    return (outputs.agency_dir(settings.output_dir, settings.year, agency),
            outputs.page(settings.output_dir, settings.year, agency))


def _remember(memo: Path, inputs: str, todo: Plan, settings: Settings) -> None:
    """Record the plan's key of every report it builds or skips; none when any report was decided otherwise
    (bad data, --strict), as such a plan must run again. A memo that cannot be written is no error."""
    keys = {task.agency: task.key for task in todo.tasks}
    for outcome in todo.decided:
        if outcome.status != "skipped":
            with contextlib.suppress(OSError):
                memo.unlink(missing_ok=True)
            return
        keys[outcome.agency] = (read_state(_target(settings, outcome.agency)[0]) or {}).get("key")
    with contextlib.suppress(OSError):
        write_atomic(memo, json.dumps({"inputs": inputs, "keys": keys, "names": todo.names,
                                       "selected": todo.selected}, ensure_ascii=False))


def _plan(settings: Settings, code: str) -> Plan:
    year, data_dir = settings.year, settings.data_dir
    year_data = load_year(data_dir, year, tolerant=True)
    prev = load_previous(data_dir, year, tolerant=True)
    selected = list(settings.agencies or year_data.agencies)
    for agency in selected:
        if agency not in year_data.agencies:
            raise DataError(year_data.path / "agencies.csv", f"no agency {agency!r} in this year's data")
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
        if not settings.force and state.get("key") == key and (target / REPORT).is_file() \
                and not _stale_docx(settings, target / REPORT):
            # the same inputs and code: the same findings as last time
            decided.append(Outcome(agency, "skipped", [checks.Finding.from_record(f) for f in state["findings"]]))
            continue
        findings = checks.check_agency(cur, before)
        if settings.strict and checks.has_errors(findings):
            outcome = Outcome(agency, "refused", findings, "--strict: the data breaks consistency rules")
            try:
                _write_state(target, outcome)
            except OSError as err:
                outcome.error += f" (and {_cannot_write(err)})"
            decided.append(outcome)
            continue
        tasks.append(Task(agency, narrative.title(cur.agency, year, settings.title_form), target, settings.notebook,
                          {**shown, "data_dir": str(data_dir.resolve())}, prov, key, settings.timeout, findings,
                          docx=settings.docx))
    for todo in filter(None, [_plan_region(settings, year_data, prev, code)]):
        (tasks if isinstance(todo, Task) else decided).append(todo)
    return Plan({a.id: a.name for a in year_data.agencies.values()}, selected, tasks, decided)


def region_notebook(notebook: Path) -> Path:
    """The region's notebook: the project's beside its agency notebook, else the one shipped with govreport."""
    own = Path(notebook).with_name(REGION_NOTEBOOK.name)
    return own if own.is_file() else project.package_file(REGION_NOTEBOOK.as_posix())


def _plan_region(settings: Settings, year_data: YearData, prev: YearData | None, code: str) -> Task | Outcome | None:
    """The region's report, when the whole year is built and it has a region.csv: a Task when its inputs
    (every summed agency's data this year and last, the region's files, notebook, code) changed; else skipped,
    or failed on bad data (any agency's: a sum would be wrong)."""
    year, data_dir = settings.year, settings.data_dir
    if settings.agencies is not None or not (year_data.path / REGION_FILE).is_file():
        return None
    target, agency = outputs.region_dir(settings.output_dir, year), outputs.REGION_DIR
    notebook = region_notebook(settings.notebook)
    try:
        bad = [*year_data.invalid.values(), *(prev.invalid.values() if prev else ())]
        if bad:
            raise DataErrors(bad)
        the_region = load_region(data_dir, year)
        cur, before = region.region_data(the_region, year_data, prev)
        digests = {str(y.year): data_digest(sums) + "".join(data_digest(y.agency(a)) for a in region.members(
            y, cur.agency.group)) for y, sums in ((prev, before), (year_data, cur)) if y is not None}
    except DataError as err:
        target.mkdir(parents=True, exist_ok=True)
        return _fail(target, agency, shown_error(str(err), data_dir).replace("\n", "\n    "), f"{err}\n")
    shown = {"year": year, "data_dir": str(data_dir), "group": cur.agency.group}
    prov = {**provenance(notebook, data_dir, cur, before, shown), "files": region_files(data_dir, year),
            "data": {y: hashlib.sha256(d.encode()).hexdigest() for y, d in digests.items()}}
    key = input_key(prov, code, settings.strict)
    report = outputs.year_dir(settings.output_dir, year) / outputs.REGION_REPORT
    state = read_state(target) or {}
    if not settings.force and state.get("key") == key and report.is_file() \
            and not _stale_docx(settings, report):
        return Outcome(agency, "skipped", [checks.Finding.from_record(f) for f in state["findings"]])
    findings = checks.check_agency(cur, before)
    if settings.strict and checks.has_errors(findings):
        refused = Outcome(agency, "refused", findings, "--strict: the data breaks consistency rules")
        target.mkdir(parents=True, exist_ok=True)
        _write_state(target, refused)
        return refused
    return Task(agency, narrative.title(cur.agency, year), target, notebook,
                {**shown, "data_dir": str(data_dir.resolve())}, prov, key, settings.timeout, findings, report,
                docx=settings.docx)


def _stale_docx(settings: Settings, page: Path) -> bool:
    """With docx on, a report whose document is missing or older than its page (made by a build with docx
    off) is rebuilt; with docx off, a document is neither made nor deleted."""
    return settings.docx and outputs.stale(page, outputs.beside(page, DOCX))


def local(tasks: list[Task], jobs: int, log: Path, note) -> Iterator[tuple[Task, Made]]:
    """The local engine: make the tasks on `jobs` worker processes (their stderr to `log`); yields each task
    with what was made of it as it finishes (dask_engine is the other, with the same guarantees). A single
    task is made in this process (_kernels_here): no worker to start, its kernel still a fresh process.

    A worker that dies fails only the report it was making, after one retry in a fresh worker (note(line)
    says so); the others go on. Workers end with this generator (closed, or this process dying): none is left."""
    if len(tasks) == 1:  # one report: no worker process to start (its kernel is still a process of its own)
        with _kernels_here(log):
            yield tasks[0], make(tasks[0])
        return
    todo = list(reversed(tasks))  # pop() gives the next task
    workers, retried = [], set()

    def hire(task: Task) -> None:
        workers.append(_Worker(log, task))

    try:
        for _ in range(min(jobs, len(tasks))):
            hire(todo.pop())
        while workers:
            ready = multiprocessing.connection.wait([w.conn for w in workers] + [w.process.sentinel for w in workers])
            for worker in [w for w in workers if w.conn in ready or w.process.sentinel in ready]:
                task, made = worker.task, worker.result()
                died = made is None
                if died:  # the worker died: this task may fail, no other
                    workers.remove(worker)
                    death = worker.close()
                    if task.agency not in retried:
                        retried.add(task.agency)
                        note(f"retrying {task.agency}: its worker process died ({death})")
                        hire(task)
                        continue
                    made = Made({}, f"its worker process died twice ({death})",
                                f"{task.agency}: the worker process making this report died ({death}), "
                                "and again in a fresh worker\n")
                yield task, made
                if todo and died:
                    hire(todo.pop())
                elif todo:
                    worker.give(todo.pop())
                elif not died:
                    workers.remove(worker)
                    worker.close()
    finally:
        for worker in workers:  # interrupted (SIGTERM, Ctrl-C): stop the rest
            worker.process.terminate()
        for worker in workers:
            worker.close()


def run(made: Iterator[tuple[Task, Made]], progress: Progress) -> list[Outcome]:
    """Write what an engine makes as it comes (only this process, which holds the lock, writes); progress after
    each. Interrupted, the engine is closed: it stops its workers (or cancels its tasks)."""
    outcomes = []
    with contextlib.closing(made):
        for task, one in made:
            outcomes.append(_record(task, one))
            progress(outcomes[-1])
    return outcomes


# ---------------------------------------------------------------- the Dask engine (--scheduler)
# Each task is submitted to a Dask scheduler with the public API (Client.submit, as_completed). No shared file
# system: a task carries its agency's own data files (its narratives, this year's and last) as bytes, and the
# files every task reads (the notebook, the years' tables) are sent once, to be fetched once by each worker;
# the worker recreates them in a temporary directory named as on the client (a report shows the data directory
# by its name only) and sends back the Made, which run() writes here, as a local build's. Each worker process
# keeps a warm kernel pool and one exporter (daskworker.WarmKernels), as a local worker does. A worker that dies
# mid-report has its task rerun elsewhere by the scheduler (its `allowed-failures`). Dask is imported only when
# a build names a scheduler.
CONNECT_TIMEOUT = "30s"
KERNEL_START_RETRIES = 2  # a report whose kernel did not start (a loaded machine, a dead fork server) is retried
KERNEL_START_FAILED = ("KernelStartError: ", "RuntimeError: Kernel died before replying to kernel_info",
                       "RuntimeError: Kernel didn't respond in ")  # make's error line, when it is that


@dataclass
class Parcel:
    """A task as a worker with no access to the client's files receives it (with the shared files beside it)."""

    task: Task  # its paths are the client's: the worker uses none of them
    data_name: str  # the data directory's name (the report shows it, and only it)
    files: dict[str, bytes]  # its own files, relative to the data directory
    release: tuple[str, str]  # the client's govreport version and code fingerprint


@functools.cache
def release() -> tuple[str, str]:
    """This process's govreport: its version and code (a different code makes a different report)."""
    from . import __version__
    return __version__, code_fingerprint()


def data_files(task: Task) -> list[str]:
    """The data files a task's report reads, relative to its data directory: those its provenance lists; the
    region's reads every agency's narrative as well (load_year), so all the files of its two years."""
    if task.agency != outputs.REGION_DIR:
        return task.provenance["files"]
    root, year = Path(task.parameters["data_dir"]), task.parameters["year"]
    return sorted(p.relative_to(root).as_posix() for y in (year - 1, year) for p in (root / str(y)).rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))


def shared(name: str) -> bool:
    """A file of the whole year (agencies.csv, a section's table, region.csv), which every task reads."""
    return name.count("/") == 1


def parcel(task: Task, client_release: tuple[str, str]) -> Parcel:
    data_dir = Path(task.parameters["data_dir"])
    return Parcel(task, data_dir.name, {name: (data_dir / name).read_bytes() for name in data_files(task)
                                        if not shared(name)}, client_release)


def make_remote(p: Parcel, notebook: bytes, year_files: dict[str, bytes]) -> Made:
    """On a worker: refuse a different govreport, else make the report from the parcel's own files and the
    shared ones (the notebook, the years' tables), in a kernel of this worker's warm pool."""
    from distributed import get_worker

    from . import daskworker
    mine = release()
    if mine != p.release:
        return Made({}, f"worker {get_worker().address} runs govreport {mine[0]} (code {mine[1][:12]}), the client "
                        f"{p.release[0]} (code {p.release[1][:12]}): install the same govreport on every worker")
    _worker.update(daskworker.warm())
    with tempfile.TemporaryDirectory(prefix="govreport-") as tmp:
        data_dir = Path(tmp) / p.data_name
        for name, content in [*year_files.items(), *p.files.items()]:
            (data_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (data_dir / name).write_bytes(content)
        notebook_path = Path(tmp) / Path(p.task.notebook).name
        notebook_path.write_bytes(notebook)
        task = Task(p.task.agency, p.task.title, Path(tmp), notebook_path,
                    {**p.task.parameters, "data_dir": str(data_dir)}, p.task.provenance, p.task.key, p.task.timeout, [],
                    docx=p.task.docx)
        made = make(task)
    if made.error.startswith(KERNEL_START_FAILED):  # nothing of the report ran: the scheduler tries it again
        daskworker.reset()  # in a new pool: this one's fork server may be what fails
        from .forkkernel import KernelStartError
        raise KernelStartError(f"{made.error} (on Dask worker {get_worker().address})\n{made.detail}")
    return made


def _content(data: bytes) -> bytes:
    """A shared file as a task of its own, not scattered data: should every worker holding it die (the cluster
    keeps one copy), the scheduler makes it again from the task."""
    return data


def dask_engine(tasks: list[Task], scheduler: str) -> Iterator[tuple[Task, Made]]:
    """The Dask engine: make the tasks on the cluster at `scheduler`; yields each task with what was made of
    it as it finishes. Closed early (Ctrl-C, SIGTERM), it cancels what is still queued or running."""
    if not tasks:  # every report skipped: no need of the cluster
        return
    from distributed import Client, as_completed
    from distributed.scheduler import KilledWorker

    from .daskworker import WarmKernels

    futures, sent, mine = {}, {}, release()
    with Client(scheduler, timeout=CONNECT_TIMEOUT) as client:
        try:
            client.register_plugin(WarmKernels(PRELOAD))

            def send(path: Path):  # each shared file once, by content (two builds' files never mix)
                if path not in sent:
                    sent[path] = client.submit(_content, path.read_bytes())
                return sent[path]

            for task in tasks:
                data_dir = Path(task.parameters["data_dir"])
                year_files = {name: send(data_dir / name) for name in data_files(task) if shared(name)}
                futures[client.submit(make_remote, parcel(task, mine), send(Path(task.notebook)), year_files,
                                      pure=False, retries=KERNEL_START_RETRIES)] = task
            for future in as_completed(futures):
                try:
                    made = future.result()
                except KilledWorker as err:
                    made = Made({}, f"its Dask workers died while making it ({_one_line(err)})",
                                traceback.format_exc())
                except Exception as err:  # e.g. the worker could not unpickle the task
                    made = Made({}, f"on the Dask cluster: {_one_line(err)}", traceback.format_exc())
                future.release()  # the worker forgets it: a build's reports never pile up in the cluster's memory
                yield futures.pop(future), made
        finally:
            client.cancel([*futures, *sent.values()])


class _Worker:
    """One worker process (spawned: it starts clean, with no inherited threads or sockets) and its task.
    `answer`: what the worker does with each request instead of make() (a module-level function: it is sent)."""

    def __init__(self, log: Path, task: Task | None = None, answer=None):
        context = multiprocessing.get_context("spawn")
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, log, os.getpid(), answer), daemon=True)
        self.process.start()
        theirs.close()
        if task is not None:
            self.give(task)

    def give(self, task: Task) -> None:
        self.task = task
        self.conn.send(task)

    def result(self) -> Made | None:
        """What the worker made of its task, or None if it died without saying."""
        try:
            return self.conn.recv() if self.conn.poll() else None
        except (EOFError, OSError):
            return None

    def close(self) -> str:
        """End the worker (it exits on EOF, or was told to) and say how it ended."""
        self.conn.close()
        self.process.join(STOP_GRACE + 5)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join()
        code = self.process.exitcode
        return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"


def build(settings: Settings, stream=sys.stderr) -> list[Outcome]:
    """Build the selected agencies of settings.year and write the year's index page; progress goes to
    `stream`. Returns the outcomes in agency order. SIGTERM or Ctrl-C stops every worker and raises
    BuildError; what was finished stays, and the next build carries on."""
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
        try:
            with _sigterm_interrupts():
                return _build(settings, year_dir, stream)
        except KeyboardInterrupt:
            raise BuildError(f"interrupted: every worker is stopped; the reports finished are in {year_dir}, "
                             "and the next build carries on") from None


@contextlib.contextmanager
def _sigterm_interrupts():
    """SIGTERM raises KeyboardInterrupt, as Ctrl-C does, so that `run` stops its workers on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _build(settings: Settings, year_dir: Path, stream) -> list[Outcome]:
    from .index import write_index
    todo = plan(settings)
    progress = Progress(len(todo.tasks) + len(todo.decided), str(settings.year), stream)
    for outcome in todo.decided:
        progress(outcome)
    try:
        if settings.scheduler:
            engine = dask_engine(todo.tasks, settings.scheduler)
        else:
            engine = local(todo.tasks, settings.jobs, year_dir / WORKER_LOG, progress.note)
        built = run(engine, progress)
    finally:
        progress.close()
    outcomes = todo.decided + built
    if settings.pdf:
        print_pdfs(year_dir, outcomes, stream)
    if settings.fragment:
        write_fragments(year_dir, outcomes)
    try:  # this build's failures as they are, even where build.json could not be written
        write_index(year_dir, settings.year, todo.names,
                    {o.agency: _state(o) for o in outcomes if not o.ok})
    except OSError as err:
        print(f"govreport: {_cannot_write(err)}; the index is out of date", file=stream, flush=True)
    rank = {a: i for i, a in enumerate([*todo.selected, outputs.REGION_DIR])}
    return sorted(outcomes, key=lambda o: rank[o.agency])


def print_pdfs(year_dir: Path, outcomes: list[Outcome], stream) -> None:
    """report.pdf beside each report.html (region.pdf beside region.html) that is new or has none yet, with one
    Chromium; a failure fails that agency's outcome only."""
    def pages(agency: str) -> tuple[Path, Path]:  # the report and its PDF
        page = outputs.page(year_dir.parent, int(year_dir.name), agency)
        return page, outputs.beside(page, PDF)

    todo = [o for o in outcomes if o.ok and outputs.stale(*pages(o.agency))]
    if not todo:
        return
    with pdf.PdfPrinter() as printer:
        for outcome in todo:
            directory = year_dir / outcome.agency
            try:
                printer.print(*pages(outcome.agency))
            except Exception as err:
                _fail_after(directory, outcome, f"PDF: {_one_line(err)}")
            print(f"[pdf] {outcome.status:8} {outcome.agency}", file=stream, flush=True)


def _fail_after(directory: Path, outcome: Outcome, error: str) -> None:
    """A built report whose PDF or fragment could not be made fails after all (in the except clause: its
    traceback goes to the error log)."""
    failed = _fail(directory, outcome.agency, error, traceback.format_exc(), outcome.findings)
    outcome.status, outcome.error, outcome.log = failed.status, failed.error, failed.log


def write_fragments(year_dir: Path, outcomes: list[Outcome]) -> None:
    """report.fragment.html beside each report.html (region.fragment.html beside region.html) that is new or
    has none yet (fragment.py); a failure fails that agency's outcome only."""
    from . import fragment
    for outcome in outcomes:
        page = outputs.page(year_dir.parent, int(year_dir.name), outcome.agency)
        if not outcome.ok or not outputs.stale(page, fragment.path(page)):
            continue
        try:
            fragment.write(page)
        except Exception as err:
            _fail_after(year_dir / outcome.agency, outcome, f"fragment: {_one_line(err)}")


class Progress:
    """A progress bar (done / total, failures, time left) on a terminal; plain log lines otherwise."""

    def __init__(self, total: int, label: str, stream=sys.stderr):
        self.stream, self.label, self.total, self.done, self.failed = stream, label, total, 0, 0
        self.bar = None
        if stream.isatty():
            from tqdm import tqdm
            tqdm.monitor_interval = 0  # no monitor thread: a one-report build forks its kernel server from here
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

    def note(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line)
        else:
            print(f"[{self.label}] {line}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
