"""The region's 汇总 report (govreport/region.py): data/<year>/region.csv, the sums over its agencies, its voice."""
from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from govreport import build, checks, config, narrative, outputs, overview, region
from govreport import format as fmt
from govreport.dataset import DataError, load_region, load_year

from conftest import make_agency_data

REPO = Path(__file__).resolve().parent.parent
TOWNS = {"hongsibu-town-gov", "taiyangshan-town-gov"}  # the sample's group 乡镇
SUM_RULES = ("R2", "R3", "R4", "R5")  # the rules within one year's tables: sums of agencies obeying them obey them


def copy_data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REPO / "data", tmp_path / "data"))


def expected_sums(year: int, ids) -> dict:
    """Each cell summed agency by agency, independently of region.sums (fees as exact decimals)."""
    data = load_year(REPO / "data", year)
    total: dict = {}
    for aid in ids:
        for key, value in data.agency(aid).cells.items():
            total[key] = total.get(key, 0) + (Decimal(str(value)) if key == ("s2", "fees_amount") else value)
    return total


@pytest.mark.parametrize("year", [2021, 2022])
def test_the_region_sums_every_agency_cell_by_cell_and_obeys_the_rules(year):
    r = region.load(REPO / "data", year)
    everyone = load_year(REPO / "data", year).agencies
    want = expected_sums(year, everyone)
    got = r.cur.cells
    assert set(got) == set(want) and len(got) == len(fmt.S2_CELLS) + 25 * 7 + len(fmt.S4_CELLS)
    assert {k: v for k, v in got.items() if Decimal(str(v)) != want[k]} == {}
    assert not [f for f in checks.check_agency(r.cur, r.prev) if f.rule in SUM_RULES]
    assert r.cur.agency.id == "hongsibu" and r.title == f"红寺堡区{year}年政府信息公开工作年度报告"
    assert (r.prev is None) == (year == 2021)
    if r.prev is not None:
        assert r.prev.cells == {k: pytest.approx(v) for k, v in region.sums(
            load_year(REPO / "data", 2021), load_region(REPO / "data", year), "").cells.items()}
        assert r.prev.s3.loc["1", "total"] == sum(expected_sums(2021, load_year(REPO / "data", 2021).agencies)[
            ("s3", "1", c)] for c in fmt.S3_APPLICANT_COLUMNS)


def test_a_groups_report_sums_only_that_group():
    r = region.load(REPO / "data", 2022, "乡镇")
    towns = {aid for aid, a in load_year(REPO / "data", 2022).agencies.items() if a.group == "乡镇"}
    assert towns == TOWNS
    assert r.cur.cells == {k: float(v) if k == ("s2", "fees_amount") else v
                           for k, v in expected_sums(2022, TOWNS).items()}
    assert r.cur.cells != region.load(REPO / "data", 2022).cur.cells
    assert r.prev.cells == {k: float(v) if k == ("s2", "fees_amount") else v
                            for k, v in expected_sums(2021, TOWNS).items()}
    assert not [f for f in checks.check_agency(r.cur, r.prev) if f.rule in SUM_RULES]


def test_a_group_no_agency_belongs_to_is_named(tmp_path):
    with pytest.raises(DataError, match=r"agencies.csv: column group, no agency of the region's group '街道'"):
        region.load(REPO / "data", 2022, "街道")


def test_fees_are_summed_exactly_to_six_decimals(tmp_path):
    data = copy_data(tmp_path)
    s2 = data / "2022" / "section2.csv"
    lines = s2.read_text(encoding="utf-8").splitlines()
    column = lines[0].split(",").index("fees_amount")
    fees = ["0.1", "0.2"] + ["0"] * (len(lines) - 3)
    rows = [line.split(",") for line in lines[1:]]
    for row, fee in zip(rows, fees):
        row[column] = fee
    s2.write_text("\n".join([lines[0], *map(",".join, rows)]) + "\n", encoding="utf-8")
    assert sum([0.1, 0.2]) != 0.3  # what a float sum would give
    assert region.load(data, 2022).cur.s2["fees_amount"] == 0.3


def test_without_last_year_the_report_says_there_is_no_comparison(tmp_path):
    data = copy_data(tmp_path)
    shutil.rmtree(data / "2021")
    r = region.load(data, 2022)
    assert r.prev is None and r.sentences[-1] == narrative.NO_COMPARISON
    assert "无上年数据可比" in r.charts["yoy"].figure()._suptitle.get_text()
    assert "同比" not in "".join(r.sentences[:-1])
    assert r._repr_html_().count("<svg") == 2


def test_the_regions_sentences_never_say_the_agency_subject():
    for year in (2021, 2022):
        for group in ("", "乡镇", "部门"):
            said = "".join(region.load(REPO / "data", year, group).sentences)
            assert narrative.AGENCY_SUBJECT not in said and "全区" in said
    # the sample's reasons include 本机关不掌握相关政府信息: a region says it without 本机关
    assert "不掌握相关政府信息" in "".join(region.load(REPO / "data", 2022).sentences)


@pytest.mark.parametrize("name, who", [("红寺堡区", "全区"), ("吴忠市", "全市"), ("同心县", "全县"),
                                       ("临夏回族自治州", "全州"), ("阿拉善盟", "全辖区"), ("", "全辖区")])
