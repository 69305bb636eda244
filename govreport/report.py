"""One agency's report as objects that display themselves in Jupyter, as great_tables' GT does: a Report and
its parts (`_repr_html_`, charts also `_repr_svg_`), and the results a build records beside the report.

The agency notebook displays the parts one by one; an analyst's own notebook may show any part or the whole
Report. All agency text is escaped here. Charts are drawn (and matplotlib imported) only when shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from xml.dom import minidom

from . import checks, narrative, tables
from . import format as fmt
from .dataset import AgencyData, DataError, YearData, load_previous, load_previous_agency, load_year
from .outputs import RESULTS_MIMETYPE

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True, repr=False)
class Html:
    """An HTML fragment of the report."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:  # the executed notebook keeps this as text/plain: short, and the same every run
        return f"<Html, {len(self.html)} characters>"


class Title(str):
    """The report's title: a str, shown as the page's heading."""

    def _repr_html_(self) -> str:
        return f"<h1>{escape(self)}</h1>"


class Findings(list):
    """Check findings (checks.Finding), shown as the report's notice; nothing to show when there are none."""

    def _repr_html_(self) -> str | None:
        return notice_html(self) or None


class Chart:
    """A chart of charts.py, drawn (and matplotlib imported) only when it is shown as SVG or asked for."""

    def __init__(self, name: str, *data: AgencyData | None):
        self.name, self._data = name, data

    def figure(self) -> Figure:
        """A new matplotlib Figure of the chart, to change or save as you like."""
        from . import charts
        return getattr(charts, self.name)(*self._data)

    @cached_property
    def numbers(self):
        """The chart's title and numbers (charts.Numbers): its text alternative."""
        from .charts import NUMBERS
        return NUMBERS[self.name](*self._data)

    @cached_property
    def svg(self) -> str:
        """The <svg> element alone, to sit inside a page: what IPython.display.SVG makes of charts.to_svg, an
        image named by the chart's title."""
        from .charts import to_svg
        svg = minidom.parseString(to_svg(self.figure())).getElementsByTagName("svg")[0]
        svg.setAttribute("role", "img")
        svg.setAttribute("aria-label", self.numbers.title)
        return svg.toxml()

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        """The chart in a page: its SVG and, for screen readers, its numbers as a visually hidden table."""
        return f'<figure class="gr-chart">{self.svg}{self.numbers.html()}</figure>'

    def __repr__(self) -> str:
        return f"<Chart {self.name}>"


def _html(part: Html | Chart) -> str:
    """A part as the report page shows it."""
    return part._repr_html_()


class Parts(dict):
    """Named parts (Html or Chart), shown one after the other."""

    def _repr_html_(self) -> str:
        return "".join(map(_html, self.values()))


class Results(dict):
    """report.results(): displayed, they go into the executed notebook under their own mimetype, where the build
    reads them (render.results); the report page leaves them out."""

    def _ipython_display_(self) -> None:
        from IPython.display import display
        display({RESULTS_MIMETYPE: dict(self)}, raw=True)


