"""Charts: content from the data, the CJK font, no warnings, deterministic SVG, no global state."""
from __future__ import annotations

import itertools
import logging
import re
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.image import imread
from matplotlib.text import Text

from govreport import charts, narrative
from govreport import format as fmt

from conftest import make_agency_data


@pytest.fixture
def prev():
    """A 2021 with other figures: 3 applications (2 disclosed, 1 carried over), 1 review, 120 licences."""
    return make_agency_data(2021, s2={"license_decisions": 120, "penalty_decisions": 35},
                            s3={("1", "natural"): 3, ("3.1", "natural"): 2, ("4", "natural"): 1},
                            s4={"review_upheld": 1, "direct_corrected": 2})


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_outcomes_chart_bars_labels_and_title(seed):
    fig = charts.outcomes_chart(seed)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["（一）予以公开", "（二）部分公开", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"]
    assert all(g.label.startswith(label) for g, label in zip(fmt.S3_OUTCOME_GROUPS, labels))
    assert [p.get_width() for p in ax.patches] == [0, 2, 0, 2, 1, 0]
    assert {"2件（40%）", "1件（20%）", "0件（0%）"} <= set(texts(fig))
    assert ax.get_title() == "2022年政府信息公开申请办理结果"
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # （一） on top


def test_outcomes_chart_without_applications():
    fig = charts.outcomes_chart(make_agency_data(s3={}))
    assert "本年度未收到政府信息公开申请" in texts(fig)
    assert not fig.axes[0].patches
    pending = charts.outcomes_chart(make_agency_data(s3={("1", "natural"): 2, ("4", "natural"): 2}))
    assert "本年度无办结的政府信息公开申请" in texts(pending)


def test_yoy_chart_with_previous_year(seed, prev):
    fig = charts.yoy_chart(seed, prev)
    left, right = fig.axes
    assert [t.get_text() for t in left.get_xticklabels()] == ["新收申请", "办结", "行政复议", "行政诉讼"]
    assert [t.get_text() for t in right.get_xticklabels()] == ["行政许可", "行政处罚", "行政强制"]
    prev_bars, cur_bars = left.containers
    assert [b.get_height() for b in prev_bars] == [3, 2, 1, 2]
    assert [b.get_height() for b in cur_bars] == [5, 5, 0, 0]
    assert [b.get_height() for b in right.containers[0]] == [120, 35, 0]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["2021年", "2022年"]
    assert fig.get_suptitle() == "2022年与2021年主要数据对比"


def test_yoy_chart_without_previous_year(seed):
    fig = charts.yoy_chart(seed, None)
    assert all(len(ax.containers) == 1 for ax in fig.axes)
    assert "无上年数据" in fig.get_suptitle()
    assert not fig.legends


def big_years():
    """A city's enforcement figures: 3,985,758 行政处罚 (a real report's, labelled 3.98576e+06 before)."""
    prev = make_agency_data(2021, s2={"license_decisions": 99999, "penalty_decisions": 3512345,
                                      "enforcement_decisions": 123456},
                            s3={("1", "natural"): 150000, ("3.1", "natural"): 150000})
    cur = make_agency_data(s2={"license_decisions": 100000, "penalty_decisions": 3985758,
                               "enforcement_decisions": 120123},
                           s3={("1", "natural"): 123456, ("3.1", "natural"): 100000, ("3.4.1", "natural"): 23456})
    return cur, prev


def all_charts(seed, prev):
    zero = make_agency_data(s3={})
    big, big_prev = big_years()
    return [charts.outcomes_chart(seed), charts.outcomes_chart(zero), charts.outcomes_chart(big),
            charts.yoy_chart(seed, prev), charts.yoy_chart(seed, None), charts.yoy_chart(big, big_prev)]


@pytest.mark.parametrize("count, label", [
    (0, "0"), (7, "7"), (99999, "99999"), (100000, "10万"), (123456, "12.3万"), (999949, "100万"),
    (3985758, "399万"), (3512345, "351万"), (12345678, "1235万"),
])
def test_count_label(count, label):
    assert charts.count_label(count) == label


def test_large_counts_in_wan_never_scientific_and_labels_do_not_overlap():
    cur, prev = big_years()
    fig = charts.yoy_chart(cur, prev)
    fig.draw_without_rendering()
    left, right = fig.axes
    assert [t.get_text() for t in right.texts] == ["99999", "351万", "12.3万", "10万", "399万", "12万"]
    assert [t.get_text() for t in left.texts] == ["15万", "15万", "0", "0", "12.3万", "12.3万", "0", "0"]
    for ax in fig.axes:
        boxes = [t.get_window_extent() for t in ax.texts]
        assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]
    outcomes = charts.outcomes_chart(cur)
    assert {"10万件（81%）", "23456件（19%）"} <= set(texts(outcomes))
    for chart in (fig, outcomes):
        svg = charts.to_svg(chart)
        shown = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        assert shown and not [s for s in shown if re.search(r"\d[eE][+-]?\d", s)]


