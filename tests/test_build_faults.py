"""A build under fire, for real: its parent or a worker killed mid-report, reports that cannot be written.

"Mid-report" is an event, not a guess: a test notebook's cell writes <gate>/<agency>.started (holding its
worker's pid, JPY_PARENT_PID) and waits for <gate>/go, once per agency (a retry passes straight through)."""
from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from govreport.cli import main
from test_build import GOOD, NOTEBOOK, REPO, args, copy_data, state

OTHERS = ["hongsibu-drc-bureau", "hongsibu-finance-bureau", "hongsibu-police-branch"]
GATE = """import os, pathlib, time
_gate = pathlib.Path({gate!r})
if agency_id in {agencies!r} and not (_gate / (agency_id + ".started")).exists():
    (_gate / (agency_id + ".tmp")).write_text(os.environ["JPY_PARENT_PID"])
    (_gate / (agency_id + ".tmp")).rename(_gate / (agency_id + ".started"))
    _until = time.monotonic() + 300
    while not (_gate / "go").exists() and time.monotonic() < _until:
        time.sleep(0.05)
"""


def notebook_with(tmp_path: Path, code: str) -> Path:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(code))
    path = tmp_path / "test.ipynb"
    nbformat.write(nb, path)
    return path


def gated(tmp_path: Path, agencies: list[str]) -> tuple[Path, Path]:
    gate = tmp_path / "gate"
    gate.mkdir()
    return notebook_with(tmp_path, GATE.format(gate=str(gate), agencies=agencies)), gate


def wait_for(path: Path, proc: subprocess.Popen, limit: float = 180) -> None:
    """Until `path` exists (the event); fails if the build ends first, or after `limit` s (a hang)."""
    deadline = time.monotonic() + limit
    while not path.exists():
        assert proc.poll() is None, f"the build ended before {path.name}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"no {path.name} after {limit} s"
        time.sleep(0.05)


