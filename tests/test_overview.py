"""The region's overview (govreport/overview.py): rankings, reasons, appeals, findings, changes, and charts that
read the same with 15 agencies and with 300."""
from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest

from govreport import charts, checks, overview

from conftest import SEED_AGENCY, make_agency_data

REPO = Path(__file__).resolve().parent.parent


def synthetic(n: int) -> overview.Overview:
    """n agencies, agency i receiving i+1 applications (the last receives most), some of them appealed."""
    agencies = []
    for i in range(n):
        agency = dataclasses.replace(SEED_AGENCY, id=f"agency-{i:04d}", name=f"示例市第{i + 1}区住房城乡建设和交通局")
        s4 = {"review_corrected": i % 3, "review_upheld": 1} if i % 2 else {}
        agencies.append(make_agency_data(agency=agency, s3={("1", "natural"): i + 1, ("3.1", "natural"): i + 1},
                                         s4=s4))
    return overview.Overview(2022, agencies, {}, {a.agency.id: checks.check_agency(a) for a in agencies})


def test_the_sample_overview_ranks_and_sums():
    o = overview.load(REPO / "data", 2022)
    received = [o.figures[a.agency.id]["received"] for a in o.ranking()]
    assert received == sorted(received, reverse=True) and len(received) == 15
    assert o.ranking()[0].agency.id == "hongsibu-police-branch"
    assert o.reasons()[0] == ("本机关不掌握相关政府信息", 68) and sum(n for _, n in o.reasons()) == 52 + 89
    assert {a.agency.id for a in o.flagged()} == {"hongsibu-edu-bureau", "hongsibu-civil-affairs-bureau"}
    cases = [o.figures[a.agency.id]["reviews"] + o.figures[a.agency.id]["suits"] for a in o.appealed()]
    assert cases == sorted(cases, reverse=True) and sum(cases) == 19 + 10
    html = o._repr_html_()
    assert html.count("<svg") == 3 and overview.TITLE in html and "同比" in html
    assert "[R7]" in html and "[W1]" in html
    assert repr(o) == "<Overview 2022: 15 agencies>"
    town = overview.load(REPO / "data", 2022, "乡镇")
    assert {a.agency.id for a in town.agencies} == {"hongsibu-town-gov", "taiyangshan-town-gov"}


def tick_boxes(fig):
    fig.draw_without_rendering()
    ax = fig.axes[0]
    return [t.get_window_extent() for t in ax.get_yticklabels() if t.get_text()]


@pytest.mark.parametrize("chart", ["ranking", "appeals"])
def test_with_300_agencies_the_charts_show_the_leaders_and_their_names_do_not_overlap(chart):
    small, large = synthetic(15).charts()[chart], synthetic(300).charts()[chart]
    boxes = tick_boxes(large)
    assert len(boxes) == overview.TOP_N and len(tick_boxes(small)) == (15 if chart == "ranking" else 7)
    assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]
    assert large.get_size_inches()[1] == pytest.approx(1.2 + charts.ROW_INCHES * overview.TOP_N)
    assert small.get_size_inches()[1] < large.get_size_inches()[1] <= 8
    title = large.axes[0].get_title()
    assert f"前{overview.TOP_N}个，共{300 if chart == 'ranking' else 150}个机关" in title
    assert "共" not in small.axes[0].get_title()
    if chart == "ranking":  # the leaders, most first: agency 300 received most
        assert large.axes[0].get_yticklabels()[0].get_text() == "示例市第300区住房城乡建设和交通局"


def test_without_last_year_there_is_no_comparison(tmp_path):
    o = synthetic(3)
    assert "无上年数据，不作对比。" in o._repr_html_()
