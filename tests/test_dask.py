"""Builds on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on 127.0.0.1."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest

from govreport import build, config, outputs
from govreport.outputs import REGION_REPORT, REPORT, RESULTS

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "govreport" / "project" / "notebooks" / "agency_report.ipynb"
AGENCIES = ("hongsibu-gov-office", "hongsibu-edu-bureau", "hongsibu-drc-bureau", "hongsibu-finance-bureau")
HELD = AGENCIES[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_cli(*args: str, cwd: Path, log: Path, env: dict | None = None) -> subprocess.Popen:
    """A `dask` command in its own process group, which the finalizer stops."""
    with open(log, "ab") as out:
        return subprocess.Popen([str(Path(sys.executable).parent / "dask"), *args], cwd=cwd, start_new_session=True,
                                stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process's group, SIGKILL what is left of it after 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@dataclass
class Cluster:
    address: str
    pids: set[int]  # the workers'
    processes: list[subprocess.Popen]  # the scheduler, then the workers


def start_cluster(home: Path, request, env: dict | None = None) -> Cluster:
    """A scheduler and two single-threaded workers (no nanny: a killed worker stays dead); every process is
    stopped when the test ends, however it ends."""
    from distributed import Client
    address = f"tcp://127.0.0.1:{free_port()}"
    processes = []
    request.addfinalizer(lambda: [stop(p) for p in reversed(processes)])
    processes.append(dask_cli("scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                              "--no-dashboard", cwd=home, log=home / "scheduler.log"))
    for i in range(2):
        processes.append(dask_cli("worker", address, "--nthreads", "1", "--no-dashboard", "--no-nanny",
                                  "--local-directory", str(home / f"w{i}"), cwd=home, log=home / f"worker{i}.log",
                                  env=env))
    with Client(address, timeout="120s") as client:  # a loaded machine starts a scheduler slowly
        client.wait_for_workers(2, timeout=120)
        pids = set(client.run(os.getpid).values())
    return Cluster(address, pids, processes)


@pytest.fixture
def cluster(tmp_path_factory, request) -> Cluster:
    return start_cluster(tmp_path_factory.mktemp("cluster"), request)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The sample data, a notebook that holds one agency's report while a file `hold` exists (telling its
    kernel's parent's pid in `started`), and a local build of the whole year (the region's report too) to
    compare with."""
    root = tmp_path_factory.mktemp("project")
    data = Path(shutil.copytree(REPO / "data", root / "data"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell(
        f"import os, time\nif agency_id == {HELD!r} and os.path.exists({str(root / 'hold')!r}):\n"
        f"    open({str(root / 'started')!r}, 'w').write(str(os.getppid()))\n"
        f"    while os.path.exists({str(root / 'hold')!r}):\n        time.sleep(0.1)"))
    notebook = root / "held.ipynb"
    nbformat.write(nb, notebook)
    local = root / "local"
    outcomes = build.build(settings(data, notebook, local, jobs=2, agencies=None), stream=io.StringIO())
    assert {o.status for o in outcomes} == {"built"} and outputs.REGION_DIR in {o.agency for o in outcomes}
    return root, data, notebook, local


def settings(data: Path, notebook: Path, out: Path, **more) -> config.Settings:
    more = {"agencies": AGENCIES, **more}
    return config.Settings(year=2022, data_dir=data, notebook=notebook, output_dir=out, **more)


def assert_same_reports(out: Path, local: Path) -> None:
    for agency in AGENCIES:
        for name in (REPORT, RESULTS):
            assert (out / "2022" / agency / name).read_bytes() == (local / "2022" / agency / name).read_bytes(), name


def reports_kept(address: str) -> int:
    """How many finished reports the cluster holds in memory, after up to 10 s for the client's releases."""
    from distributed import Client
    count = lambda dask_scheduler: sum(str(key).startswith("make_remote") and task.state == "memory"
                                       for key, task in dask_scheduler.tasks.items())
    with Client(address, timeout="30s") as client:
        deadline = time.monotonic() + 10
        while client.run_on_scheduler(count) and time.monotonic() < deadline:
            time.sleep(0.2)
        return client.run_on_scheduler(count)


def test_a_cluster_build_is_byte_identical_to_a_local_one(cluster, project, tmp_path):
    address = cluster.address
    root, data, notebook, local = project
    stream = io.StringIO()
    outcomes = build.build(settings(data, notebook, tmp_path / "out", scheduler=address), stream=stream)
    assert {o.agency: o.status for o in outcomes} == dict.fromkeys(AGENCIES, "built"), stream.getvalue()
    assert_same_reports(tmp_path / "out", local)
    assert (tmp_path / "out" / "2022" / "index.html").is_file()
    assert f"[2022 {len(AGENCIES)}/{len(AGENCIES)}]" in stream.getvalue()  # progress, as locally
    nobody = f"tcp://127.0.0.1:{free_port()}"  # no scheduler there: the skips are decided on the client alone
    again = build.build(settings(data, notebook, tmp_path / "out", scheduler=nobody), stream=io.StringIO())
    assert {o.status for o in again} == {"skipped"}


def test_a_worker_killed_mid_report_costs_a_retry_not_a_report(cluster, project, tmp_path):
    address, pids = cluster.address, cluster.pids
    root, data, notebook, local = project
    hold, started = root / "hold", root / "started"
    hold.touch()
    killed, orphans, kept = [], [], []

    def kill_the_holder():  # the held report has started in a kernel forked from its Dask worker's fork server
        deadline = time.monotonic() + 180
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        server = psutil.Process(int(started.read_text() or 0)) if started.exists() else None
        others = [tmp_path / "out" / "2022" / agency / "build.json" for agency in AGENCIES if agency != HELD]
        while not all(map(Path.exists, others)) and time.monotonic() < deadline:
            time.sleep(0.1)
        kept.append(reports_kept(address))  # the others are written: the cluster keeps none of them
        if server and server.ppid() in pids:
            descendants = psutil.Process(server.ppid()).children(recursive=True)
            os.kill(server.ppid(), signal.SIGKILL)
            killed.append(server.ppid())
            orphans.extend(psutil.wait_procs(descendants, timeout=30)[1])  # its fork server and kernels end too
        hold.unlink()  # the retry, on the other worker, goes through

    watcher = threading.Thread(target=kill_the_holder)
    watcher.start()
    try:
        outcomes = build.build(settings(data, notebook, tmp_path / "out", scheduler=address), stream=io.StringIO())
    finally:
        watcher.join()
        hold.unlink(missing_ok=True)
        started.unlink(missing_ok=True)
    assert len(killed) == 1 and orphans == [] and kept == [0]
    assert sorted(o.agency for o in outcomes) == sorted(AGENCIES)  # each once
    assert {o.status for o in outcomes} == {"built"}, [o.error for o in outcomes]
    assert_same_reports(tmp_path / "out", local)


def test_a_worker_of_another_govreport_is_refused(cluster, project, tmp_path, monkeypatch):
    address = cluster.address
    root, data, notebook, local = project
    monkeypatch.setattr(build, "release", lambda: ("0.0.1", "f" * 64))  # the client's, as a worker sees it
    outcomes = build.build(settings(data, notebook, tmp_path / "out", scheduler=address,
                                    agencies=AGENCIES[:1]), stream=io.StringIO())
    assert [o.status for o in outcomes] == ["failed"]
    assert "runs govreport" in outcomes[0].error and "install the same govreport on every worker" in outcomes[0].error
    assert not (tmp_path / "out" / "2022" / AGENCIES[0] / REPORT).exists()


def test_a_local_build_imports_no_dask(tmp_path):
    code = ("import sys, io; from pathlib import Path; from govreport import build, config; "
            f"s = config.Settings(year=2022, data_dir=Path({str(REPO / 'data')!r}), "
            f"output_dir=Path({str(tmp_path)!r}), notebook=Path({str(NOTEBOOK)!r}),"
            " agencies=('hongsibu-gov-office',), jobs=1); "
            "assert [o.status for o in build.build(s, io.StringIO())] == ['built']; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_scheduler_comes_from_the_flag_the_environment_or_params(tmp_path, monkeypatch):
    from govreport import cli
    params = tmp_path / "p.yaml"
    params.write_text("year: 2022\nscheduler: tcp://params:1\n", encoding="utf-8")
    parse = lambda *more: cli._settings(cli.parser().parse_args(["build", "--params", str(params), *more]), 2022)
    assert parse().scheduler == "tcp://params:1"
    monkeypatch.setenv("GOVREPORT_SCHEDULER", "tcp://env:2")
    assert parse().scheduler == "tcp://env:2"
    assert parse("--scheduler", "tcp://flag:3").scheduler == "tcp://flag:3"


def test_ctrl_c_cancels_the_cluster_tasks(cluster, project, tmp_path):
    from distributed import Client
    address = cluster.address
    root, data, notebook, local = project
    hold, started, out = root / "hold", root / "started", tmp_path / "out"
    hold.touch()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "govreport"), "build", "--year", "2022",
                             "--data", str(data), "--notebook", str(notebook), "--out", str(out),
                             *[x for a in AGENCIES for x in ("--agency", a)]],
                            env={**os.environ, "GOVREPORT_SCHEDULER": address}, start_new_session=True, cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while not started.exists() and time.monotonic() < deadline:  # the held report is running on a worker
            time.sleep(0.1)
        assert started.exists()
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode != 0
        assert "interrupted" in stderr.strip().splitlines()[-1]
        with Client(address, timeout="30s") as client:  # the scheduler forgets the build's tasks, held one too
            deadline = time.monotonic() + 30
            while client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) and \
                    time.monotonic() < deadline:
                time.sleep(0.2)
            assert client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) == 0
        assert not (out / "2022" / HELD / REPORT).exists()
        for agency in AGENCIES:  # what was written is whole: a report with its state, or nothing
            if (out / "2022" / agency / "build.json").exists():
                assert (out / "2022" / agency / REPORT).read_bytes() == (local / "2022" / agency / REPORT).read_bytes()
    finally:
        hold.unlink(missing_ok=True)
        started.unlink(missing_ok=True)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_the_region_report_on_a_cluster_is_byte_identical(cluster, project, tmp_path):
    """The region's task carries every agency's files (its sums and overview read them all), none shared."""
    root, data, notebook, local = project
    outcomes = build.build(settings(data, notebook, tmp_path / "out", scheduler=cluster.address, agencies=None),
                           stream=io.StringIO())
    assert {o.status for o in outcomes} == {"built"} and outputs.REGION_DIR in {o.agency for o in outcomes}
    made, expected = tmp_path / "out" / "2022" / REGION_REPORT, local / "2022" / REGION_REPORT
    assert made.read_bytes() == expected.read_bytes()
    assert_same_reports(tmp_path / "out", local)


