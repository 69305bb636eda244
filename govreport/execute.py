"""Run the report notebook for one agency with papermill, in a kernel of this very Python environment."""
from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
from papermill.translators import translate_parameters

from .forkkernel import SameEnvKernelManager
from .project import NOTEBOOK, package_file
from .provenance import shown

CLOCK = ("start_time", "end_time", "duration")  # papermill's, in the notebook's and each cell's metadata


def execute(parameters: dict, notebook: Path = package_file(NOTEBOOK.as_posix()), timeout: int = 600,
            kernel_manager_class=SameEnvKernelManager) -> nbformat.NotebookNode:
    """Execute `notebook` with `parameters`; returns the executed notebook (written nowhere), which records
    the parameters as a report shows them (provenance.shown) and the notebook by its name: no machine path.

    The notebook records no clock (papermill's and nbclient's timestamps are dropped): the same inputs give the
    same report.ipynb. Raises papermill.PapermillExecutionError naming the failing cell when the notebook raises."""
    nb = papermill.execute_notebook(
        str(notebook), None, parameters=parameters, progress_bar=False, log_output=False,
        request_save_on_cell_execute=False, execution_timeout=timeout,
        kernel_manager_class=kernel_manager_class)
    recorded = shown(parameters)
    nb.metadata.papermill.update(input_path=Path(notebook).name, parameters=recorded)
    _unclocked(nb.metadata.papermill)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # nbclient's timestamps
        _unclocked(cell.metadata.get("papermill", {}))
        if "injected-parameters" in cell.metadata.get("tags", ()):
            cell.id = "injected-parameters"  # papermill's is random
            cell.source = translate_parameters(nb.metadata.kernelspec.name, nb.metadata.language_info.name,
                                               recorded)
    return nb


def _unclocked(metadata: dict) -> None:
    for key in CLOCK:
        metadata.pop(key, None)
