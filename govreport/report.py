"""What the agency-report notebook shows, one function per part: HTML fragments built from the loaded data.

The notebook stays thin: it calls these and displays the result. All agency text is escaped here.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from IPython.display import HTML, display

from . import checks, narrative, tables
from . import format as fmt
from .dataset import AgencyData, load_previous, load_year
from .outputs import RESULTS_MIMETYPE


@dataclass
class Report:
    """One agency's report: this year's data, last year's (if any), the check findings and how its title
    writes the year (format.TITLE_FORMS)."""

    cur: AgencyData
    prev: AgencyData | None
    findings: list[checks.Finding]
    title_form: str = fmt.TITLE_FORMS[0]

    @property
    def title(self) -> str:
        return narrative.title(self.cur.agency, self.cur.year, self.title_form)


def load(agency_id: str, year: int, data_dir: str | Path, title_form: str = fmt.TITLE_FORMS[0]) -> Report:
    """Load the agency's data for `year` (and `year - 1` when present) and check it; `title_form` is the
    notebook's parameter of that name."""
    cur = load_year(data_dir, year, tolerant=True, only=agency_id).agency(agency_id)
    prev_year = load_previous(data_dir, year, tolerant=True, only=agency_id)
    prev = prev_year.agency(agency_id) if prev_year and agency_id in prev_year.agencies else None
    return Report(cur, prev, checks.check_agency(cur, prev), title_form)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in narrative.paragraphs(text))


def _section_title(key: str) -> str:
    return f'<h2 id="s{key}">{escape(fmt.SECTION_TITLES[key])}</h2>'


def notice_html(findings: list[checks.Finding]) -> str:
    """A prominent notice listing the check findings, or "" when there are none."""
    if not findings:
        return ""
    kind = "error" if checks.has_errors(findings) else "warning"
    head = ("本报告数据未通过一致性检查（勾稽关系），请核实后再发布：" if kind == "error"
            else "本报告数据存在需要核实的情况：")
    items = "".join(
        f'<li class="{f.severity}"><b>{"错误" if f.severity == "error" else "提示"}</b> '
        f"[{escape(f.rule)}] {escape(f.rule_zh)}：{escape(f.message)}</li>" for f in findings)
    return f'<div class="gr-notice gr-{kind}" role="alert"><p>{head}</p><ul>{items}</ul></div>'


def header_html(r: Report) -> str:
    """Title, check notice and preamble."""
    preamble = narrative.preamble(r.cur.agency, r.cur.year, r.title_form)
    return (f'<h1>{escape(r.title)}</h1>{notice_html(r.findings)}'
            f'<div class="gr-preamble">{_paragraphs(preamble)}</div>')


def text_section_html(r: Report, key: str) -> str:
    """A narrative section: its title and the agency's own text."""
    return _section_title(key) + _paragraphs(r.cur.narrative[key])


def summary_html(r: Report) -> str:
    """Sentences computed from the tables (and last year's tables), marked as such."""
    lines = "".join(f"<li>{escape(s)}</li>" for s in narrative.sentences(r.cur, r.prev))
    return f'<div class="gr-summary"><h3>数据摘要（根据统计表自动生成）</h3><ul>{lines}</ul></div>'


TABLES = {"2": tables.section2_html, "3": tables.section3_html, "4": tables.section4_html}


def table_section_html(r: Report, key: str) -> str:
    """A statistical section: its title and the official table."""
    return _section_title(key) + TABLES[key](r.cur)


def show(fragment: str) -> None:
    """Display an HTML fragment as a notebook output."""
    display(HTML(fragment))


def results(r: Report) -> dict:
    """The report's key results, machine-readable (read back by `govreport diff` and the index page)."""
    return {
        "agency": r.cur.agency.id, "name": r.cur.agency.name, "year": r.cur.year,
        "figures": narrative.figures(r.cur),
        "s2": {k: (float(v) if k in fmt.S2_AMOUNT_CELLS else int(v)) for k, v in r.cur.s2.items()},
        "s3": {f"{row}:{col}": int(r.cur.s3.loc[row, col]) for row in fmt.S3_ROWS for col in fmt.S3_COLUMNS},
        "s4": {k: int(v) for k, v in r.cur.s4.items()},
        "sentences": narrative.sentences(r.cur, r.prev),
        "text": [s for k in fmt.NARRATIVE_SECTIONS for s in narrative.text_sentences(r.cur.narrative[k])],
        "findings": checks.findings_records(r.findings),
    }


def publish_results(r: Report) -> None:
    """Attach results() to the executed notebook as an output of its own mimetype (the HTML ignores it)."""
    display({RESULTS_MIMETYPE: results(r)}, raw=True)
