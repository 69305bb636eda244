"""Run the report notebook for one agency with papermill, in a kernel of this very Python environment."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import papermill
from ipykernel.kernelspec import RESOURCES
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "agency_report.ipynb"

_THIS_ENV = KernelSpec(
    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} (govreport)",
    language="python", resource_dir=RESOURCES,
)


class ThisEnvKernelManager(AsyncKernelManager):
    """Starts the kernel with sys.executable, whatever kernelspec the notebook or the machine names."""

    @property
    def kernel_spec(self) -> KernelSpec:
        return _THIS_ENV


def execute(parameters: dict, notebook: Path = NOTEBOOK, timeout: int = 600,
            kernel_manager_class=ThisEnvKernelManager) -> nbformat.NotebookNode:
    """Execute `notebook` with `parameters`; returns the executed notebook (written nowhere).

    Raises papermill.PapermillExecutionError naming the failing cell when the notebook raises."""
    return papermill.execute_notebook(
        str(notebook), None, parameters=parameters, progress_bar=False, log_output=False,
        request_save_on_cell_execute=False, execution_timeout=timeout,
        kernel_manager_class=kernel_manager_class)