def fork_servers(pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(pid).children() if "forkkernel.server" in " ".join(p.cmdline())]


def test_each_worker_keeps_one_warm_fork_server_which_ends_with_it(cluster, project, tmp_path):
    root, data, notebook, local = project
    for out in ("a", "b"):  # two builds: the second finds the first's fork servers
        outcomes = build.build(settings(data, notebook, tmp_path / out, scheduler=cluster.address, force=True),
                               stream=io.StringIO())
        assert {o.status for o in outcomes} == {"built"}
        servers = {pid: fork_servers(pid) for pid in cluster.pids}
        if out == "a":
            first = servers
    assert_same_reports(tmp_path / "b", local)
    busy = [pid for pid, found in servers.items() if found]
    assert busy and all(len(found) == 1 for found in servers.values() if found)
    again = [pid for pid in busy if first[pid]]  # a worker that made reports in both builds (each, most likely)
    assert again and all(servers[pid] == first[pid] for pid in again)  # the same fork server, still warm
    left = [p for pid in busy for p in psutil.Process(pid).children(recursive=True)]
    for worker in cluster.processes[1:]:  # the workers close (SIGTERM, as `dask worker` is told to stop)
        worker.send_signal(signal.SIGTERM)
    for worker in cluster.processes[1:]:
        worker.wait(60)
    assert psutil.wait_procs(left, timeout=30)[1] == []  # their fork servers and kernels ended with them


