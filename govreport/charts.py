"""Charts for the annual report: pure functions from data to matplotlib Figures, and deterministic SVG.

Chinese text is set in Noto Sans CJK SC, the font file shipped by the `mplfonts` package (SIL OFL), registered
with matplotlib once per process. The style is applied through `rc_context` inside each function; nothing
global is changed. Figures are plain `matplotlib.figure.Figure`s, so no backend or inline display is involved.
"""
from __future__ import annotations

import functools
import hashlib
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from importlib import resources
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure

from . import format as fmt
from . import narrative
from .dataset import AgencyData

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_FAMILY = "Noto Sans CJK SC"
CURRENT, PREVIOUS, TEXT = "#1f3a5f", "#a7b1bc", "#333333"  # navy, grey, near-black
STYLE = {
    "font.family": [FONT_FAMILY, "DejaVu Sans"],  # DejaVu only as fallback for any glyph Noto lacks
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.edgecolor": "#888888",
    "axes.labelcolor": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.color": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "svg.fonttype": "none",  # text as SVG text, in the font the page embeds (webfont.py): small, selectable
    "svg.hashsalt": "govreport",  # stable ids, hence byte-identical SVG
}
FIGSIZE = (7, 3.5)
WAN = 10_000  # 万
WAN_FROM = 100_000  # counts from 10万 on are labelled in 万 (see count_label)


@functools.cache
def font_path() -> Path:
    """The Noto Sans CJK SC file from mplfonts, registered with matplotlib's font manager (once per process)
    ahead of any other copy of the family: findfont takes the first of equal matches, and a system copy
    (Debian's fonts-noto-cjk) would otherwise lay out the text, so charts would depend on the machine."""
    path = str(Path(str(resources.files("mplfonts") / "fonts" / FONT_FILE)))
    manager = font_manager.fontManager
    if path not in {f.fname for f in manager.ttflist}:
        manager.addfont(path)
    manager.ttflist.sort(key=lambda f: f.fname != path)  # stable: ours first, the rest in their order
    manager._findfont_cached.cache_clear()  # what addfont does after changing the list
    return Path(path)


@contextmanager
def _style():
    font_path()
    with matplotlib.rc_context(STYLE):
        yield


def _short(label: str) -> str:
    """A row label without its trailing note: （二）部分公开（区分处理的，…） -> （二）部分公开."""
    return re.sub(r"(?<=.)（[^（）]*）$", "", label)


def count_label(n: int) -> str:
    """A count as a bar label, never in scientific notation: as is below WAN_FROM (99999), else in 万 with
    one decimal below 100万 and whole 万 from there (123456 → "12.3万", 3985758 → "399万"), rounded half up.
    Why: a bar of the year-over-year chart is about 25 pt wide, room for five 8-pt digits; the table beside
    the chart gives the exact figure."""
    if n < WAN_FROM:
        return str(int(n))
    value = Decimal(int(n)) / WAN
    rounded = value.quantize(Decimal("0.1") if value < 100 else Decimal("1"), ROUND_HALF_UP)
    return f"{rounded:f}".removesuffix(".0") + "万"


def _message(fig: Figure, title: str, text: str) -> Figure:
    ax = fig.subplots()
    ax.set_title(title)
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=12, transform=ax.transAxes)
    return fig


