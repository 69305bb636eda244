"""Turn an executed report notebook into a standalone HTML page with nbconvert and our template."""
from __future__ import annotations

import copy

import nbformat
from nbconvert.exporters import TemplateExporter

from . import webfont
from .outputs import RESULTS_MIMETYPE, Results
from .pages import TEMPLATES


def exporter() -> TemplateExporter:
    """One exporter with our HTML template; reuse it across reports.

    A plain TemplateExporter, not nbconvert's HTMLExporter: that one re-parses every page with BeautifulSoup
    (to add alt texts and tabindex to Jupyter's own markup, which our pages do not have), which took more
    time than the rest of the rendering and rewrote the charts' SVG (viewBox → viewbox)."""
    return TemplateExporter(template_name="govreport", template_file="index.html.j2",
                            extra_template_basedirs=[str(TEMPLATES)])


def to_html(nb: nbformat.NotebookNode, title: str, provenance: dict,
            html_exporter: TemplateExporter | None = None) -> str:
    """The report page: the notebook's outputs, less the machine-readable results, in our template, with its
    own font (webfont.embed: the glyphs of this page's text and charts)."""
    shown = copy.deepcopy(nb)
    for cell in shown.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if RESULTS_MIMETYPE not in o.get("data", {})]
    resources = {"govreport": {"title": title, "provenance": provenance}}
    return webfont.embed((html_exporter or exporter()).from_notebook_node(shown, resources=resources)[0])


def results(nb: nbformat.NotebookNode) -> Results:
    """The results the notebook published (report.publish_results)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if RESULTS_MIMETYPE in out.get("data", {}):
                return out["data"][RESULTS_MIMETYPE]
    raise ValueError("the executed notebook published no results")
