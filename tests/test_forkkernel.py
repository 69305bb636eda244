"""Forked kernels, for real: papermill runs through a KernelPool against ordinary fresh kernels."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import nbformat
import papermill
import psutil
import pytest
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook

from govreport.forkkernel import KernelPool, KernelStartError, SameEnvKernelManager, execute_notebook
from govreport.forkkernel.pool import RETIRE_GRACE

pytestmark = pytest.mark.skipif(not KernelPool.available(), reason="forking kernels needs Linux")

KERNELSPEC = {"name": "python3", "language": "python", "display_name": "Python 3"}

# Each run first prints what an earlier run would have left behind, then leaves all of it behind itself.
ISOLATION_CELLS = [
    ('label = "default"', ["parameters"]),
    ("import os, json, warnings\n"
     "import numpy as np, pandas as pd, matplotlib, matplotlib.pyplot as plt\n"
     "print('leaked global:', 'LEFT_BEHIND' in globals())\n"
     "print('pandas max_rows:', pd.get_option('display.max_rows'))\n"
     "print('env var:', os.environ.get('FORKKERNEL_LEFT_BEHIND'))\n"
     "print('rcParams figure.dpi:', matplotlib.rcParams['figure.dpi'])\n"
     "print('monkeypatch:', hasattr(json, 'left_behind'))\n"
     "print('backend:', matplotlib.get_backend())", ["leftovers"]),
    ("fig, ax = plt.subplots(figsize=(3, 2))\n"
     "ax.bar(['a', 'b', 'c'], [3, 1, 2])\n"
     "ax.set_title(label)\n"
     "plt.show()", ["figure"]),
    ("pd.DataFrame({'x': [1, 2], 'y': [label, label]})", []),
    ("LEFT_BEHIND = label\n"
     "pd.set_option('display.max_rows', 7)\n"
     "os.environ['FORKKERNEL_LEFT_BEHIND'] = label\n"
     "matplotlib.rcParams['figure.dpi'] = 33\n"
     "json.left_behind = True\n"
     "print('set by', label)", []),
    ("print(os.getpid(), os.getppid(), np.random.rand(), os.getcwd(), sep='\\n')", ["volatile"]),
]


def write_notebook(path, cells) -> str:
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [new_code_cell(source, metadata={"tags": tags}) for source, tags in cells]
    nbformat.write(nb, path)
    return str(path)


def stable_outputs(nb) -> list:
    """Every cell's execution count and outputs, except the cell of pid and random numbers."""
    return [(cell.execution_count, cell.outputs) for cell in nb.cells
            if "volatile" not in cell.metadata.get("tags", [])]


def tagged(nb, tag: str):
    return next(cell for cell in nb.cells if tag in cell.metadata.get("tags", []))


def volatile(nb) -> dict:
    cell = tagged(nb, "volatile")
    pid, ppid, rand, cwd = cell.outputs[0]["text"].split()
    return {"pid": int(pid), "ppid": int(ppid), "random": float(rand), "cwd": cwd}


def gone(pid: int, within: float = 8) -> bool:
    """Whether process `pid` has exited (or does so within `within` seconds)."""
    deadline = time.monotonic() + within
    while True:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


@pytest.fixture(scope="module")
def pool():
    with KernelPool() as p:
        yield p


@pytest.fixture
def notebook(tmp_path):
    return write_notebook(tmp_path / "isolation.ipynb", ISOLATION_CELLS)


def run(pool, notebook, tmp_path, label="first", **kwargs):
    out = tmp_path / f"out-{label}.ipynb"
    return execute_notebook(notebook, str(out), {"label": label}, pool=pool, progress_bar=False, **kwargs)


def test_runs_are_isolated_and_equal_to_a_fresh_kernel(pool, notebook, tmp_path):
    first = run(pool, notebook, tmp_path, "first")
    second = run(pool, notebook, tmp_path, "second")
    fresh = papermill.execute_notebook(notebook, str(tmp_path / "fresh.ipynb"), {"label": "second"},
                                       progress_bar=False)

    leftovers = tagged(first, "leftovers").outputs
    assert "leaked global: False" in leftovers[0]["text"] and "monkeypatch: False" in leftovers[0]["text"]
    assert tagged(second, "leftovers").outputs == leftovers  # nothing of the first run reached the second
    assert stable_outputs(second) == stable_outputs(fresh)  # figures, tables, backend: byte for byte
    assert "image/png" in tagged(second, "figure").outputs[0]["data"]

    a, b = volatile(first), volatile(second)
    assert a["pid"] != b["pid"] and os.getpid() not in (a["pid"], b["pid"])
    assert a["ppid"] == b["ppid"] == pool._server.pid  # really forked by the server
    assert a["random"] != b["random"]
    assert a["cwd"] == os.getcwd()