def test_no_glyph_warnings_anywhere(seed, prev, caplog):
    """The fork server's warm-up (and every chart) once logged "Glyph … missing from font(s) DejaVu Sans"."""
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.warm_up()
        for fig in all_charts(seed, prev):
            charts.to_svg(fig)
    said = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert not [s for s in said if "Glyph" in s]


def test_no_warnings_when_drawing(seed, prev):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svgs = [charts.to_svg(fig) for fig in all_charts(seed, prev)]
    assert all(svg.startswith("<?xml") for svg in svgs)


def test_chinese_is_set_in_the_mplfonts_noto_file(seed, prev):
    path = charts.font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf" and "mplfonts" in path.parts
    with matplotlib.rc_context(charts.STYLE):
        found = font_manager.findfont(font_manager.FontProperties(family=charts.FONT_FAMILY),
                                      fallback_to_default=False)
    assert found == str(path)
    cmap = FT2Font(str(path)).get_charmap()
    for fig in all_charts(seed, prev):
        assert all(ord(ch) in cmap for text in texts(fig) for ch in text)  # no tofu: Noto has every glyph
        labels = texts(fig)
        svg = charts.to_svg(fig)
        # SVG text set in the family the page embeds (webfont.FAMILY), so a browser draws it with that font
        families = set(re.findall(r"font-family: ([^;]+);", svg))
        assert families == {f"'{charts.FONT_FAMILY}', 'DejaVu Sans'"}
        shown = "".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
        assert all(label in shown for label in labels if label.strip())


def test_font_registered_once():
    charts.font_path.cache_clear()
    charts.font_path()
    charts.font_path.cache_clear()
    path = str(charts.font_path())
    entries = [f for f in font_manager.fontManager.ttflist if f.fname == path]
    assert [f.name for f in entries].count(charts.FONT_FAMILY) == 1


def test_svg_is_deterministic_small_and_independent_of_global_rc(seed, prev):
    for make in (lambda: charts.outcomes_chart(seed), lambda: charts.yoy_chart(seed, prev)):
        first = charts.to_svg(make())
        with matplotlib.rc_context({"font.family": "serif", "font.size": 20, "svg.hashsalt": None}):
            assert charts.to_svg(make()) == first
        assert len(first.encode()) < 60_000
        assert "<dc:date>" not in first


def test_no_global_rcparams_change_and_figures_closed(seed, prev):
    pyplot_fig = plt.figure()
    before = dict(matplotlib.rcParams)
    for fig in all_charts(seed, prev) + [pyplot_fig]:
        charts.to_svg(fig)
    assert dict(matplotlib.rcParams) == before
    assert plt.get_fignums() == []


def test_png_renders_text(seed, prev, tmp_path):
    out = tmp_path / "yoy.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        charts.yoy_chart(seed, prev).savefig(out, dpi=100)
    pixels = imread(out)
    assert pixels.shape[:2] == (350, 700)
    assert (pixels[:30, :, :3] < 0.5).any()  # the title row is drawn


def test_key_figures_are_narratives(seed, prev, monkeypatch):
    """The charts draw narrative.figures (as the sentences and the results tell them), not counts of their own."""
    told = {**narrative.figures(seed), "received": 7, "concluded": 6, "reviews": 3, "suits": 2,
            **dict.fromkeys(narrative.OUTCOMES.values(), 1)}
    monkeypatch.setattr(narrative, "figures", lambda a: told)
    left, _ = charts.yoy_chart(seed, None).axes
    assert [b.get_height() for b in left.containers[0]] == [7, 6, 3, 2]
    assert [p.get_width() for p in charts.outcomes_chart(seed).axes[0].patches] == [1] * 6
