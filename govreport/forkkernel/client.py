"""The caller's side of one forked kernel, and the wire format shared with the fork server."""
from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import threading
import time
from typing import NamedTuple

MAX_MESSAGE = 1 << 20
DEFAULT_ARGV = ("--HistoryManager.hist_file=:memory:",)  # what nbclient passes to an ipykernel


def send(conn: socket.socket, message: dict, fds: list[int] = ()) -> None:
    """Send one JSON message (and file descriptors) on a SOCK_SEQPACKET connection."""
    socket.send_fds(conn, [json.dumps(message).encode()], list(fds))


class KernelStartError(RuntimeError):
    """The fork server could not start or could not fork a kernel."""


class Launch(NamedTuple):
    """Everything a kernel is started with; a spare kernel serves only an identical launch.

    `connection` (JSON) pins the ports and key, as a restart needs; spares choose their own ports."""

    argv: tuple[str, ...]
    cwd: str
    env: tuple[tuple[str, str], ...]
    connection: str = ""

    @classmethod
    def of(cls, argv=DEFAULT_ARGV, cwd: str | None = None, env: dict | None = None,
           connection: dict | None = None) -> Launch:
        env = dict(os.environ if env is None else env, JPY_PARENT_PID=str(os.getpid()))
        pinned = json.dumps(connection, sort_keys=True) if connection else ""
        return cls(tuple(argv), os.path.abspath(cwd or os.getcwd()), tuple(sorted(env.items())), pinned)


class ForkedKernel:
    """One kernel forked by the server: its pid, connection info and, once it has exited, its return code.

    Its state arrives as messages on the request connection: from the child ("pid", "connection",
    "error") and from the server after reaping it ("exit")."""

    def __init__(self, conn: socket.socket, launch: Launch):
        self.conn = conn
        self.launch = launch
        self.pid: int | None = None
        self.connection: dict | None = None
        self.returncode: int | None = None
        self.error: str | None = None
        self._lock = threading.Lock()

    def _read(self, timeout: float | None) -> bool:
        """Handle one message if one arrives within `timeout` seconds (None: no limit); whether one did."""
        if self.returncode is None and timeout != 0:
            try:
                with selectors.DefaultSelector() as sel:
                    sel.register(self.conn, selectors.EVENT_READ)
                    sel.select(timeout)
            except (ValueError, OSError):  # closed meanwhile by the thread that saw the exit
                return False
        with self._lock:
            if self.returncode is not None:
                return False
            try:
                data = self.conn.recv(MAX_MESSAGE, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return False
            message = json.loads(data) if data else {"exit": -signal.SIGKILL, "error": "fork server gone"}
            self.pid = message.get("pid", self.pid)
            self.connection = message.get("connection", self.connection)
            self.error = message.get("error", self.error)
            self.returncode = message.get("exit")
            return True

    def poll(self) -> int | None:
        """The return code if the kernel has exited, else None; never blocks."""
        while self._read(0):
            pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait until the kernel has exited (or `timeout` has passed); its return code or None."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                break
            self._read(left)
        return self.returncode

    def wait_ready(self, timeout: float) -> ForkedKernel:
        """Wait until the kernel listens on its ports; raise KernelStartError if it fails or takes too long."""
        deadline = time.monotonic() + timeout
        while self.connection is None and self.error is None and self.returncode is None:
            left = deadline - time.monotonic()
            if left <= 0:
                self.signal(signal.SIGKILL)
                raise KernelStartError(f"forked kernel not ready within {timeout} s")
            self._read(left)
        if self.connection is None:
            raise KernelStartError(f"forked kernel failed to start: {self.error or self.returncode}")
        return self

    def signal(self, signum: int) -> None:
        """Send `signum` to the kernel's process group (the kernel and its subprocesses), if still running."""
        if self.pid is not None and self.poll() is None:
            try:
                os.killpg(self.pid, signum)
            except ProcessLookupError:
                pass
