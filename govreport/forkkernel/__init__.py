"""Brand-new Jupyter kernels at a fraction of the start-up cost: forked from a warm fork server.

Every notebook run gets a kernel process of its own (nothing leaks from one report into the next), forked
from a server that has already imported ipykernel, pandas and matplotlib; the next kernel is forked while
the current report runs, and the old one shuts down in the background. Linux only: elsewhere KernelPool
runs ordinary kernels of this Python.

    with KernelPool(preload=DEFAULT_PRELOAD + ("govreport.charts", "govreport.tables")) as pool:
        for agency in agencies:
            execute_notebook(NOTEBOOK, out_path(agency), {"agency_id": agency}, pool=pool)

or hand ``pool.kernel_manager_class`` to papermill.execute_notebook (papermill passes it on to nbclient).
"""
from govreport.forkkernel.client import KernelStartError
from govreport.forkkernel.manager import ForkKernelManager, QuickReadyClient, SameEnvKernelManager
from govreport.forkkernel.pool import DEFAULT_PRELOAD, KernelPool, execute_notebook

__all__ = ["DEFAULT_PRELOAD", "ForkKernelManager", "KernelPool", "KernelStartError", "QuickReadyClient",
           "SameEnvKernelManager", "execute_notebook"]
