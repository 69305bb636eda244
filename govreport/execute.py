"""Run the report notebook for one agency with papermill, in a kernel of this very Python environment."""
from __future__ import annotations

from pathlib import Path

import nbformat
import papermill

from .forkkernel import SameEnvKernelManager

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "agency_report.ipynb"


def execute(parameters: dict, notebook: Path = NOTEBOOK, timeout: int = 600,
            kernel_manager_class=SameEnvKernelManager) -> nbformat.NotebookNode:
    """Execute `notebook` with `parameters`; returns the executed notebook (written nowhere).

    Raises papermill.PapermillExecutionError naming the failing cell when the notebook raises."""
    return papermill.execute_notebook(
        str(notebook), None, parameters=parameters, progress_bar=False, log_output=False,
        request_save_on_cell_execute=False, execution_timeout=timeout,
        kernel_manager_class=kernel_manager_class)
