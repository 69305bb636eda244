"""Batch build benchmark: wall time per report and peak memory, on a synthetic year of N agencies.

    python benchmarks/batch.py                   # N = 50
    python benchmarks/batch.py --n1000           # N = 50, then N = 1000 (about 25 minutes on 2 cores)
    python benchmarks/batch.py --sizes 200 --loop-sample 5 --jobs 2

For each N, on the same data (benchmarks/synthetic.py), it times
  (a) the obvious loop: the `papermill` CLI then `jupyter nbconvert --to html`, one agency after another, on an
      evenly spaced sample of the agencies (--loop-sample; it costs seconds per report);
  (b) `govreport build -j <jobs> --force`, a subprocess timed as a whole (start-up included), then the same
      command without --force (nothing changed: every report skipped); peak memory is the summed PSS of its
      whole process tree (parent, workers, fork servers, kernels), sampled every 0.1 s;
  (c) the in-process floor: a plain Python subprocess that makes each report's narrative, tables and charts
      with govreport's functions and writes one HTML page per agency: no Jupyter, no nbconvert. Like (b)'s
      pages, each embeds its own web font (govreport.webfont.embed). Timed as a subprocess (start-up
      included) and, inside it, after its imports.
Then the no-change rebuild of the shipped sample data (data/ of this repository, copied).

Every run gets an empty cache directory (XDG_CACHE_HOME; matplotlib's font list copied in): each build is a
first build of new data, as a user's would be. The no-change rebuild shares its build's cache, as a user's
rerun would.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from html import escape
from importlib.metadata import version
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "govreport" / "project" / "notebooks" / "agency_report.ipynb"
BIN = Path(sys.executable).parent  # the CLIs of this environment
KERNEL = "python3"  # ipykernel's own kernelspec: jupyter_client runs its "python" as papermill's sys.executable
VERSIONS = ("govreport", "papermill", "nbclient", "nbconvert", "jupyter_client", "ipykernel", "pandas",
            "matplotlib", "fonttools", "psutil")
TARGETS = {"speedup": 12.0, "floor": 1.5, "memory": 1.2, "rebuild": 2.0, "run": 2.5}


def agency_ids(data_dir: Path, year: int) -> list[str]:
    with (data_dir / str(year) / "agencies.csv").open(encoding="utf-8-sig") as f:
        return [row["agency_id"] for row in csv.DictReader(f)]


def spread(items: list, k: int) -> list:
    """k items evenly spaced over `items` (all of them when k >= len)."""
    if k >= len(items):
        return list(items)
    return [items[i * len(items) // k] for i in range(k)]


def fresh_env(work: Path) -> dict:
    """The environment for one timed run: a new, empty cache directory, but matplotlib's font list kept."""
    import matplotlib
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    shutil.copytree(matplotlib.get_cachedir(), cache / "matplotlib")
    return {**os.environ, "XDG_CACHE_HOME": str(cache)}


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's ended descendants so far (each counts its own, reaped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Timing:
    wall: float  # seconds
    cpu: float  # CPU seconds of the processes it ran


def run(cmd: list, cwd: Path, env: dict, log: Path) -> str:
    """Run cmd; its output goes to `log` (appended); raise with the log's end if it fails. Returns its stdout."""
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True)
    with log.open("a", encoding="utf-8") as f:
        f.write(f"$ {' '.join(map(str, cmd))}\n{done.stdout}{done.stderr}\n")
    if done.returncode:
        raise RuntimeError(f"{cmd[0]} failed ({done.returncode}); see {log}:\n{done.stderr[-2000:]}")
    return done.stdout


# ---------------------------------------------------------------- (a) the obvious loop
def obvious_loop(data_dir: Path, year: int, agencies: list[str], work: Path) -> Timing:
    """papermill then nbconvert (the CLIs, as subprocesses) for each agency in turn."""
    env, log = fresh_env(work), work / "loop.log"
    out = work / "loop"
    out.mkdir()
    cpu, started = children_cpu(), time.perf_counter()
    for agency in agencies:
        executed = out / f"{agency}.ipynb"
        run([BIN / "papermill", NOTEBOOK, executed, "-k", KERNEL, "--no-progress-bar", "-p", "agency_id", agency,
             "-p", "year", year, "-p", "data_dir", data_dir.resolve()], out, env, log)
        run([BIN / "jupyter", "nbconvert", "--to", "html", executed], out, env, log)
    return Timing(time.perf_counter() - started, children_cpu() - cpu)


