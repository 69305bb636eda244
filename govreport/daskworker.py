"""What a Dask worker keeps between govreport's reports: a pool of warm, forked kernels and one HTML exporter, as
a local build's worker process keeps them (build._start_worker). A WorkerPlugin, so that they are started on
the worker's first report and stopped when the worker closes: no kernel or fork server outlives it (and should
the worker be killed, its fork server sees its stdin close and takes its kernels with it).

Imported only where a build names a scheduler: on its client and on the workers.
"""
from __future__ import annotations

import threading

from distributed import WorkerPlugin, get_worker

NAME = "govreport"


class WarmKernels(WorkerPlugin):
    """Registered by each cluster build; the first registration stays (idempotent), so later builds find the
    workers' kernels already warm."""

    idempotent = True
    name = NAME

    def __init__(self, preload: tuple[str, ...]):
        self.preload = preload
        self.state: dict = {}
        self.lock = threading.Lock()

    def __getstate__(self) -> dict:  # what the client sends: the state is each worker process's own
        return {"preload": self.preload}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["preload"])

    def setup(self, worker) -> None:
        pass

    def warm(self) -> dict:
        """{"pool": KernelPool, "exporter": TemplateExporter}, started on the first call in this worker."""
        with self.lock:
            if not self.state:
                from .forkkernel import KernelPool
                from .render import exporter
                self.state.update(pool=KernelPool(preload=self.preload), exporter=exporter())
            return self.state

    def teardown(self, worker=None) -> None:
        """Stop the kernels and the fork server (the next report, if any, starts new ones)."""
        with self.lock:
            if self.state:
                self.state.pop("pool").close()
                self.state.clear()


def _plugin() -> WarmKernels | None:
    plugin = get_worker().plugins.get(NAME)
    return plugin if isinstance(plugin, WarmKernels) else None


def warm() -> dict:
    """This worker's warm kernels and exporter ({} where the plugin is not registered: ordinary kernels)."""
    plugin = _plugin()
    return plugin.warm() if plugin else {}


def reset() -> None:
    """Stop this worker's kernel pool: a kernel failed to start in it, and the next report gets a new one."""
    plugin = _plugin()
    if plugin:
        plugin.teardown()