def test_kernel_runs_in_the_requested_cwd(pool, notebook, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    nb = run(pool, notebook, tmp_path, cwd=str(elsewhere))
    assert volatile(nb)["cwd"] == str(elsewhere)
    assert volatile(run(pool, notebook, tmp_path, "again"))["cwd"] == os.getcwd()


def test_kernel_holds_none_of_the_servers_descriptors(pool, tmp_path):
    listing = write_notebook(tmp_path / "fds.ipynb", [(
        "import os\n"
        "for fd in os.listdir('/proc/self/fd'):\n"
        "    try:\n"
        "        print(os.readlink(f'/proc/self/fd/{fd}'))\n"
        "    except FileNotFoundError:\n"
        "        pass", [])])
    nb = execute_notebook(listing, str(tmp_path / "fds-out.ipynb"), pool=pool, progress_bar=False)
    held = set(nb.cells[0].outputs[0]["text"].split())
    with open("/proc/net/unix") as f:  # the server's listening socket and its accepted connections
        server_sockets = {f"socket:[{line.split()[6]}]" for line in f if line.rstrip().endswith(pool._socket_path)}
    assert server_sockets and not server_sockets & held
    assert f"pipe:[{os.fstat(pool._server.stdin.fileno()).st_ino}]" not in held
    assert not any("pidfd" in target for target in held)


def test_error_in_notebook_raises_and_pool_still_works(pool, notebook, tmp_path):
    failing = write_notebook(tmp_path / "fails.ipynb", [("1 / 0", [])])
    with pytest.raises(papermill.PapermillExecutionError) as info:
        execute_notebook(failing, str(tmp_path / "fails-out.ipynb"), pool=pool, progress_bar=False)
    assert info.value.ename == "ZeroDivisionError"
    assert volatile(run(pool, notebook, tmp_path))["ppid"] == pool._server.pid


def test_dead_kernel_is_detected_and_pool_still_works(pool, notebook, tmp_path):
    dying = write_notebook(tmp_path / "dies.ipynb", [("import os; os._exit(3)", []), ("print('never')", [])])
    started = time.monotonic()
    with pytest.raises(DeadKernelError):
        execute_notebook(dying, str(tmp_path / "dies-out.ipynb"), pool=pool, progress_bar=False,
                         execution_timeout=30)
    assert time.monotonic() - started < 10
    run(pool, notebook, tmp_path)


def test_hanging_cell_times_out_its_kernel_is_killed_and_pool_still_works(pool, notebook, tmp_path):
    hanging = write_notebook(tmp_path / "hangs.ipynb", [
        ("import os; print(os.getpid())", []),
        ("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)  # deaf to interrupts\n"
         "time.sleep(60)", [])])
    out = tmp_path / "hangs-out.ipynb"
    started = time.monotonic()
    with pytest.raises(CellTimeoutError):
        execute_notebook(hanging, str(out), pool=pool, progress_bar=False, execution_timeout=2)
    assert time.monotonic() - started < 6  # the caller does not wait for the kernel to die
    pid = int(nbformat.read(out, as_version=4).cells[0].outputs[0]["text"])
    assert gone(pid, within=RETIRE_GRACE + 3)  # killed once its grace period is over
    run(pool, notebook, tmp_path)


def test_parallel_runs_get_kernels_of_their_own(pool, notebook, tmp_path):
    with ThreadPoolExecutor(2) as workers:
        runs = list(workers.map(lambda label: run(pool, notebook, tmp_path, label), ["a", "b", "c"]))
    assert len({volatile(nb)["pid"] for nb in runs}) == 3
    assert [tagged(nb, "leftovers").outputs for nb in runs[1:]] == [tagged(runs[0], "leftovers").outputs] * 2


def test_interrupt_restart_and_shutdown_through_the_kernel_manager(pool):
    async def scenario():
        km = pool.kernel_manager_class()
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=30)
        first_pid = km.provisioner.kernel.pid
        msg_id = kc.execute("import time; time.sleep(30)")
        await asyncio.sleep(0.5)
        await km.interrupt_kernel()
        reply = await kc.get_shell_msg(timeout=5)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        await km.restart_kernel()
        await kc.wait_for_ready(timeout=30)
        assert km.provisioner.kernel.pid != first_pid and gone(first_pid)
        reply = await kc.execute("x = 1", reply=True, timeout=10)
        assert reply["content"]["status"] == "ok"
        second_pid = km.provisioner.kernel.pid
        started = time.monotonic()
        await km.shutdown_kernel()
        assert time.monotonic() - started < 0.1  # ordinary: >= 0.1 s of polling; the pool finishes it
        assert not await km.is_alive()
        kc.stop_channels()
        assert gone(second_pid)

    asyncio.run(scenario())