# ---------------------------------------------------------------- (b) govreport build, and its memory
class PeakMemory(threading.Thread):
    """Samples the summed PSS (RSS where PSS is unreadable) of a process and all its descendants; .peak in bytes."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.root, self.interval, self.peak = psutil.Process(pid), interval, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, self.sample())
            self.done.wait(self.interval)

    def sample(self) -> int:
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for p in processes:
            try:
                try:
                    total += p.memory_full_info().pss
                except psutil.AccessDenied:
                    total += p.memory_info().rss
            except psutil.NoSuchProcess:  # it ended between the listing and now
                pass
        return total

    def stop(self) -> int:
        self.done.set()
        self.join()
        return self.peak


@dataclass
class Build(Timing):
    peak_mb: float
    summary: str  # its last-but-one stdout line, e.g. "2022: 50 built of 50"


def govreport_build(data_dir: Path, year: int, out: Path, jobs: int, force: bool, work: Path,
                    env: dict | None = None) -> Build:
    """`govreport build` as a subprocess: wall time, peak PSS of its process tree, its summary line."""
    cmd = [BIN / "govreport", "build", "--year", year, "--data", data_dir.resolve(), "--out", out, "-j", jobs]
    cmd = [str(c) for c in cmd + ["--force"] * force]
    log = work / "build.log"
    with log.open("a", encoding="utf-8") as f:
        f.write(f"$ {' '.join(cmd)}\n")
        f.flush()
        cpu, started = children_cpu(), time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=work, env=env or fresh_env(work), stdout=subprocess.PIPE, stderr=f,
                                text=True)
        memory = PeakMemory(proc.pid)
        memory.start()
        stdout = proc.communicate()[0]
        timing = Timing(time.perf_counter() - started, children_cpu() - cpu)
        peak = memory.stop()
        f.write(stdout)
    if proc.returncode:
        raise RuntimeError(f"govreport build failed ({proc.returncode}); see {log}")
    summary = next(line for line in stdout.splitlines() if line.startswith(f"{year}:"))
    return Build(timing.wall, timing.cpu, peak / 2**20, summary)


# ---------------------------------------------------------------- (c) the in-process floor
def floor(data_dir: Path, year: int, out: Path, agencies: list[str] | None = None, font: bool = True) -> dict:
    """Write out/<agency>.html for each agency with govreport's functions alone (no Jupyter). With `font`, every
    page embeds its own web font, as `govreport build` makes it.
    Returns the seconds taken after the imports: {"font": embedding the fonts, "pages": making the pages}."""
    import govreport as gr
    from govreport import webfont
    agencies = agencies or agency_ids(data_dir, year)
    out.mkdir(parents=True, exist_ok=True)
    started, fonts = time.perf_counter(), 0.0
    for agency in agencies:
        r = gr.load_report(data_dir, year, agency)
        page = (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
                f"<title>{escape(r.title)}</title><style></style></head>"
                f"<body>{r._repr_html_()}</body></html>")
        if font:
            embedding = time.perf_counter()
            page = webfont.embed(page)
            fonts += time.perf_counter() - embedding
        (out / f"{agency}.html").write_text(page, encoding="utf-8")
    return {"font": fonts, "pages": time.perf_counter() - started - fonts}


def floor_subprocess(data_dir: Path, year: int, out: Path, work: Path) -> tuple[Timing, dict]:
    """floor() in a plain Python subprocess: its timing, and floor()'s own."""
    cmd = [sys.executable, Path(__file__).resolve(), "--floor", data_dir.resolve(), out, "--year", year]
    env = fresh_env(work)
    cpu, started = children_cpu(), time.perf_counter()
    stdout = run(cmd, work, env, work / "floor.log")
    return Timing(time.perf_counter() - started, children_cpu() - cpu), json.loads(stdout)


# ---------------------------------------------------------------- one size, and the report
@dataclass
class Result:
    n: int
    sample: int  # agencies (a) ran
    loop: Timing  # (a), for the sample
    build: Build  # (b), --force
    rebuild: Build  # (b) again, nothing changed
    floor: Timing  # (c), subprocess
    floor_inner: dict  # (c) after its imports: {"font": seconds, "pages": seconds}


