"""The fork server: a warm process that forks a brand-new ipykernel per request (Linux only).

KernelPool starts it as ``python -c "from govreport.forkkernel.server import main; main()" SOCKET MODULE...``.
It imports ipykernel and the preload modules once, then listens on a Unix SOCK_SEQPACKET socket. A client
connects and sends one JSON request ``{"argv", "cwd", "env"}`` with the kernel's stdin, stdout and stderr
as SCM_RIGHTS file descriptors. The server forks a child that becomes an IPKernelApp; on that connection the
child reports ``{"pid"}`` and then ``{"connection": <connection-file dict>}`` (or ``{"error"}``), and the
server reports ``{"exit": <returncode>}`` once it has reaped the child. Closing the server's stdin (or
SIGTERM) kills every child's process group and stops the server; the pool holds the other end of that pipe,
so the server ends with the pool's process, however it dies, even while still preloading.

What a fork inherits is what makes this safe or not, so the server refuses to serve when it holds threads,
a ZMQ context or an asyncio loop, or has imported matplotlib_inline (its figure hook would bind to no shell
and every chart would come out as text). Each child redoes what a fresh interpreter does per process: its
own session and process group, fresh random seeds, only stdio open, the requested cwd and environment, and
matplotlib's backend read from MPLBACKEND after ipykernel has set it.
"""
from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import fcntl
import gc
import importlib
import importlib.util
import json
import os
import random
import select
import selectors
import signal
import socket
import stat
import sys
import threading
import traceback

import zmq
from ipykernel.kernelapp import IPKernelApp

from govreport.forkkernel.client import MAX_MESSAGE, send

LAUNCHER = importlib.util.find_spec("ipykernel_launcher").origin  # sys.argv[0] of a normal kernel
_PR_SET_PDEATHSIG = 1


# What IPKernelApp imports only when a kernel starts (its debugger, pdb, history database, completer, ...):
# imported once here, rather than in every kernel (0.08 s of CPU each).
KERNEL_IMPORTS = ("ipykernel.ipkernel", "ipykernel.debugger", "IPython.core.completerlib", "IPython.core.debugger",
                  "IPython.core.logger", "IPython.core.oinspect", "IPython.extensions.storemagic",
                  "IPython.utils.wildcard", "faulthandler", "pdb", "sqlite3", "psutil", "tornado.platform.asyncio",
                  "tornado.queues")


def main(argv: list[str] | None = None) -> None:
    """Preload, check that forking is safe, listen on the socket given in argv, serve until stdin closes."""
    socket_path, *modules = sys.argv[1:] if argv is None else argv
    _end_with_stdin(True)
    problems = prepare(modules)
    if problems:
        sys.exit("forkkernel server: unsafe to fork: " + "; ".join(problems))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    _end_with_stdin(False)  # from now on the serving loop sees stdin close, and kills the kernels first
    serve(socket_path)


def prepare(modules) -> list[str]:
    """Import `modules` ("module" or "module:function", a function to call once, e.g. to fill caches) and
    what every kernel imports; what this process then holds that a forked kernel must not inherit."""
    for name in modules:
        module, _, function = name.partition(":")
        loaded = importlib.import_module(module)
        if function:
            getattr(loaded, function)()
    for name in KERNEL_IMPORTS:
        importlib.import_module(name)
    if "matplotlib" in sys.modules:  # a kernel sets MPLBACKEND, whose check reads every package's entry points
        from matplotlib.backends import backend_registry
        backend_registry.list_all()
    return fork_hazards()


def serve(socket_path: str) -> None:
    """Listen on `socket_path`, say "ready" on stdout, serve until stdin closes."""
    gc.freeze()  # keep the preloaded objects' pages shared with the children (no GC writes to them)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(socket_path)
    listener.listen(64)
    os.write(1, b"ready\n")
    Server(listener).serve()


def forked(socket_path: str, stdin: int, stdout: int, stderr: int) -> int:
    """In a child just forked from a prepared process (KernelPool(inherit=True)): become a fork server as
    main() would be one, with the given descriptors as stdin, stdout and stderr; returns the exit status.

    The child sheds what it inherited: the caller's other descriptors, atexit handlers (a kernel runs the
    atexit handlers it finds) and signal handlers, and ends with the process that forked it."""
    os.setsid()
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        return 1
    for target, fd in enumerate((stdin, stdout, stderr)):
        os.dup2(fd, target)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    atexit._clear()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve(socket_path)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 0
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
    return 0


