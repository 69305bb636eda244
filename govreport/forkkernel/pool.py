"""KernelPool: the fork server as seen from the caller, with kernels forked ahead of need."""
from __future__ import annotations

import itertools
import os
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor

from govreport.forkkernel.client import ForkedKernel, KernelStartError, Launch, send
from govreport.forkkernel.manager import ForkKernelManager, SameEnvKernelManager

DEFAULT_PRELOAD = ("pandas", "matplotlib.pyplot", "matplotlib.backends.backend_agg")
RETIRE_GRACE = 3.0  # seconds a retired kernel gets to exit on its own before it is killed


class KernelPool:
    """A fork server plus `prefork` kernels forked ahead, each used for one notebook run.

    Use `kernel_manager_class` as papermill's (nbclient's) `kernel_manager_class`, or `execute_notebook`.
    Where fork is unavailable (`available()` is False; `forking` says) it runs ordinary kernels instead.

    The server imports `preload` ("module", or "module:function" to also call a function of it, e.g. to fill
    caches) once, with the environment of the pool's creation: make a new pool after
    upgrading packages, or after changing environment variables that those modules read when imported.
    A kernel differs from a fresh one in its parent process (the server; JPY_PARENT_PID still names the
    caller), in what is already imported, and in sharing the server's str hash seed (PYTHONHASHSEED)."""

    def __init__(self, preload=DEFAULT_PRELOAD, prefork: int = 1, startup_timeout: float = 60,
                 inherit: bool = False, log: str | os.PathLike | None = None):
        """inherit: fork the server from this process rather than start a new Python: `preload` is imported
        here (once for both), which must then hold no threads, ZMQ context or event loop (KernelStartError
        says what it holds), and the server shares what this process has imported.
        log: a file the kernels' and the server's stdout and stderr are appended to (default: this process's)."""
        if any(name.split(".")[0] == "matplotlib_inline" for name in preload):
            raise ValueError("do not preload matplotlib_inline: every figure would render as text")
        self.startup_timeout = startup_timeout
        self.forking = self.available()
        self.kernel_manager_class = SameEnvKernelManager
        if not self.forking:
            return
        self.kernel_manager_class = type("PooledKernelManager", (ForkKernelManager,), {"pool": self})
        self.prefork = prefork
        self._dir = tempfile.mkdtemp(prefix="forkkernel-")
        self._remove_dir = weakref.finalize(self, shutil.rmtree, self._dir, ignore_errors=True)  # if not closed
        self._socket_path = os.path.join(self._dir, "server.sock")
        self._output = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644) if log else None
        self._names = itertools.count()
        self._lock = threading.Lock()
        self._kernels: set[ForkedKernel] = set()
        self._spares: list[tuple[Launch, Future[ForkedKernel]]] = []
        if inherit:
            self._server = self._fork_server(preload)
        else:
            self._server = subprocess.Popen(
                [sys.executable, "-c", "from govreport.forkkernel.server import main; main()",
                 self._socket_path, *preload],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._output, start_new_session=True)
        self._executor = ThreadPoolExecutor(max_workers=prefork + 4, thread_name_prefix="forkkernel")
        self._server_ready = self._executor.submit(self._await_server)
        self._closed = False
        self._refill(Launch.of())

    def _fork_server(self, preload) -> _ForkedServer:
        """The server as a child forked from this process, once it has imported `preload`."""
        from govreport.forkkernel import server
        problems = server.prepare(preload)
        if problems:
            self._remove_dir()
            if self._output is not None:
                os.close(self._output)
            raise KernelStartError("cannot fork the kernel server from this process: " + "; ".join(problems))
        stdin, to_server = os.pipe()
        from_server, stdout = os.pipe()
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            if stream is not None:
                stream.flush()  # else the child would write this process's buffered output again
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = server.forked(self._socket_path, stdin, stdout, 2 if self._output is None else self._output)
            finally:
                os._exit(code)  # never unwind into this process's frames
        os.close(stdin)
        os.close(stdout)
        return _ForkedServer(pid, open(to_server, "wb"), open(from_server, "rb"))

    @staticmethod
    def available() -> bool:
        """True where kernels can be forked (Linux with pidfd support); else the pool runs normal kernels."""
        if not (sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")):
            return False
        try:
            os.close(os.pidfd_open(os.getpid()))
        except OSError:
            return False
        return True

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def acquire(self, launch: Launch) -> Future[ForkedKernel]:
        """A kernel for `launch`, ready to connect to: a spare if one matches, else one forked now.

        Spares forked for another launch are killed and replaced by spares for this one (on ports of
        their own: pinned ports serve one kernel only)."""
        usual = launch._replace(connection="")
        with self._lock:
            if self._closed:
                raise KernelStartError("the kernel pool is closed")
            match = next((f for spare, f in self._spares if spare == launch), None)
            stale = [f for spare, f in self._spares if spare != usual]
            self._spares = [(spare, f) for spare, f in self._spares if spare == usual and f is not match]
        if match is not None and match.done() and (match.exception() or match.result().poll() is not None):
            stale.append(match)  # it failed to start, or died waiting
            match = None
        for future in stale:
            future.add_done_callback(self._discard)
        future = match or self._executor.submit(self._start, launch)
        self._refill(usual)
        return future

    def retire(self, kernel: ForkedKernel, grace: float = RETIRE_GRACE) -> None:
        """Let `kernel` finish exiting in the background; kill its process group after `grace` seconds."""
        try:
            self._executor.submit(self._reap, kernel, grace)
        except RuntimeError:  # the pool is closing, which kills every kernel anyway
            kernel.signal(signal.SIGKILL)

    def close(self) -> None:
        """Kill every kernel of this pool and stop the fork server; no process is left behind."""
        if not self.forking or self._closed:
            return
        with self._lock:
            self._closed = True
            spares, self._spares = self._spares, []
        for _, spare in spares:
            spare.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
        for kernel in list(self._kernels):
            kernel.signal(signal.SIGKILL)
        self._server.stdin.close()  # the server kills what is left, reaps it and exits
        try:
            self._server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._server.kill()
            self._server.wait()
        self._server.stdout.close()
        self._executor.shutdown(wait=True)
        if self._output is not None:
            os.close(self._output)
        self._remove_dir()

    def abort(self) -> None:
        """Have the fork server kill every kernel and exit, without waiting and without locks (safe in a
        signal handler, so that exiting does not wait on kernels still starting); close() still cleans up."""
        if self.forking:
            self._server.send_signal(signal.SIGTERM)

    def _refill(self, launch: Launch) -> None:
        with self._lock:
            while not self._closed and len(self._spares) < self.prefork:
                self._spares.append((launch, self._executor.submit(self._start, launch)))

    def _await_server(self) -> None:
        with selectors.DefaultSelector() as sel:
            sel.register(self._server.stdout, selectors.EVENT_READ)
            ready = sel.select(self.startup_timeout) and self._server.stdout.readline() == b"ready\n"
        if not ready:
            raise KernelStartError("the fork server did not start (see its error output above)")

    def _start(self, launch: Launch) -> ForkedKernel:
        """Ask the server for a kernel and wait until it is ready (runs in the pool's threads)."""
        self._server_ready.result(timeout=self.startup_timeout)
        name = os.path.join(self._dir, f"kernel-{next(self._names)}")
        if launch.connection:  # ipykernel binds the ports of an existing connection file
            with open(os.open(name + ".json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                f.write(launch.connection)
            argv = ["-f", name + ".json", *launch.argv]
        else:  # Unix sockets in our private directory: no port to collide on, nothing open to the network
            argv = ["-f", name + ".json", "--transport=ipc", f"--ip={name}", *launch.argv]
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            conn.connect(self._socket_path)
        except OSError as exc:
            conn.close()
            raise KernelStartError(f"the fork server is gone: {exc}") from exc
        kernel = ForkedKernel(conn, launch)
        with open(os.devnull, "rb") as stdin:
            output = [1, 2] if self._output is None else [self._output] * 2
            send(conn, {"argv": argv, "cwd": launch.cwd, "env": dict(launch.env)}, [stdin.fileno(), *output])
        with self._lock:
            self._kernels.add(kernel)
        try:
            return kernel.wait_ready(self.startup_timeout)
        except KernelStartError:
            self.retire(kernel, 0)
            raise

    def _reap(self, kernel: ForkedKernel, grace: float) -> None:
        if kernel.wait(grace) is None:
            kernel.signal(signal.SIGKILL)
            kernel.wait(10)
        if kernel.returncode is not None:
            with self._lock:
                self._kernels.discard(kernel)
            kernel.conn.close()

    def _discard(self, future: Future[ForkedKernel]) -> None:
        """Kill a spare that was never used (no client, nothing to shut down gracefully)."""
        if not future.cancelled() and future.exception() is None:
            future.result().signal(signal.SIGKILL)
            self.retire(future.result(), 0)


class _ForkedServer:
    """A server forked by KernelPool(inherit=True), with the part of subprocess.Popen's interface the pool uses."""

    def __init__(self, pid: int, stdin, stdout):
        self.pid, self.stdin, self.stdout, self.returncode = pid, stdin, stdout, None
        self._pidfd = os.pidfd_open(pid)

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"fork server {self.pid}", timeout)
            self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            os.close(self._pidfd)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            signal.pidfd_send_signal(self._pidfd, signum)  # never another process that reused the pid

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def execute_notebook(input_path, output_path, parameters: dict | None = None, pool: KernelPool | None = None,
                     **papermill_kwargs):
    """papermill.execute_notebook in a kernel of this Python: forked from `pool` if given, else ordinary."""
    import papermill  # not at module level: the fork server imports this package and needs no papermill

    manager = pool.kernel_manager_class if pool is not None else SameEnvKernelManager
    papermill_kwargs.setdefault("kernel_manager_class", manager)
    return papermill.execute_notebook(input_path, output_path, parameters, **papermill_kwargs)
