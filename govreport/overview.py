"""附：分析概览: the analyst's overview after the region's official report, clearly outside the national format.

Who received most applications and how they were handled, why applications were refused across the region,
who was taken to review or court and how often corrected, whose data breaks a rule, and each agency against
last year. Its charts show at most TOP_N agencies (the leaders), so they read the same with 15 or 300.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from . import checks, narrative
from . import format as fmt
from .dataset import AgencyData, load_previous, load_year, previous_agency

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TITLE = "附：分析概览（不属于政府信息公开工作年度报告法定格式，供内部分析使用）"
HEADINGS = {"ranking": "一、各机关收到申请及办理结果", "reasons": "二、不予公开和无法提供的原因（全区）",
            "appeals": "三、行政复议、行政诉讼及纠错情况", "flagged": "四、数据未通过一致性检查的机关",
            "changes": "五、各机关与上年对比"}
TOP_N = 20  # the agencies a chart shows at most: the leaders by the chart's own measure

_REASON_ROWS = tuple(n for g in fmt.S3_OUTCOME_GROUPS if g.code in ("3.3", "3.4") for n in g.leaves())


@dataclass(repr=False)
class Overview:
    """The region's agencies this year (in agencies.csv order), last year's where they existed, and the check
    findings of each."""

    year: int
    agencies: list[AgencyData]
    previous: dict[str, AgencyData]
    findings: dict[str, list[checks.Finding]]

    @cached_property
    def figures(self) -> dict[str, dict]:
        return {a.agency.id: narrative.figures(a) for a in self.agencies}

    def ranking(self) -> list[AgencyData]:
        """The agencies by applications received, most first (ties: agencies.csv order)."""
        return sorted(self.agencies, key=lambda a: -self.figures[a.agency.id]["received"])

    def reasons(self) -> list[tuple[str, int]]:
        """Every reason for refusal (不予公开, 无法提供 rows) summed over the region, most first; zeros left out."""
        counts = [(_label(n.label), sum(int(a.s3.loc[n.code, "total"]) for a in self.agencies))
                  for n in _REASON_ROWS]
        return sorted([c for c in counts if c[1]], key=lambda c: -c[1])

    def appealed(self) -> list[AgencyData]:
        """The agencies with any review or suit, most cases first."""
        cases = {aid: f["reviews"] + f["suits"] for aid, f in self.figures.items()}
        return sorted([a for a in self.agencies if cases[a.agency.id]], key=lambda a: -cases[a.agency.id])

    def flagged(self) -> list[AgencyData]:
        return [a for a in self.agencies if self.findings.get(a.agency.id)]

    def __repr__(self) -> str:  # the executed notebook keeps this as text/plain: short
        return f"<Overview {self.year}: {len(self.agencies)} agencies>"

    # ------------------------------------------------------------ display
    def charts(self) -> dict[str, Figure]:
        """"ranking", "reasons", "appeals": new matplotlib Figures."""
        from . import charts
        top = self.ranking()[:TOP_N]
        return {"ranking": charts.ranking_chart(top, len(self.agencies)),
                "reasons": charts.reasons_chart(self.year, self.reasons()),
                "appeals": charts.appeals_chart(self.appealed()[:TOP_N], len(self.appealed()))}

    def _repr_html_(self) -> str:
        from .charts import to_svg
        from xml.dom import minidom
        svg = {k: minidom.parseString(to_svg(f)).getElementsByTagName("svg")[0] for k, f in self.charts().items()}
        for k, element in svg.items():  # an image named by its heading; its numbers are in the table below it
            element.setAttribute("role", "img")
            element.setAttribute("aria-label", f"{HEADINGS[k]}（图，数据见下表）")
        part = lambda k: f'<h3>{HEADINGS[k]}</h3><figure class="gr-chart">{svg[k].toxml()}</figure>'  # noqa: E731
        return (f'<section class="gr-overview"><hr><h2 id="overview">{escape(TITLE)}</h2>'
                f"{part('ranking')}{self._ranking_table()}"
                f"{part('reasons')}{self._reasons_table()}"
                f"{part('appeals')}{self._appeals_table()}"
                f"<h3>{HEADINGS['flagged']}</h3>{self._flagged_list()}"
                f"<h3>{HEADINGS['changes']}</h3>{self._changes_table()}</section>")

    def _ranking_table(self) -> str:
        heads = ["序号", "机关", "新收申请", *(_label(g.label) for g in fmt.S3_OUTCOME_GROUPS)]
        rows = []
        for i, a in enumerate(self.ranking(), 1):
            f = self.figures[a.agency.id]
            shares = [f"{n}（{narrative.percent(n, f['concluded'])}）" if f["concluded"] else str(n)
                      for n in (f[narrative.OUTCOMES[g.code]] for g in fmt.S3_OUTCOME_GROUPS)]
            rows.append([str(i), a.agency.name, str(f["received"]), *shares])
        return _table(heads, rows, HEADINGS["ranking"])

    def _reasons_table(self) -> str:
        return _table(["原因", "件数"], [[label, str(n)] for label, n in self.reasons()], HEADINGS["reasons"]) \
            if self.reasons() \
            else "<p>全区无不予公开、无法提供的申请。</p>"

    def _appeals_table(self) -> str:
        labels = fmt.S4_LABELS
        heads = ["机关", labels["review"], labels["review_corrected"], labels["suit"], labels["review_corrected"]]
        rows = [[a.agency.name, *(str(self.figures[a.agency.id][k]) for k in
                                  ("reviews", "reviews_corrected", "suits", "suits_corrected"))]
                for a in self.appealed()]
        return _table(heads, rows, HEADINGS["appeals"]) if rows else "<p>全区未发生行政复议、行政诉讼案件。</p>"

    def _flagged_list(self) -> str:
        items = "".join(f"<li>{escape(a.agency.name)}：<ul>" + "".join(
            f"<li>[{escape(f.rule)}] {escape(f.message)}</li>" for f in self.findings[a.agency.id]) + "</ul></li>"
            for a in self.flagged())
        return f"<ul>{items}</ul>" if items else "<p>各机关数据均通过一致性检查。</p>"

    def _changes_table(self) -> str:
        if not self.previous:
            return "<p>无上年数据，不作对比。</p>"
        rows = []
        for a in self.agencies:
            before = self.previous.get(a.agency.id)
            f = self.figures[a.agency.id]
            if before is None:
                rows.append([a.agency.name, str(f["received"]), "—", "上年无该机关数据"])
                continue
            p = narrative.figures(before)
            rows.append([a.agency.name, str(f["received"]), str(p["received"]), narrative.yoy(f["received"],
                                                                                              p["received"])])
        return _table(["机关", f"{self.year}年新收申请", f"{self.year - 1}年新收申请", "变化"], rows,
                      HEADINGS["changes"])


def _label(label: str) -> str:
    return narrative._short(label)


def _table(heads: list[str], rows: list[list[str]], label: str) -> str:
    """A table in a scroll box of its own, named `label` (a phone scrolls the table, not the page)."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in heads)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<div class="gr-scroll" role="region" tabindex="0" aria-label="{escape(label)}">'
            f'<table class="gr-table gr-overview-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
            "</div>")


def load(data_dir: str | Path | None, year: int, group: str | None = None) -> Overview:
    """The overview of the region's agencies (`group` as region.region_data's) for `year`."""
    from .region import members, required_region
    region = required_region(data_dir, year)
    group = region.agency.group if group is None else group
    cur, prev = load_year(data_dir, year), load_previous(data_dir, year)
    agencies = [cur.agency(aid) for aid in members(cur, group)]
    previous = {a.agency.id: p for a in agencies if (p := previous_agency(prev, a.agency.id)) is not None}
    findings = {a.agency.id: checks.check_agency(a, previous.get(a.agency.id)) for a in agencies}
    return Overview(year, agencies, previous, findings)