def _end_with_stdin(on: bool) -> None:
    """While preloading (seconds of imports), die by SIGIO as soon as stdin's writer is gone: the kernel
    signals an O_ASYNC pipe's reader when its last writer closes. No one ever writes to that pipe."""
    if not stat.S_ISFIFO(os.fstat(0).st_mode):
        return
    flags = fcntl.fcntl(0, fcntl.F_GETFL)
    fcntl.fcntl(0, fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(0, fcntl.F_SETFL, flags | os.O_ASYNC if on else flags & ~os.O_ASYNC)
    if on and select.select([0], [], [], 0)[0]:  # gone before O_ASYNC took effect
        sys.exit("forkkernel server: the pool is gone")


def fork_hazards() -> list[str]:
    """What this process holds that a forked kernel must not inherit."""
    problems = []
    if threading.active_count() > 1:
        problems.append("threads running: " + ", ".join(t.name for t in threading.enumerate()))
    if zmq.Context._instance is not None:
        problems.append("a ZMQ context exists")
    if getattr(getattr(asyncio.get_event_loop_policy(), "_local", None), "_loop", None) is not None:
        problems.append("an asyncio event loop exists")
    if "matplotlib_inline" in sys.modules:
        problems.append("matplotlib_inline is imported (figures would render as text)")
    return problems


class Server:
    """Accept requests, fork kernels, reap them and report their exit codes."""

    def __init__(self, listener: socket.socket):
        self.listener = listener
        self.selector = selectors.DefaultSelector()
        self.selector.register(listener, selectors.EVENT_READ, self._accept)
        self.selector.register(0, selectors.EVENT_READ, self._stdin)  # stdin (sys.stdin may be another file)
        self.children: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, connection)
        self.running = True

    def serve(self) -> None:
        try:
            while self.running:
                for key, _ in self.selector.select():
                    key.data(key.fileobj)
        finally:
            self._kill_all()

    def _stdin(self, fd: int) -> None:
        if not os.read(fd, 4096):
            self.running = False

    def _accept(self, listener: socket.socket) -> None:
        conn, _ = listener.accept()
        self.selector.register(conn, selectors.EVENT_READ, self._request)

    def _request(self, conn: socket.socket) -> None:
        self.selector.unregister(conn)
        fds: list[int] = []
        try:
            data, fds, _, _ = socket.recv_fds(conn, MAX_MESSAGE, 3)
            request = json.loads(data)
            if len(fds) != 3:
                raise ValueError("a request carries exactly 3 file descriptors (stdin, stdout, stderr)")
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    code = self._become_kernel(conn, request, fds)
                finally:
                    os._exit(code)  # never unwind into the server's frames
            pidfd = os.pidfd_open(pid)
        except Exception as exc:  # noqa: BLE001 - reported to the client; the server carries on
            with contextlib.suppress(OSError):
                send(conn, {"error": f"{type(exc).__name__}: {exc}"})
            conn.close()
            return
        finally:
            for fd in fds:
                os.close(fd)
        self.children[pidfd] = (pid, conn)
        self.selector.register(pidfd, selectors.EVENT_READ, self._reap)

    def _reap(self, pidfd: int) -> None:
        self.selector.unregister(pidfd)
        pid, conn = self.children.pop(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        with contextlib.suppress(OSError):  # unless the client is gone
            send(conn, {"exit": os.waitstatus_to_exitcode(status)})
        conn.close()

    def _kill_all(self) -> None:
        for pid, _ in self.children.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        for pidfd in list(self.children):
            self._reap(pidfd)

    def _become_kernel(self, conn: socket.socket, request: dict, fds: list[int]) -> int:
        """In the forked child: shed the server, set up the process like a fresh kernel, run IPKernelApp."""
        os.setsid()
        server_pid = os.getppid()
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != server_pid:
            return 1
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for pidfd, (_, other) in self.children.items():
            os.close(pidfd)
            other.close()
        self.selector.close()
        self.listener.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(3, conn.fileno())
        os.closerange(conn.fileno() + 1, os.sysconf("SC_OPEN_MAX"))
        try:
            send(conn, {"pid": os.getpid()})
            app = _init_kernel(request)
            with open(app.abs_connection_file) as f:
                send(conn, {"connection": json.load(f)})
        except BaseException:
            send(conn, {"error": traceback.format_exc()})
            return 1
        finally:
            conn.close()
        app.start()
        return _shut_down(app)


def _init_kernel(request: dict) -> IPKernelApp:
    """Per-process state a fresh `python -m ipykernel_launcher` would have, then IPKernelApp.initialize."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    argv = request["argv"]
    sys.argv = [LAUNCHER, *argv]
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does; IPKernelApp.init_path adds '' back
    app = IPKernelApp.instance(parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0))
    app.initialize(argv)
    mpl = sys.modules.get("matplotlib")
    if mpl is not None and os.environ.get("MPLBACKEND"):
        mpl.rcParams["backend"] = os.environ["MPLBACKEND"]  # what importing matplotlib now would do
    return app


def _shut_down(app: IPKernelApp) -> int:
    """Exit like an interpreter would, minus its teardown of the modules the server preloaded.

    app.close() (also an atexit handler) stops and joins the control, shell-channel and iopub threads
    before the ZMQ context is terminated, so no thread is left to stall exit."""
    app.close()
    atexit.unregister(app.close)
    atexit._run_exitfuncs()
    for stream in (sys.__stdout__, sys.__stderr__):
        stream.flush()
    return 0
