"""Turn an executed report notebook into a standalone HTML page with nbconvert and our template."""
from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from .report import RESULTS_MIMETYPE

_UMASK = os.umask(0o022)
os.umask(_UMASK)
TEMPLATES = Path(__file__).resolve().parent / "templates"


def exporter() -> HTMLExporter:
    """One HTML exporter with our template; reuse it across reports."""
    return HTMLExporter(template_name="govreport", extra_template_basedirs=[str(TEMPLATES)])


def to_html(nb: nbformat.NotebookNode, title: str, provenance: dict, html_exporter: HTMLExporter | None = None) -> str:
    """The report page: the notebook's outputs, less the machine-readable results, in our template."""
    shown = copy.deepcopy(nb)
    for cell in shown.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if RESULTS_MIMETYPE not in o.get("data", {})]
    body, _ = (html_exporter or exporter()).from_notebook_node(
        shown, resources={"govreport": {"title": title, "provenance": provenance}})
    return body


def results(nb: nbformat.NotebookNode) -> dict:
    """The results the notebook published (report.publish_results)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if RESULTS_MIMETYPE in out.get("data", {}):
                return out["data"][RESULTS_MIMETYPE]
    raise ValueError("the executed notebook published no results")


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