def test_fallback_runs_ordinary_kernels_of_this_python(monkeypatch, notebook, tmp_path):
    monkeypatch.setattr(KernelPool, "available", staticmethod(lambda: False))
    with KernelPool() as fallback:
        assert not fallback.forking and fallback.kernel_manager_class is SameEnvKernelManager
        nb = run(fallback, notebook, tmp_path)
    assert volatile(nb)["ppid"] == os.getpid()


def test_server_that_cannot_start_is_an_error(tmp_path, monkeypatch, notebook, capfd):
    (tmp_path / "spawns_thread.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    with KernelPool(preload=("spawns_thread",), startup_timeout=20) as broken:
        with pytest.raises(KernelStartError, match="did not start"):
            run(broken, notebook, tmp_path)
    assert "unsafe to fork: threads running" in capfd.readouterr().err
    with pytest.raises(ValueError, match="matplotlib_inline"):
        KernelPool(preload=("matplotlib_inline.backend_inline",))


def test_close_leaves_no_process_behind(notebook, tmp_path):
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with KernelPool(prefork=2) as pool:
        run(pool, notebook, tmp_path)
        run(pool, notebook, tmp_path, "second")
        spawned = {p.pid for p in psutil.Process().children(recursive=True)} - before
        assert pool._server.pid in spawned and len(spawned) >= 3  # the server and its kernels
    assert all(gone(pid, within=0) for pid in spawned)
    assert {p.pid for p in psutil.Process().children(recursive=True)} <= before


def test_preload_can_call_a_function_once_in_the_server(tmp_path, monkeypatch):
    """"module:function" preloads the module and calls the function in the server, before any fork."""
    marker = tmp_path / "calls"
    (tmp_path / "warmth.py").write_text(
        f"import os\ndef up():\n    open({str(marker)!r}, 'a').write(str(os.getpid()) + '\\n')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; print(os.getppid())")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "ppid.ipynb"
    nbformat.write(nb, path)
    with KernelPool(preload=("warmth:up",)) as pool:
        out = execute_notebook(str(path), None, pool=pool, progress_bar=False)
    calls = marker.read_text().split()
    assert len(calls) == 1 and calls[0] == out.cells[0].outputs[0].text.strip()  # called in the kernels' parent


def test_server_ends_with_its_pool_even_while_preloading(tmp_path, monkeypatch):
    """The pool's process may die (even by SIGKILL) while the server is still importing: the server must not
    carry on with its imports. Its stdin pipe closing is what that death does to it."""
    importing = tmp_path / "importing"
    (tmp_path / "slow_import.py").write_text(f"import time\nopen({str(importing)!r}, 'w').close()\ntime.sleep(120)\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])))
    pool = KernelPool(preload=("slow_import",))
    try:
        while not importing.exists():
            assert pool._server.poll() is None
            time.sleep(0.05)
        pool._server.stdin.close()
        assert pool._server.wait(timeout=60) == -signal.SIGIO
    finally:
        pool.close()


INHERIT = """
import os, sys, psutil, nbformat
from govreport.forkkernel import KernelPool, execute_notebook
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os, sys; print(os.getppid(), 'inherited' in sys.modules)")])
nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbformat.write(nb, sys.argv[1])
sys.modules["inherited"] = sys  # something only this process has: a kernel forked from it has it too
me = psutil.Process()
with KernelPool(preload=("json",), inherit=True, log=sys.argv[2]) as pool:
    server = psutil.Process(pool._server.pid)
    assert server.ppid() == os.getpid() and server.cmdline() == me.cmdline()  # forked: no new interpreter
    out = execute_notebook(sys.argv[1], None, pool=pool, progress_bar=False)
    assert out.cells[0].outputs[0].text.split() == [str(server.pid), "True"], out.cells[0].outputs
    spawned = me.children(recursive=True)
print(len(spawned), *[p.pid for p in spawned])
"""


def test_an_inherited_server_is_forked_from_its_pool_and_ends_with_it(tmp_path):
    """KernelPool(inherit=True): the server is this very process forked (its imports shared, no new Python);
    kernels come from it as usual, their output goes to the log, and close() leaves no process behind."""
    log = tmp_path / "kernels.log"
    done = subprocess.run([sys.executable, "-c", INHERIT, str(tmp_path / "nb.ipynb"), str(log)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    count, *pids = map(int, done.stdout.split())
    assert count >= 2  # the server and a kernel
    assert all(gone(pid, within=10) for pid in pids)
    assert log.exists()


def test_an_inherited_server_is_refused_where_threads_run(tmp_path):
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="busy-thread", daemon=True)
    thread.start()
    try:
        with pytest.raises(KernelStartError, match="threads running: .*busy-thread"):
            KernelPool(preload=(), inherit=True)
    finally:
        stop.set()
        thread.join()