@dataclass(repr=False)
class Report:
    """One agency's report: this year's data, last year's (if any), the check findings and how its title
    writes the year (format.TITLE_FORMS). Its parts: title, header, narrative, tables, charts, findings."""

    cur: AgencyData
    prev: AgencyData | None
    findings: list[checks.Finding]
    title_form: str = fmt.TITLE_FORMS[0]
    region: bool = False  # a region's report (region.py): its sums, its sentences in the region's voice

    def __post_init__(self):
        self.findings = Findings(self.findings)

    @cached_property
    def title(self) -> Title:
        return Title(narrative.title(self.cur.agency, self.cur.year, self.title_form))

    @cached_property
    def header(self) -> Html:
        """How the report opens: title, check notice and preamble."""
        preamble = narrative.preamble(self.cur.agency, self.cur.year, self.title_form)
        return Html(f"{self.title._repr_html_()}{notice_html(self.findings)}"
                    f'<div class="gr-preamble">{_paragraphs(preamble)}</div>')

    @cached_property
    def sentences(self) -> list[str]:
        """The sentences computed from the tables (and last year's)."""
        return narrative.sentences(self.cur, self.prev, self.region)

    @cached_property
    def narrative(self) -> Parts:
        """Sections 一, 五, 六 (the agency's own text) and "summary", the sentences computed from the numbers."""
        lines = "".join(f"<li>{escape(s)}</li>" for s in self.sentences)
        summary = Html(f'<div class="gr-summary"><h3>{SUMMARY_TITLE}</h3><ul>{lines}</ul></div>')
        text = {key: Html(_section_title(key) + _paragraphs(self.cur.narrative[key]))
                for key in fmt.NARRATIVE_SECTIONS}
        return Parts({"1": text["1"], "summary": summary, "5": text["5"], "6": text["6"]})

    @cached_property
    def tables(self) -> Parts:
        """Sections 二, 三, 四: each its title and the official table."""
        return Parts({key: Html(_section_title(key) + table(self.cur)) for key, table in TABLES.items()})

    @cached_property
    def charts(self) -> Parts:
        """"yoy": key figures against last year's; "outcomes": how this year's applications were handled."""
        return Parts(yoy=Chart("yoy_chart", self.cur, self.prev), outcomes=Chart("outcomes_chart", self.cur))

    def parts(self) -> list[Html | Chart]:
        """Every part in the order of the report (and of the agency notebook)."""
        n, t, c = self.narrative, self.tables, self.charts
        return [self.header, n["1"], n["summary"], c["yoy"], t["2"], t["3"], c["outcomes"], t["4"], n["5"], n["6"]]

    def _repr_html_(self) -> str:
        return "".join(map(_html, self.parts()))

    def __repr__(self) -> str:
        return f"<Report {self.cur.agency.id} {self.cur.year}: {len(self.findings)} findings>"

    def results(self) -> Results:
        """The report's key results, machine-readable (read back by `govreport diff` and the index page)."""
        cur = self.cur
        return Results({
            "agency": cur.agency.id, "name": cur.agency.name, "year": cur.year,
            "figures": narrative.figures(cur),
            "s2": {k: (float(v) if k in fmt.S2_AMOUNT_CELLS else int(v)) for k, v in cur.s2.items()},
            "s3": {f"{row}:{col}": int(cur.s3.loc[row, col]) for row in fmt.S3_ROWS for col in fmt.S3_COLUMNS},
            "s4": {k: int(v) for k, v in cur.s4.items()},
            "sentences": self.sentences,
            "text": [s for k in fmt.NARRATIVE_SECTIONS for s in narrative.text_sentences(cur.narrative[k])],
            "findings": checks.findings_records(self.findings),
        })


SUMMARY_TITLE = "数据摘要（根据统计表自动生成）"  # the heading of the sentences computed from the numbers
NOTICE_HEADS = {"error": "本报告数据未通过一致性检查（勾稽关系），请核实后再发布：",
                "warning": "本报告数据存在需要核实的情况："}
SEVERITY_WORDS = {"error": "错误", "warning": "提示"}
TABLES = {"2": tables.section2_html, "3": tables.section3_html, "4": tables.section4_html}


def load(data_dir: str | Path, year: int, agency_id: str, title_form: str = fmt.TITLE_FORMS[0]) -> Report:
    """Load the agency's data for `year` (and `year - 1` when present) and check it; `title_form` is the
    notebook's parameter of that name."""
    cur = _load_year(data_dir, year, agency_id, tolerant=True).agency(agency_id)
    prev = load_previous_agency(data_dir, year, agency_id)
    return Report(cur, prev, checks.check_agency(cur, prev), title_form)


def check(data_dir: str | Path, year: int, agency_id: str | None = None) -> Findings:
    """The check findings of the year's agencies (or of one), against last year's data when present. Bad data
    raises dataset.DataErrors, every problem in one line each."""
    return Findings(checks.check_year(_load_year(data_dir, year, agency_id),
                                      load_previous(data_dir, year, tolerant=True, only=agency_id)))


def _load_year(data_dir: str | Path, year: int, agency_id: str | None, tolerant: bool = False) -> YearData:
    """The year's data, of one agency when given: an agency the year does not list is bad input, named so."""
    data = load_year(data_dir, year, tolerant=tolerant, only=agency_id)
    if agency_id is not None and agency_id not in data.agencies:
        raise DataError(data.path / "agencies.csv", f"no agency {agency_id!r} in this year's data")
    return data


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in narrative.paragraphs(text))


def _section_title(key: str) -> str:
    return f'<h2 id="s{key}">{escape(fmt.SECTION_TITLES[key])}</h2>'


def notice_html(findings: list[checks.Finding]) -> str:
    """A prominent notice listing the check findings, or "" when there are none. Findings of several agencies
    (a year's check) name each one's agency."""
    if not findings:
        return ""
    kind = notice_kind(findings)
    several = len({f.agency for f in findings}) > 1
    items = "".join(
        f'<li class="{f.severity}"><b>{SEVERITY_WORDS[f.severity]}</b> '
        f"{escape(f.agency) + ' ' if several else ''}[{escape(f.rule)}] {escape(f.rule_zh)}：{escape(f.message)}</li>"
        for f in findings)
    return f'<div class="gr-notice gr-{kind}" role="alert"><p>{NOTICE_HEADS[kind]}</p><ul>{items}</ul></div>'


def notice_kind(findings: list[checks.Finding]) -> str:
    """"error" when any finding is an error, else "warning": the notice's head and colour."""
    return "error" if checks.has_errors(findings) else "warning"