def test_a_kernel_that_fails_to_start_on_a_worker_costs_a_retry(tmp_path_factory, request, project, tmp_path):
    """Kernels that die before they reply (as under a heavy load) retry the report in a new pool."""
    root, data, notebook, local = project
    home = tmp_path_factory.mktemp("dying")
    startup = home / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-die.py").write_text(  # each file die-* kills one kernel as it starts (and leaves no name)
        "def _die():\n    import glob, os\n"
        f"    for name in sorted(glob.glob({str(home / 'die-*')!r})):\n"
        "        try:\n            os.remove(name)\n        except FileNotFoundError:\n            continue\n"
        "        os._exit(1)\n"
        "_die()\ndel _die\n")
    for i in range(2):  # the first kernel its pool forks ahead, and the one forked when that one is gone
        (home / f"die-{i}").touch()
    cluster = start_cluster(home, request, env={"IPYTHONDIR": str(home / "ipython")})
    outcomes = build.build(settings(data, notebook, tmp_path / "out", scheduler=cluster.address,
                                    agencies=AGENCIES[:1]), stream=io.StringIO())
    assert list(home.glob("die-*")) == []  # both kernels died
    assert [(o.status, o.error) for o in outcomes] == [("built", "")]
    assert (tmp_path / "out" / "2022" / AGENCIES[0] / REPORT).read_bytes() == \
        (local / "2022" / AGENCIES[0] / REPORT).read_bytes()