@dataclass(frozen=True)
class Numbers:
    """A chart's title and numbers as a table: its text alternative (WCAG 1.1.1), read by screen readers from
    a visually hidden table beside the chart; the same numbers the chart draws."""

    title: str
    heads: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def html(self) -> str:
        """The table, visually hidden (in a box of class gr-sr-only): the title as caption, row labels as row
        headers."""
        head = "".join(f'<th scope="col">{escape(h)}</th>' for h in self.heads)
        body = "".join(f'<tr><th scope="row">{escape(r[0])}</th>' + "".join(f"<td>{escape(c)}</td>" for c in r[1:])
                       + "</tr>" for r in self.rows)
        return (f'<div class="gr-sr-only"><table><caption>{escape(self.title)}（图表数据）</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def _outcomes(a: AgencyData) -> tuple[str, list[str], list[int]]:
    """The outcomes chart's title, bar labels and values (（一）…（六）)."""
    f = narrative.figures(a)
    return (f"{a.year}年政府信息公开申请办理结果", [_short(g.label) for g in fmt.S3_OUTCOME_GROUPS],
            [f[narrative.OUTCOMES[g.code]] for g in fmt.S3_OUTCOME_GROUPS])


def outcomes_numbers(a: AgencyData) -> Numbers:
    title, labels, values = _outcomes(a)
    total = sum(values)
    return Numbers(title, ("办理结果", "件数", "占比"),
                   tuple((label, str(v), f"{v / total:.0%}" if total else "—") for label, v in zip(labels, values)))


def outcomes_chart(a: AgencyData) -> Figure:
    """How this year's applications were handled: one horizontal bar per outcome group （一）…（六）."""
    with _style():
        fig = Figure(figsize=FIGSIZE, layout="constrained")
        title, labels, values = _outcomes(a)
        total = sum(values)
        if total == 0:
            f = narrative.figures(a)
            received = f["received"] + f["carried_over"]
            return _message(fig, title, "本年度无办结的政府信息公开申请" if received else "本年度未收到政府信息公开申请")
        ax = fig.subplots()
        bars = ax.barh(labels, values, color=CURRENT, height=0.6)
        ax.bar_label(bars, [f"{count_label(v)}件（{v / total:.0%}）" for v in values], padding=3)
        ax.invert_yaxis()  # （一） on top, as in the table
        ax.set_xlim(0, max(values) * 1.3)  # room for the value labels
        ax.xaxis.set_visible(False)
        ax.spines[["bottom", "top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.set_title(title)
        return fig


def _key_figures(a: AgencyData) -> tuple[dict[str, int], dict[str, int]]:
    """(applications and appeals, enforcement decisions) of one year, label -> count; the applications and
    appeals are narrative.figures', as the sentences and the results tell them."""
    f = narrative.figures(a)
    appeals = {"新收申请": f["received"], "办结": f["concluded"],
               fmt.S4_LABELS["review"]: f["reviews"], fmt.S4_LABELS["suit"]: f["suits"]}
    decisions = {fmt.S2_LABELS[f"{row}_decisions"][0]: int(a.s2[f"{row}_decisions"])
                 for row in ("license", "penalty", "enforcement")}
    return appeals, decisions


def _grouped_bars(ax, series: dict[str, dict[str, int]], title: str) -> None:
    """Bars per category, one bar per year (series: year label -> category -> value)."""
    n = len(series)
    width = 0.8 / n
    categories = list(next(iter(series.values())))
    for i, ((year, values), color) in enumerate(zip(series.items(), (PREVIOUS, CURRENT)[-n:])):
        xs = [j + (i - (n - 1) / 2) * width for j in range(len(categories))]
        bars = ax.bar(xs, list(values.values()), width, label=year, color=color)
        ax.bar_label(bars, [count_label(v) for v in values.values()], padding=2, fontsize=8)
    top = max(v for values in series.values() for v in values.values())
    ax.set_ylim(0, max(top, 1) * 1.15)  # room for the value labels
    ax.yaxis.set_visible(False)  # the value labels say it
    ax.spines["left"].set_visible(False)
    ax.set_xticks(range(len(categories)), categories)
    ax.tick_params(axis="x", length=0)
    ax.set_title(title, fontsize=10)


def _yoy(cur: AgencyData, prev: AgencyData | None) -> tuple[str, dict[str, tuple[dict[str, int], dict[str, int]]]]:
    """The year-over-year chart's title, and per year (label) its key figures (_key_figures)."""
    years = [prev, cur] if prev is not None else [cur]
    title = (f"{cur.year}年与{prev.year}年主要数据对比" if prev is not None
             else f"{cur.year}年主要数据（无上年数据可比）")
    return title, {f"{y.year}年": _key_figures(y) for y in years}


def yoy_numbers(cur: AgencyData, prev: AgencyData | None) -> Numbers:
    title, figures = _yoy(cur, prev)
    per_year = {year: {**appeals, **decisions} for year, (appeals, decisions) in figures.items()}
    items = next(iter(per_year.values()))
    return Numbers(title, ("项目（件）", *per_year),
                   tuple((item, *(str(values[item]) for values in per_year.values())) for item in items))


def yoy_chart(cur: AgencyData, prev: AgencyData | None) -> Figure:
    """Key figures of this year against last year: applications and appeals (left), enforcement decisions
    (right, on its own scale). Without `prev`, this year only."""
    with _style():
        fig = Figure(figsize=FIGSIZE, layout="constrained")
        title, figures = _yoy(cur, prev)
        left, right = fig.subplots(1, 2, width_ratios=[4, 3])
        _grouped_bars(left, {y: f[0] for y, f in figures.items()}, "依申请公开与复议诉讼（件）")
        _grouped_bars(right, {y: f[1] for y, f in figures.items()}, "行政执法决定（件）")
        fig.suptitle(title, fontsize=11)
        if prev is not None:
            fig.legend(*left.get_legend_handles_labels(), loc="outside upper right", frameon=False, ncols=2)
        return fig


NUMBERS = {"outcomes_chart": outcomes_numbers, "yoy_chart": yoy_numbers}  # a chart -> its text alternative


# ---------------------------------------------------------------- the region's overview (overview.py)
OUTCOME_COLORS = ("#1f3a5f", "#5b7fa6", "#c0504d", "#e39b4a", "#a7b1bc", "#d9d9d9")  # （一）…（六）
CORRECTED = "#c0504d"


def _agency_axes(fig: Figure, names: list[str], title: str):
    """Horizontal bars, one row per agency (the first on top), their names as tick labels."""
    ax = fig.subplots()
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title)
    return ax


def _agency_figure(rows: int) -> Figure:
    """A figure tall enough for `rows` agency bars (at most TOP_N of overview.py: the caller cuts)."""
    return Figure(figsize=(FIGSIZE[0], 1.2 + ROW_INCHES * max(rows, 1)), layout="constrained")


ROW_INCHES = 0.28  # each agency's bar row: room for an 8-pt name


def _of_all(shown: int, total: int) -> str:
    return f"（前{shown}个，共{total}个机关）" if shown < total else ""


def ranking_chart(agencies: list[AgencyData], total: int) -> Figure:
    """Applications received by agency (the leaders given), each bar split by how they were handled."""
    with _style():
        fig = _agency_figure(len(agencies))
        title = f"各机关新收政府信息公开申请及办理结果{_of_all(len(agencies), total)}"
        if not agencies:
            return _message(fig, title, "无机关")
        ax = _agency_axes(fig, [a.agency.name for a in agencies], title)
        figures = [narrative.figures(a) for a in agencies]
        left = [0] * len(agencies)
        for g, color in zip(fmt.S3_OUTCOME_GROUPS, OUTCOME_COLORS):
            values = [f[narrative.OUTCOMES[g.code]] for f in figures]
            ax.barh(range(len(agencies)), values, left=left, color=color, height=0.6, label=_short(g.label))
            left = [x + v for x, v in zip(left, values)]
        bars = ax.barh(range(len(agencies)), [0] * len(agencies), left=left, height=0.6)
        ax.bar_label(bars, [f"新收{count_label(f['received'])}件" for f in figures], padding=3, fontsize=8)
        ax.set_xlim(0, max(max(left), 1) * 1.25)
        ax.xaxis.set_visible(False)
        fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=8)
        return fig


def reasons_chart(year: int, reasons: list[tuple[str, int]]) -> Figure:
    """The reasons for refusal across the region (不予公开, 无法提供), most first."""
    with _style():
        fig = _agency_figure(len(reasons))
        title = f"{year}年全区不予公开和无法提供的原因"
        if not reasons:
            return _message(fig, title, "全区无不予公开、无法提供的申请")
        ax = _agency_axes(fig, [label for label, _ in reasons], title)
        bars = ax.barh(range(len(reasons)), [n for _, n in reasons], color=CURRENT, height=0.6)
        ax.bar_label(bars, [f"{count_label(n)}件" for _, n in reasons], padding=3, fontsize=8)
        ax.set_xlim(0, max(n for _, n in reasons) * 1.2)
        ax.xaxis.set_visible(False)
        return fig


def appeals_chart(agencies: list[AgencyData], total: int) -> Figure:
    """Reviews and suits by agency (the leaders given), and how many of each were corrected."""
    with _style():
        fig = _agency_figure(len(agencies))
        title = f"各机关行政复议、行政诉讼及纠错{_of_all(len(agencies), total)}"
        if not agencies:
            return _message(fig, title, "全区未发生行政复议、行政诉讼案件")
        ax = _agency_axes(fig, [a.agency.name for a in agencies], title)
        figures = [narrative.figures(a) for a in agencies]
        ys = range(len(agencies))
        for key, offset, color in (("reviews", -0.17, CURRENT), ("suits", 0.17, PREVIOUS)):
            label = fmt.S4_LABELS["review" if key == "reviews" else "suit"]
            bars = ax.barh([y + offset for y in ys], [f[key] for f in figures], height=0.32, color=color,
                           label=label)
            ax.barh([y + offset for y in ys], [f[f"{key}_corrected"] for f in figures], height=0.32,
                    color=CORRECTED, label=f"其中{fmt.S4_LABELS['review_corrected']}" if key == "reviews" else None)
            ax.bar_label(bars, [count_label(f[key]) for f in figures], padding=2, fontsize=7)
        ax.set_xlim(0, max(max(f["reviews"], f["suits"]) for f in figures) * 1.2)
        ax.xaxis.set_visible(False)
        fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=8)
        return fig


def to_svg(fig: Figure) -> str:
    """The figure as deterministic SVG text (text as SVG text, fixed ids, no date); closes the figure."""
    buf = io.StringIO()
    with _style():
        fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return _own_ids(buf.getvalue())


def _own_ids(svg: str) -> str:
    """The SVG with its ids (and references to them) prefixed by a digest of the chart: matplotlib names the
    parts of every figure alike (figure_1, axes_1, text_2…), and ids must be unique in a page of charts.
    The digest leaves out the metadata (matplotlib's version stamp), as `govreport diff` does."""
    chart = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    prefix = "c" + hashlib.sha256(chart.encode()).hexdigest()[:8] + "-"
    return re.sub(r'(\bid="|url\(#|href="#)', lambda m: m.group(1) + prefix, svg)


def warm_up() -> None:
    """Load the font and fill matplotlib's caches by drawing a small chart: a build's fork server calls this
    once, so that every kernel forked from it starts with them (they hold no report's data)."""
    with _style():  # the chart font: the default (DejaVu Sans) has no Chinese and warns for every glyph
        fig = Figure()
        fig.add_subplot().bar(["政府信息公开０１２３４５６７８９"], [1])
    to_svg(fig)

