"""The year's index page: every agency with its key figures, check status and links."""
from __future__ import annotations

import json
from html import escape
from pathlib import Path

from . import format as fmt
from . import narrative, webfont
from .build import LOG, read_state
from .files import write_atomic

COLUMNS = (  # (results figure, header)
    ("received", "新收申请"), ("concluded", "办结"), ("completion_rate", "办结率"),
    ("reviews", "行政复议"), ("suits", "行政诉讼"),
)
STATUS = {"built": "已生成", "skipped": "已生成", "failed": "失败", "refused": "未生成（数据有误）", "": "未生成"}

_STYLE = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #999;padding:.3rem .5rem;vertical-align:top}th{background:#f2f2f2;cursor:pointer}
td.num{text-align:right;font-variant-numeric:tabular-nums}tr.failed td{background:#fff0ee}
.error{color:#a4161a}.warning{color:#8a5a00}details{font-size:.85rem}
"""
_SORT = """
document.querySelectorAll("th").forEach(function (th, col) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0], up = th.dataset.dir !== "asc";
    var key = function (tr) { var c = tr.cells[col]; return c.dataset.sort !== undefined ? c.dataset.sort : c.textContent; };
    var rows = Array.prototype.slice.call(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
      var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh");
      return up ? r : -r;
    });
    th.dataset.dir = up ? "asc" : "desc";
    rows.forEach(function (tr) { body.appendChild(tr); });
  });
});
"""


def _figure(key: str, value) -> str:
    if value is None:
        return '<td class="num" data-sort="-1">—</td>'
    shown = narrative.percent(value, 1) if key == "completion_rate" else str(value)
    return f'<td class="num" data-sort="{value}">{escape(shown)}</td>'


def _row(directory: Path, agency: str, name: str, state: dict) -> str:
    status = state.get("status", "")
    results_file = directory / "results.json"
    figures = json.loads(results_file.read_text(encoding="utf-8"))["figures"] if results_file.is_file() else {}
    cells = "".join(_figure(k, figures.get(k)) for k, _ in COLUMNS)
    findings = state.get("findings", [])
    errors = sum(f["severity"] == "error" for f in findings)
    listing = "".join(f'<li class="{f["severity"]}">[{escape(f["rule"])}] {escape(f["message"])}</li>'
                      for f in findings)
    check = (f"<details><summary>{errors} 错误，{len(findings) - errors} 提示</summary><ul>{listing}</ul></details>"
             if findings else "通过")
    links = []
    if (directory / "report.html").is_file():
        links.append(f'<a href="{escape(agency)}/report.html">报告</a>')
    if state.get("log"):
        links.append(f'<a href="{escape(agency)}/{LOG}">错误日志</a>')
    label = STATUS.get(status, status)
    if state.get("error"):
        label += f'<br><small class="error">{escape(state["error"])}</small>'
    return (f'<tr class="{escape(status)}"><td>{escape(name)}<br><small>{escape(agency)}</small></td>{cells}'
            f'<td data-sort="{errors * 1000 + len(findings)}">{check}</td><td>{label}</td><td>{" ".join(links)}</td></tr>')


def index_html(year_dir: Path, year: int, names: dict[str, str], states: dict | None = None) -> str:
    """The index page, with its own font (webfont.embed: the glyphs of its own text). `states` (agency -> state)
    take the place of build.json files, which an unwritable directory lacks."""
    head = "".join(f"<th>{escape(h)}</th>" for _, h in COLUMNS)
    states = states or {}
    rows = "".join(_row(year_dir / agency, agency, name, states.get(agency) or read_state(year_dir / agency))
                   for agency, name in names.items())
    title = fmt.TITLE.format(name="", year=year, form=fmt.TITLE_FORMS[0])
    page = (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_STYLE}</style></head><body><h1>{title}（{len(names)}个机关）</h1>"
            f"<p>点击表头排序。</p><table><thead><tr><th>机关</th>{head}<th>一致性检查</th><th>状态</th><th>链接</th>"
            f"</tr></thead><tbody>{rows}</tbody></table><script>{_SORT}</script></body></html>\n")
    return webfont.embed(page)


def write_index(year_dir: Path, year: int, names: dict[str, str], states: dict | None = None) -> Path:
    path = year_dir / "index.html"
    write_atomic(path, index_html(year_dir, year, names, states))
    return path