def test_the_benchmark_cluster_stops_every_process_even_on_failure(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    import batch
    started = []
    with pytest.raises(RuntimeError, match="a measure fails"):
        with batch.Cluster(tmp_path, dict(os.environ)) as cluster:
            started = [psutil.Process(p.pid) for p in cluster.processes]
            started += [c for p in list(started) for c in p.children(recursive=True)]  # the workers' nannies' own
            assert len(cluster.processes) == 1 + batch.CLUSTER_WORKERS and cluster.cpu() > 0
            raise RuntimeError("a measure fails")
    assert len(started) > 1 + batch.CLUSTER_WORKERS
    assert psutil.wait_procs(started, timeout=30)[1] == []


def test_the_benchmark_verdict_is_on_the_wall_time_per_report_at_n1000():
    sys.path.insert(0, str(REPO / "benchmarks"))
    import batch
    local = batch.Build(100.0, 150.0, 0, "2022: 1000 built of 1000")
    for wall, cpu, verdict in ((109.0, 160.0, "wall PASS, CPU PASS"), (111.0, 170.0, "wall FAIL, CPU FAIL")):
        lines = batch.cluster_lines(batch.ClusterResult(1000, local, batch.Build(wall, 5.0, 0, ""), cpu), 2)
        assert lines[-1].endswith(f"wall {wall - 100:+.1f} %, CPU {(cpu + 5) / 1.5 - 100:+.1f} %   "
                                  f"[target at N=1000 <= +10 %: {verdict}]")
    small = batch.cluster_lines(batch.ClusterResult(50, local, batch.Build(120.0, 5.0, 0, ""), 160.0), 2)
    assert "target" not in small[-1]  # N = 50 only shows the overhead