def measure(n: int, year: int, jobs: int, sample: int, work: Path) -> Result:
    """Generate N agencies under work/ and time (a), (b) and (c) on them."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import write_year
    data = write_year(work / "data", n, year)
    picked = spread(agency_ids(data, year), sample)
    loop = obvious_loop(data, year, picked, work)
    env = fresh_env(work)
    built = govreport_build(data, year, work / "out", jobs, True, work, env)
    rebuilt = govreport_build(data, year, work / "out", jobs, False, work, env)  # the same cache: a user's rerun
    floor, floor_inner = floor_subprocess(data, year, work / "floor", work)
    return Result(n, len(picked), loop, built, rebuilt, floor, floor_inner)


def mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def rebuild_line(label: str, n: int, r: Build, target: bool) -> str:
    """The no-change rebuild; a rebuild that built anything (the code or data changed meanwhile) is flagged."""
    counts = re.search(r"(\d+) skipped of (\d+)", r.summary)  # of n agencies, and the region's report if any
    skipped = bool(counts) and counts[1] == counts[2] and int(counts[1]) >= n
    ok = skipped and r.wall <= TARGETS["rebuild"]
    verdict = f"   [target <= {TARGETS['rebuild']:g} s: {mark(ok)}]" if target else ""
    note = "" if skipped else "  NOT ALL SKIPPED: govreport's code or the data changed between the two builds"
    return f"{label}{r.wall:7.2f} s   ({r.summary}){verdict}{note}"


def lines(r: Result, jobs: int) -> list[str]:
    """The readable table for one N."""
    a, b, c = r.loop.wall / r.sample, r.build.wall / r.n, r.floor.wall / r.n
    a_cpu, b_cpu, c_cpu = r.loop.cpu / r.sample, r.build.cpu / r.n, r.floor.cpu / r.n
    pad = " " * len(f"N={r.n}  ")
    return [
        f"N={r.n}  (a) obvious loop: papermill + nbconvert CLIs   {a:6.2f} s/report   "
        f"CPU {a_cpu:5.2f} s/report   (sample of {r.sample})",
        f"{pad}(b) govreport build -j {jobs} --force              {b:6.2f} s/report   "
        f"CPU {b_cpu:5.2f} s/report   (total {r.build.wall:.1f} s; {r.build.summary})",
        f"{pad}    {a / b:.1f}x faster than (a) (CPU: {a_cpu / b_cpu:.1f}x)   "
        f"[target >= {TARGETS['speedup']:g}x: {mark(a / b >= TARGETS['speedup'])}]",
        f"{pad}(c) in-process floor, one plain subprocess      {c:6.2f} s/report   "
        f"CPU {c_cpu:5.2f} s/report   (after its imports: {r.floor_inner['pages'] / r.n:.2f} s/report,"
        f" and {r.floor_inner['font'] / r.n * 1000:.0f} ms/report for its own web font, as (b) makes it)",
        f"{pad}    CPU (b)/(c) = {b_cpu / c_cpu:.2f}   [target <= {TARGETS['floor']:g}: "
        f"{mark(b_cpu / c_cpu <= TARGETS['floor'])}]   (wall (b)/(c) = {b / c:.2f})",
        rebuild_line(f"{pad}no-change rebuild: (b) without --force       ", r.n, r.rebuild, False),
        f"{pad}peak memory of (b)'s process tree (PSS)      {r.build.peak_mb:6.0f} MB",
    ]


def cold_run(year: int, work: Path) -> list[str]:
    """`govreport run` of one sample agency, cold (a new process, an empty cache), then again (its font cache
    warm, as the analyst's rerun after an edit that adds no new character)."""
    data = Path(shutil.copytree(REPO / "data", work / "data"))
    agency = agency_ids(data, year)[0]
    cmd = [BIN / "govreport", "run", "--year", year, "--agency", agency, "--data", data, "--out", work / "out"]
    env, found = fresh_env(work), []
    for _ in range(2):
        cpu, started = children_cpu(), time.perf_counter()
        run(cmd + ["--force"], work, env, work / "run.log")
        found.append(Timing(time.perf_counter() - started, children_cpu() - cpu))
    cold, warm = found
    return [f"one report, cold: govreport run --agency {agency}   {cold.wall:6.2f} s   CPU {cold.cpu:5.2f} s   "
            f"[target <= {TARGETS['run']:g} s: {mark(cold.wall <= TARGETS['run'])}]",
            f"    rerun (its font subset cached)                {warm.wall:6.2f} s   CPU {warm.cpu:5.2f} s"]


def planned_only(data_dir: Path, year: int, out: Path) -> None:
    """Plan every agency as a build would and record each as built, its report a placeholder: what a
    no-change rebuild reads after a real build (a real build of 1000 agencies takes half an hour)."""
    from govreport import build, config
    settings = config.load(None, year, data_dir=data_dir, output_dir=out, force=True)
    for task in build.plan(settings).tasks:
        build._record(task, build.Made({"report.html": "placeholder"}))


def no_change(n: int, year: int, jobs: int, work: Path) -> list[str]:
    """The no-change rebuild of N synthetic agencies (their reports planned, not built: planned_only)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import write_year
    data = write_year(work / "data", n, year)
    env = fresh_env(work)
    run([sys.executable, Path(__file__).resolve(), "--planned", data, work / "out", "--year", year], work, env,
        work / "planned.log")
    rebuilt = govreport_build(data, year, work / "out", jobs, False, work, env)
    return [rebuild_line(f"N={n}  no-change rebuild (reports planned, not built)  ", n, rebuilt, True)
            + f"   CPU {rebuilt.cpu:.2f} s"]


def machine() -> list[str]:
    load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    return [f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GB, "
            f"{platform.platform()}, load average (1/5/15 min) {load}",
            f"python {platform.python_version()} ({sys.executable}); "
            + ", ".join(f"{name} {version(name)}" for name in VERSIONS)]


def sample_data(year: int, jobs: int, work: Path) -> list[str]:
    """Build the shipped sample data (a copy) once, then time the no-change rebuild."""
    data = Path(shutil.copytree(REPO / "data", work / "data"))
    n = len(agency_ids(data, year))
    env = fresh_env(work)
    built = govreport_build(data, year, work / "out", jobs, True, work, env)
    rebuilt = govreport_build(data, year, work / "out", jobs, False, work, env)
    return [f"sample data ({n} agencies of data/): build -j {jobs} --force {built.wall / n:6.2f} s/report "
            f"(total {built.wall:.1f} s)",
            rebuild_line("    no-change rebuild ", n, rebuilt, True)]


# ---------------------------------------------------------------- --scheduler: the same builds on a Dask cluster
CLUSTER_WORKERS = 2  # single-threaded `dask worker`s, as `-j 2` has two worker processes
CLUSTER_TARGET = 1.10  # the cluster's wall time per report at most 10 % over the local build's, at N = 1000


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_cpu(processes: list[psutil.Process]) -> float:
    """CPU seconds of these processes and all their descendants: the live ones' own, plus what each has reaped
    (a kernel's ends up in its fork server's children_*); a process that ended meanwhile counts as 0 here."""
    total, seen = 0.0, set()
    for root in processes:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for p in tree:
            if p.pid in seen:
                continue
            seen.add(p.pid)
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system + t.children_user + t.children_system
    return total


class Cluster:
    """A `dask scheduler` and CLUSTER_WORKERS single-threaded `dask worker`s (each with its nanny) on free
    loopback ports, every one in its own process group; leaving the `with` stops them all, however it is left."""

    def __init__(self, work: Path, env: dict):
        self.work, self.env, self.processes = work, env, []
        self.address = f"tcp://127.0.0.1:{free_port()}"

    def __enter__(self) -> Cluster:
        try:
            self._start("scheduler", "--host", "127.0.0.1", "--port", self.address.rsplit(":", 1)[1],
                        "--no-dashboard")
            for i in range(CLUSTER_WORKERS):
                self._start("worker", self.address, "--nthreads", "1", "--no-dashboard",
                            "--local-directory", str(self.work / f"worker{i}"))
            from distributed import Client
            with Client(self.address, timeout="60s") as client:
                client.wait_for_workers(CLUSTER_WORKERS, timeout=120)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _start(self, *args: str) -> None:
        log = (self.work / "cluster.log").open("ab")
        self.processes.append(subprocess.Popen([str(BIN / "dask"), *args], cwd=self.work, env=self.env,
                                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        log.close()

    def cpu(self) -> float:
        return tree_cpu([psutil.Process(p.pid) for p in self.processes if p.poll() is None])

    def stop(self) -> None:
        """SIGTERM each process group (workers first), SIGKILL what is left after 20 s."""
        import signal
        for p in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
        for p in reversed(self.processes):
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(20)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()


@dataclass
class ClusterResult:
    n: int
    local: Build  # govreport build -j 2 --force
    remote: Build  # the same with --scheduler; its cpu: the client's alone
    cluster_cpu: float  # CPU seconds of the scheduler, workers, fork servers and kernels during that build


def measure_cluster(n: int, year: int, jobs: int, work: Path) -> ClusterResult:
    """Generate N agencies under work/; build them with -j `jobs`, then through a new local cluster."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import write_year
    data = write_year(work / "data", n, year)
    local = govreport_build(data, year, work / "local", jobs, True, work)
    env = fresh_env(work)
    with Cluster(work, env) as cluster:
        before = cluster.cpu()
        remote = govreport_build(data, year, work / "cluster", jobs, True, work,
                                 {**env, "GOVREPORT_SCHEDULER": cluster.address})
        used = cluster.cpu() - before
    return ClusterResult(n, local, remote, used)


def cluster_lines(r: ClusterResult, jobs: int) -> list[str]:
    """Side by side: the local build and the cluster's, per report, and the overhead."""
    pad = " " * len(f"N={r.n}  ")
    wall, cpu = r.remote.wall / r.local.wall, (r.remote.cpu + r.cluster_cpu) / r.local.cpu
    verdict = f"   [target at N=1000 <= +{CLUSTER_TARGET * 100 - 100:.0f} %: wall {mark(wall <= CLUSTER_TARGET)}, " \
              f"CPU {mark(cpu <= CLUSTER_TARGET)}]" if r.n >= 1000 else ""
    return [
        f"N={r.n}  local   govreport build -j {jobs} --force        {r.local.wall / r.n:6.2f} s/report   "
        f"CPU {r.local.cpu / r.n:5.2f} s/report   (total {r.local.wall:.1f} s; {r.local.summary})",
        f"{pad}cluster --scheduler, {CLUSTER_WORKERS} workers x 1 thread    {r.remote.wall / r.n:6.2f} s/report   "
        f"CPU {(r.remote.cpu + r.cluster_cpu) / r.n:5.2f} s/report   (client {r.remote.cpu / r.n:.3f}, "
        f"scheduler + workers + kernels {r.cluster_cpu / r.n:.2f}; total {r.remote.wall:.1f} s; {r.remote.summary})",
        f"{pad}cluster overhead per report: wall {wall * 100 - 100:+.1f} %, CPU {cpu * 100 - 100:+.1f} %{verdict}",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50", help="comma-separated numbers of agencies (default 50)")
    parser.add_argument("--n1000", action="store_true", help="also N = 1000 (same as --sizes 50,1000)")
    parser.add_argument("--loop-sample", type=int, default=10, help="agencies (a) runs (default 10)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="govreport build -j (default: the number of cores)")
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temporary one)")
    parser.add_argument("--no-change", type=int, default=1000, metavar="N",
                        help="agencies of the no-change rebuild (default 1000; 0: none)")
    parser.add_argument("--scheduler", action="store_true",
                        help="instead: the local build against the same build on a local Dask cluster of "
                             f"{CLUSTER_WORKERS} single-threaded workers, per size")
    parser.add_argument("--floor", nargs=2, type=Path, metavar=("DATA", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--planned", nargs=2, type=Path, metavar=("DATA", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:  # the (c) subprocess
        print(json.dumps(floor(args.floor[0], args.year, args.floor[1])))
        return
    if args.planned:  # no_change's set-up, in a subprocess
        planned_only(args.planned[0], args.year, args.planned[1])
        return
    sizes = sorted({int(s) for s in args.sizes.split(",")} | ({50, 1000} if args.n1000 else set()))

    with tempfile.TemporaryDirectory(prefix="govreport-bench-") as tmp:
        root = args.keep or Path(tmp)
        print("\n".join(machine()), flush=True)
        if args.scheduler:
            for n in sizes:
                (root / f"n{n}").mkdir(parents=True)
                print("\n".join(cluster_lines(measure_cluster(n, args.year, args.jobs, root / f"n{n}"), args.jobs)),
                      flush=True)
            print(machine()[0])
            return
        (root / "run").mkdir(parents=True)
        print("\n".join(cold_run(args.year, root / "run")), flush=True)
        results = {}
        for n in sizes:
            work = root / f"n{n}"
            work.mkdir(parents=True)
            results[n] = measure(n, args.year, args.jobs, args.loop_sample, work)
            print("\n".join(lines(results[n], args.jobs)), flush=True)
        if len(sizes) > 1:  # memory flat in N
            a, b = results[sizes[0]].build.peak_mb, results[sizes[-1]].build.peak_mb
            print(f"peak memory N={sizes[-1]} / N={sizes[0]}: {b:.0f} / {a:.0f} MB = {b / a:.2f}   "
                  f"[target <= {TARGETS['memory']:g}: {mark(b / a <= TARGETS['memory'])}]")
        if args.no_change:
            (root / "no-change").mkdir(parents=True)
            print("\n".join(no_change(args.no_change, args.year, args.jobs, root / "no-change")), flush=True)
        sample_work = root / "sample"
        sample_work.mkdir(parents=True)
        print("\n".join(sample_data(args.year, args.jobs, sample_work) + machine()[:1]))


if __name__ == "__main__":
    main()