def test_the_subject_is_derived_from_the_regions_name(seed, name, who):
    from dataclasses import replace
    data = make_agency_data(agency=replace(seed.agency, name=name),
                            s3={("1", "natural"): 3, ("3.4.1", "natural"): 3})
    assert narrative.subject(data.agency, region=True) == who
    said = narrative.sentences(data, region=True)
    assert said[0].startswith(f"2022年，{who}") and narrative.AGENCY_SUBJECT not in "".join(said)
    mine = narrative.sentences(data)  # the same data as an agency's: its own voice, and no NO_COMPARISON
    assert mine[0].startswith("2022年，本机关") and "本机关不掌握相关政府信息" in "".join(mine)
    assert narrative.NO_COMPARISON not in mine


def test_region_csv_every_problem_at_once(tmp_path):
    data = copy_data(tmp_path)
    base = data / "2022"
    text = (base / "region.csv").read_text(encoding="utf-8").splitlines()
    bad = text[1].replace("hongsibu,", "hong sibu,").replace(",红寺堡区,", ",,")
    (base / "region.csv").write_text("\n".join([text[0], bad, text[1]]) + "\n", encoding="utf-8")
    (base / "region" / "s5.md").unlink()
    with pytest.raises(DataError) as info:
        load_region(data, 2022)
    lines = str(info.value).splitlines()
    assert any("region.csv: line 2, unsafe agency id 'hong sibu'" in line for line in lines)
    assert any(re.search(r"region/s5.md: agency hongsibu, missing file", line) for line in lines)
    (base / "region.csv").write_text("\n".join([text[0], text[1], text[1].replace("hongsibu,", "other,")]) + "\n",
                                     encoding="utf-8")
    with pytest.raises(DataError, match="region.csv: line 3, more than one region"):
        load_region(data, 2022)
    (base / "region.csv").unlink()
    assert load_region(data, 2022) is None


def test_the_group_column_is_optional_and_read():
    groups = {a.group for a in load_year(REPO / "data", 2022).agencies.values()}
    assert groups == {"乡镇", "部门"}


def test_build_writes_the_region_report_incrementally_and_the_index_row(tmp_path):
    data, out = copy_data(tmp_path), tmp_path / "out"
    settings = config.load(None, 2022, data_dir=data, output_dir=out, jobs=2)
    todo = build.plan(settings)
    assert [t.agency for t in todo.tasks][-1] == outputs.REGION_DIR
    region_task = todo.tasks[-1]
    assert region_task.notebook.name == "region_report.ipynb" and region_task.parameters["group"] == ""
    progress = build.Progress(1, "2022")
    only = build.run(build.local([region_task], 1, tmp_path / "workers.log", progress.note), progress)
    assert [o.status for o in only] == ["built"]
    page = (out / "2022" / outputs.REGION_REPORT).read_text(encoding="utf-8")
    assert "<h1>红寺堡区2022年政府信息公开工作年度报告</h1>" in page and "2022年，全区新收政府信息公开申请469件" in page
    official, _, after = page.partition('<section class="gr-overview">')  # the overview comes last, marked
    assert overview.TITLE in after and overview.TITLE not in official and "六、其他需要报告的事项" in official
    results = json.loads((out / "2022" / outputs.REGION_DIR / outputs.RESULTS).read_text(encoding="utf-8"))
    assert results["agency"] == "hongsibu" and results["figures"]["received"] == 469
    again = build.plan(settings)  # unchanged: skipped
    assert outputs.REGION_DIR not in [t.agency for t in again.tasks]
    assert {o.agency: o.status for o in again.decided}[outputs.REGION_DIR] == "skipped"
    # any summed agency's change (this year or last) rebuilds it; --agency leaves it out
    s4 = data / "2021" / "section4.csv"
    s4.write_text(s4.read_text(encoding="utf-8").replace("\nhongsibu-town-gov,0,", "\nhongsibu-town-gov,1,"),
                  encoding="utf-8")
    assert build.plan(settings).tasks[-1].agency == outputs.REGION_DIR
    agencies = config.load(None, 2022, data_dir=data, output_dir=out, agencies=["hongsibu-town-gov"])
    assert outputs.REGION_DIR not in [t.agency for t in build.plan(agencies).tasks]
    from govreport.index import index_html
    foot = index_html(out / "2022", 2022, {})
    assert '<tfoot><tr class="built region"><td>红寺堡区（汇总）<br><small>hongsibu</small>' in foot
    assert f'<a href="{outputs.REGION_REPORT}">报告</a>' in foot and 'data-sort="469">469</td>' in foot


def test_no_region_csv_no_region_report_and_bad_data_fails_only_the_region(tmp_path):
    data, out = copy_data(tmp_path), tmp_path / "out"
    settings = config.load(None, 2022, data_dir=data, output_dir=out)
    s2 = data / "2022" / "section2.csv"
    s2.write_text(s2.read_text(encoding="utf-8").replace("\nhongsibu-edu-bureau,0,", "\nhongsibu-edu-bureau,-5,"),
                  encoding="utf-8")
    todo = build.plan(settings)
    failed = {o.agency: o for o in todo.decided}
    assert set(failed) == {"hongsibu-edu-bureau", outputs.REGION_DIR}
    assert "section2.csv" in failed[outputs.REGION_DIR].error and "negative" in failed[outputs.REGION_DIR].error
    (data / "2022" / "region.csv").unlink()
    assert outputs.REGION_DIR not in [t.agency for t in build.plan(settings).tasks]
