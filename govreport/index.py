"""The year's index page: every agency with its key figures, check status and links, and the region's totals
row linking its 汇总 report when the year has one (year_index.html.j2)."""
from __future__ import annotations

from pathlib import Path

from . import format as fmt
from . import narrative, outputs, pages, webfont
from .files import write_atomic

COLUMNS = (  # (results figure, header)
    ("received", "新收申请"), ("concluded", "办结"), ("completion_rate", "办结率"),
    ("reviews", "行政复议"), ("suits", "行政诉讼"),
)
STATUS = {"built": "已生成", "skipped": "已生成", "failed": "失败", "refused": "未生成（数据有误）", "": "未生成"}


def _figure(key: str, value) -> tuple[object, str]:
    """(sort key, as shown) of one figure; a missing one sorts first."""
    if value is None:
        return -1, "—"
    return value, narrative.percent(value, 1) if key == "completion_rate" else str(value)


def _row(directory: Path, agency: str, name: str, state: dict) -> dict:
    """What the index shows of one agency, from its state (build.json) and results.json."""
    status = state.get("status", "")
    figures = (outputs.read_results(directory) or {}).get("figures", {})
    findings = state.get("findings", [])
    return {"agency": agency, "name": name, "status": status,
            "figures": [_figure(k, figures.get(k)) for k, _ in COLUMNS],
            "findings": findings, "errors": sum(f["severity"] == "error" for f in findings),
            "label": STATUS.get(status, status), "error": state.get("error", ""),
            "report": f"{agency}/{outputs.REPORT}" if (directory / outputs.REPORT).is_file() else "",
            "log": f"{agency}/{state['log']}" if state.get("log") else ""}


def _region_row(year_dir: Path, states: dict) -> dict | None:
    """The region's totals row (its 汇总 report's figures and link), or None when the year has no region build."""
    directory = year_dir / outputs.REGION_DIR
    state = states.get(outputs.REGION_DIR) or outputs.read_state(directory)
    if not state:
        return None
    results = outputs.read_results(directory) or {}
    row = _row(directory, outputs.REGION_DIR, f"{results.get('name', '')}（汇总）", state)
    return {**row, "agency": results.get("agency", outputs.REGION_DIR),
            "report": outputs.REGION_REPORT if (year_dir / outputs.REGION_REPORT).is_file() else ""}


def index_html(year_dir: Path, year: int, names: dict[str, str], states: dict | None = None) -> str:
    """The index page, with its own font (webfont.embed: the glyphs of its own text). `states` (agency -> state)
    take the place of build.json files, which an unwritable directory lacks."""
    title = fmt.TITLE.format(name="", year=year, form=fmt.TITLE_FORMS[0])
    states = states or {}
    rows = [_row(year_dir / agency, agency, name, states.get(agency) or outputs.read_state(year_dir / agency) or {})
            for agency, name in names.items()]
    return webfont.embed(pages.render("year_index.html.j2", title=title, headers=[h for _, h in COLUMNS],
                                      rows=rows, region=_region_row(year_dir, states)))


def write_index(year_dir: Path, year: int, names: dict[str, str], states: dict | None = None) -> Path:
    path = year_dir / outputs.INDEX
    write_atomic(path, index_html(year_dir, year, names, states))
    return path