@contextlib.contextmanager
def build_process(command: list[str], cwd: Path):
    """A `govreport build` subprocess; on the way out, it and every descendant seen are killed."""
    proc = subprocess.Popen(command, cwd=cwd, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    seen: list[psutil.Process] = []
    try:
        yield proc, seen
    finally:
        for p in [psutil.Process(proc.pid)] + seen if proc.poll() is None else seen:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
        proc.communicate()


def command(data: Path, out: Path, agencies, *more) -> list[str]:
    return [sys.executable, "-m", "govreport.cli", *args(data, out, agencies, *more)]


def descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def running(procs: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running (a zombie has exited: it holds no memory and writes nothing)."""
    def up(p: psutil.Process) -> bool:
        with contextlib.suppress(psutil.NoSuchProcess):
            return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
        return False
    return [p for p in procs if up(p)]


def assert_all_end(procs: list[psutil.Process], within: float = 10) -> None:
    deadline = time.monotonic() + within
    while running(procs) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(procs), [(p.pid, p.ppid(), p.cmdline()) for p in running(procs)]


def kinds(procs: list[psutil.Process], root: int) -> dict[str, int]:
    """How many workers (multiprocessing spawn), fork servers (forked by a worker) and kernels (by a server)."""
    parents, spawned = {}, set()
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            parents[p.pid] = p.ppid()
            if "spawn_main" in " ".join(p.cmdline()):
                spawned.add(p.pid)
    workers = {pid for pid, parent in parents.items() if parent == root and pid in spawned}
    servers = {pid for pid, parent in parents.items() if parent in workers}
    kernels = {pid for pid, parent in parents.items() if parent in servers}
    return {"worker": len(workers), "server": len(servers), "kernel": len(kernels)}


@pytest.mark.parametrize("how", ["SIGKILL the parent", "SIGTERM the parent", "Ctrl-C"])
def test_nothing_outlives_a_killed_build(tmp_path, how):
    """Killed mid-report (both workers inside a notebook), the build leaves no process behind within 10 s;
    a rebuild started right after is what stays in outputs/."""
    data, out = copy_data(tmp_path), tmp_path / "out"
    notebook, gate = gated(tmp_path, GOOD)
    with build_process(command(data, out, GOOD, "-j", "2", "--notebook", str(notebook)), tmp_path) as (proc, seen):
        for agency in GOOD:
            wait_for(gate / f"{agency}.started", proc)
        seen += descendants(proc.pid)
        found = kinds(seen, proc.pid)
        assert found["worker"] == 2 and found["server"] == 2 and found["kernel"] >= 2, found
        if how == "SIGKILL the parent":
            proc.kill()
        elif how == "SIGTERM the parent":
            proc.terminate()
        else:
            os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C: the foreground group
        assert_all_end(seen)
        stdout, stderr = proc.communicate(timeout=30)
        if how != "SIGKILL the parent":
            assert proc.returncode == 2
            assert stderr.strip().splitlines()[-1].startswith("govreport: error: interrupted: every worker is stopped")
            assert "Traceback" not in stderr
        (gate / "go").touch()  # would release a kernel of the killed build, were one alive
        rerun = subprocess.run(command(data, out, GOOD), cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stderr
        for agency in GOOD:
            assert state(out, agency)["status"] == "built"
            assert "_gate" not in (out / "2022" / agency / "report.ipynb").read_text(encoding="utf-8")
            assert not list((out / "2022" / agency).glob(".*.tmp"))
        assert not running(seen)


@pytest.mark.parametrize("how", ["it ends", "SIGKILL the parent"])
def test_one_report_is_made_in_the_build_process_and_leaves_nothing_behind(tmp_path, how):
    """`govreport run` of one agency starts no worker: its kernel comes from a fork server forked from the
    build itself (the same program, no new Python); nothing outlives the build, however it ends."""
    data, out = copy_data(tmp_path), tmp_path / "out"
    agency = GOOD[0]
    notebook, gate = gated(tmp_path, [agency])
    with build_process(command(data, out, [agency], "--notebook", str(notebook)), tmp_path) as (proc, seen):
        wait_for(gate / f"{agency}.started", proc)
        seen += descendants(proc.pid)
        assert int((gate / f"{agency}.started").read_text()) == proc.pid  # the kernel's JPY_PARENT_PID
        servers = psutil.Process(proc.pid).children()
        assert len(servers) == 1 and servers[0].cmdline() == psutil.Process(proc.pid).cmdline(), servers
        assert any(p.ppid() == servers[0].pid for p in seen)  # its kernel, a child of the server
        if how == "SIGKILL the parent":
            proc.kill()
            assert_all_end(seen)
            return
        (gate / "go").touch()
        stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stdout + stderr
    assert "2022: 1 built of 1" in stdout
    assert state(out, agency)["status"] == "built"
    assert_all_end(seen)


def test_a_killed_worker_fails_nothing_else_and_its_report_is_retried(tmp_path):
    """SIGKILL the worker making the first report while the second worker is held in another and three
    wait in the queue: that report is retried once in a fresh worker and built; so is every other."""
    data, out = copy_data(tmp_path), tmp_path / "out"
    victim, held = GOOD
    notebook, gate = gated(tmp_path, [victim, held])
    agencies = GOOD + OTHERS
    with build_process(command(data, out, agencies, "-j", "2", "--notebook", str(notebook)), tmp_path) as (proc, seen):
        wait_for(gate / f"{victim}.started", proc)
        wait_for(gate / f"{held}.started", proc)
        seen += descendants(proc.pid)
        worker = int((gate / f"{victim}.started").read_text())
        assert worker in [p.pid for p in psutil.Process(proc.pid).children()]
        os.kill(worker, signal.SIGKILL)
        (gate / "go").touch()
        stdout, stderr = proc.communicate(timeout=300)
    assert f"retrying {victim}: its worker process died (killed by SIGKILL)" in stderr
    assert proc.returncode == 0, stdout + stderr
    assert "2022: 5 built of 5" in stdout
    for agency in agencies:
        assert state(out, agency)["status"] == "built"
    assert_all_end(seen)  # the killed worker's server and kernels went with it


def test_a_report_that_kills_its_worker_twice_fails_alone(tmp_path):
    data, out = copy_data(tmp_path), tmp_path / "out"
    killer = GOOD[0]
    notebook = notebook_with(tmp_path, f"import os, signal\nif agency_id == {killer!r}:\n"
                                       "    os.kill(int(os.environ['JPY_PARENT_PID']), signal.SIGKILL)")
    agencies = GOOD + OTHERS
    run = subprocess.run(command(data, out, agencies, "-j", "2", "--notebook", str(notebook)), cwd=tmp_path,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2022: 4 built, 1 failed of 5" in run.stdout
    assert f"  FAILED {killer}: its worker process died twice (killed by SIGKILL)" in run.stdout
    for agency in agencies:
        assert state(out, agency)["status"] == ("failed" if agency == killer else "built")


# ---------------------------------------------------------------- reports that cannot be written
def _mount_tmpfs(path: Path, size: str) -> None:
    path.mkdir(parents=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


@pytest.fixture
def mounts():
    """Tiny tmpfs mounts (a real full disk) and immutable directories (chattr +i: even root cannot write
    there), undone after the test."""
    made: list[tuple[str, Path]] = []

    def tmpfs(path: Path, size: str) -> Path:
        _mount_tmpfs(path, size)
        made.append(("mount", path))
        return path

    def immutable(path: Path) -> Path:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if done.returncode:
            pytest.skip(f"chattr +i fails here: {done.stderr.decode().strip()}")
        made.append(("chattr", path))
        return path

    yield tmpfs, immutable
    for kind, path in reversed(made):
        subprocess.run(["umount", str(path)] if kind == "mount" else ["chattr", "-i", str(path)], check=True)


def test_reports_that_cannot_be_written_fail_alone(tmp_path, capsys, mounts):
    """A read-only agency directory, a full disk, a file where the directory should be: each fails its
    agency, naming what could not be written; the others, their state files and the index are written."""
    tmpfs, immutable = mounts
    data, out = copy_data(tmp_path), tmp_path / "out"
    fine, readonly, full, blocked = GOOD[0], GOOD[1], OTHERS[0], OTHERS[1]
    year_dir = out / "2022"
    (year_dir / readonly).mkdir(parents=True)
    (year_dir / readonly / "report.html").write_text("the previous report", encoding="utf-8")
    (year_dir / readonly / "build.json").write_text(json.dumps({"status": "built", "key": "old"}), encoding="utf-8")
    immutable(year_dir / readonly)
    tmpfs(year_dir / full, "64k")  # room for a state file and an error log, not for a ~200 KB report
    (year_dir / blocked).write_text("not a directory", encoding="utf-8")

    code = main(args(data, out, [fine, readonly, full, blocked], "-j", "2"))
    printed = capsys.readouterr().out
    assert code == 1
    assert "2022: 1 built, 3 failed of 4" in printed
    failed = {m[0]: m[1] for m in re.findall(r"^  FAILED (\S+): (.*)$", printed, flags=re.M)}
    assert set(failed) == {readonly, full, blocked}
    assert re.match(rf"cannot write {re.escape(str(year_dir / readonly))}/report\.\w+: Operation not permitted",
                    failed[readonly])
    assert re.match(rf"cannot write {re.escape(str(year_dir / full))}/report\.\w+: No space left on device",
                    failed[full])
    assert failed[blocked] == f"cannot write {year_dir / blocked}: Not a directory"
    assert state(out, fine)["status"] == "built"
    assert state(out, full)["status"] == "failed" and "No space left" in state(out, full)["error"]
    assert not list((year_dir / full).glob(".*.tmp"))
    assert (year_dir / readonly / "report.html").read_text(encoding="utf-8") == "the previous report"
    index = (year_dir / "index.html").read_text(encoding="utf-8")
    row = next(r for r in index.split("<tr") if f"<small>{readonly}</small>" in r)
    assert "失败" in row and "Operation not permitted" in row and f'href="{readonly}/error.log"' not in row
    assert f'href="{fine}/report.html"' in index


def test_a_full_disk_still_ends_with_the_summary(tmp_path, mounts):
    """Nothing fits: every report fails, the index cannot be written, and the build says so, in one line each."""
    tmpfs, _ = mounts
    out = tmpfs(tmp_path / "out", "16k")
    printed = subprocess.run(command(REPO / "data", out, GOOD, "-j", "1"), cwd=tmp_path, capture_output=True,
                             text=True, timeout=300)
    assert printed.returncode == 1
    assert "2022: 2 failed of 2" in printed.stdout
    assert "Traceback" not in printed.stdout + printed.stderr
    assert re.search(r"govreport: cannot write \S+/index\.html: No space left on device; the index is out of date",
                     printed.stderr)
    for agency in GOOD:
        assert re.search(rf"FAILED {agency}: cannot write \S+: No space left on device", printed.stdout)
