"""Kernel managers for papermill/nbclient: kernels of this very Python, ordinary or forked from a pool."""
from __future__ import annotations

import asyncio
import math
import signal
import sys
import time
import uuid
from queue import Empty

from ipykernel.kernelspec import RESOURCES
from jupyter_client import AsyncKernelClient, AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.provisioning import KernelProvisionerBase
from traitlets import Type

from govreport.forkkernel.client import ForkedKernel, Launch

SAME_ENV_SPEC = KernelSpec(
    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} ({sys.executable})",
    language="python", interrupt_mode="signal", resource_dir=RESOURCES,
)


class QuickReadyClient(AsyncKernelClient):
    """An AsyncKernelClient whose wait_for_ready returns once IOPub has carried the "idle" status of its
    kernel_info request, rather than after 0.2 s of IOPub silence (half the time of a forked run).

    What that silence flushed needs no flushing: nbclient skips IOPub messages of other requests."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while time.monotonic() < deadline:
            try:
                reply = await self.kernel_info(reply=True, timeout=1)
                await self._idle_status(reply["parent_header"]["msg_id"], timeout=0.2)
            except (TimeoutError, Empty):  # no reply yet, or IOPub not yet subscribed: ask again
                if not await self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info") from None
                continue
            self._handle_kernel_info_reply(reply)
            return
        raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    async def _idle_status(self, msg_id: str, timeout: float) -> None:
        end = time.monotonic() + timeout
        while True:
            msg = await self.iopub_channel.get_msg(timeout=max(0.0, end - time.monotonic()))
            if (msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id
                    and msg["content"]["execution_state"] == "idle"):
                return


class SameEnvKernelManager(AsyncKernelManager):
    """Runs ipykernel with sys.executable, whatever kernelspec the notebook names or the machine has."""

    client_factory = Type(QuickReadyClient, klass=AsyncKernelClient, config=True)

    @property
    def kernel_spec(self) -> KernelSpec:
        return SAME_ENV_SPEC

    @property
    def ipykernel(self) -> bool:
        return True


class ForkKernelManager(SameEnvKernelManager):
    """Takes its kernel from `pool` (set by KernelPool on a subclass) through a ForkProvisioner.

    Start, interrupt, restart, kill and death detection work as with any AsyncKernelManager; a shutdown
    returns at once and the pool finishes it in the background."""

    pool = None

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


class ForkProvisioner(KernelProvisionerBase):
    """A provisioner whose "launch" takes a ready kernel from the kernel manager's pool.

    Once a shutdown has been requested (or the kernel killed) the kernel is handed back to the pool,
    which waits for it to exit (killing it after a grace period), so the manager need not wait. A restart
    waits as usual, then forks the new kernel on the old ports and key so that clients stay connected."""

    kernel: ForkedKernel | None = None

    @property
    def has_process(self) -> bool:
        return self.kernel is not None

    async def pre_launch(self, **kwargs):
        argv = list(kwargs.pop("extra_arguments", []))
        return await super().pre_launch(cmd=argv, **kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs):
        unsupported = set(kwargs) - {"cwd", "env"}
        if unsupported:
            raise ValueError(f"forked kernels do not support the launch options {sorted(unsupported)}")
        km = self.parent
        pinned = None
        if km.shell_port:  # a restart (or ports set by configuration): keep them
            pinned = km.get_connection_info()
            pinned["key"] = pinned["key"].decode()
        launch = Launch.of(cmd, kwargs.get("cwd"), kwargs["env"], pinned)
        self.kernel = await asyncio.wrap_future(km.pool.acquire(launch))
        info = dict(self.kernel.connection)
        self.connection_info = dict(info, key=info["key"].encode())
        return self.connection_info

    async def poll(self) -> int | None:
        return self.kernel.poll() if self.kernel else 0

    async def wait(self) -> int | None:
        if self.kernel is None:
            return 0
        while self.kernel.poll() is None:
            await asyncio.sleep(0.05)
        returncode = self.kernel.returncode
        self._hand_back(grace=0)
        return returncode

    async def send_signal(self, signum: int) -> None:
        if self.kernel:
            self.kernel.signal(signum)

    async def kill(self, restart: bool = False) -> None:
        if self.kernel:
            self.kernel.signal(signal.SIGKILL)
            if not restart:
                self._hand_back(grace=0)

    async def terminate(self, restart: bool = False) -> None:
        if self.kernel:
            self.kernel.signal(signal.SIGTERM)

    async def shutdown_requested(self, restart: bool = False) -> None:
        if not restart:
            self._hand_back()

    async def cleanup(self, restart: bool = False) -> None:
        if self.kernel:
            self._hand_back(grace=0)

    def _hand_back(self, **grace) -> None:
        self.parent.pool.retire(self.kernel, **grace)
        self.kernel = None
