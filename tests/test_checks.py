"""Rules R1–R7 and warnings W1–W5 of govreport.checks: each one passing and failing, on the seed agency."""
from __future__ import annotations

import dataclasses
import json
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from conftest import SEED_AGENCY, SEED_S3, make_agency_data

from govreport import format as fmt
from govreport.checks import Finding, check_agency, check_year, findings_records, findings_table, has_errors
from govreport.dataset import YearData


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def consistent_prev(**kw):
    """A 2021 the seed's 2022 follows from: in force 22 + 3 issued − 11 repealed = 14, nothing carried over."""
    s2 = {"normative_issued": 5, "normative_repealed": 1, "normative_in_force": 22, **kw.pop("s2", {})}
    s3 = kw.pop("s3", {("1", "natural"): 3, ("3.1", "natural"): 3, ("3.4.1", "business"): 1, ("1", "business"): 1})
    narrative = {"1": "全年受理政府信息公开申请4件，全部办结。", "5": "有。", "6": "未收取信息处理费。"}
    return make_agency_data(2021, s2=s2, s3=s3, narrative=narrative, **kw)


# ---------------------------------------------------------------- the seed is clean
def test_seed_has_no_findings(seed):
    assert check_agency(seed) == []


def test_seed_with_consistent_previous_year_has_no_findings(seed):
    prev = consistent_prev()
    assert check_agency(prev) == []
    assert check_agency(seed, prev) == []


def test_seed_report_narrative_agrees_with_its_tables():
    data = make_agency_data(narrative=SEED_NARRATIVE)
    assert check_agency(data, consistent_prev()) == []
    # and the quotes were read: the same text over different numbers is contradicted
    other = make_agency_data(s3=SEED_S3 | {("1", "natural"): 6, ("3.1", "natural"): 1},
                             s4={"review_upheld": 1}, narrative=SEED_NARRATIVE)
    findings = check_agency(other)
    assert {f.rule for f in findings} == {"W1"}
    assert sorted((f.found, f.expected) for f in findings) == [("0", "1"), ("5", "6"), ("5", "6")]


def test_previous_year_must_be_the_year_before(seed):
    with pytest.raises(ValueError, match="2020"):
        check_agency(seed, make_agency_data(2020))


# ---------------------------------------------------------------- R1
@pytest.mark.parametrize("s2, cell, expected, found", [
    ({"normative_in_force": -1}, "二·行政规范性文件·现行有效件数", "非负整数", "-1"),
    ({"license_decisions": 2.5}, "二·行政许可·本年处理决定数量", "非负整数", "2.5"),
    ({"fees_amount": -0.5}, "二·行政事业性收费·本年收费金额（单位：万元）", "非负金额", "-0.5"),
    ({"fees_amount": "1,2"}, "二·行政事业性收费·本年收费金额（单位：万元）", "非负金额", "'1,2'"),
])
def test_r1_fails_in_section_two(s2, cell, expected, found):
    (f,) = check_agency(make_agency_data(s2=s2))
    assert (f.rule, f.severity, f.agency, f.cells, f.expected, f.found) == (
        "R1", "error", SEED_AGENCY.id, (cell,), expected, found)
    assert f.message == f"{cell}为{found}，应为{expected}。"


def test_r1_fails_in_sections_three_and_four_and_other_rules_skip_those_cells():
    data = make_agency_data(s4={"review_upheld": 1})
    data.s3, data.s4 = data.s3.astype(object), data.s4.astype(object)
    data.s3.loc["3.3.1", "research"] = "x"
    data.s4["review_upheld"] = float("nan")
    findings = check_agency(data)
    assert [(f.rule, f.cells, f.expected, f.found) for f in findings] == [
        ("R1", ("三·（三）不予公开1.属于国家秘密·科研机构",), "非负整数", "'x'"),
        ("R1", ("四·行政复议·结果维持",), "非负整数", "nan"),
    ]


def test_r1_passes_amounts_and_whole_floats():
    data = make_agency_data(s2={"fees_amount": 12.345, "penalty_decisions": 3.0})
    assert only(check_agency(data), "R1") == []


# ---------------------------------------------------------------- R2–R5 (from format.EQUATIONS)
def test_r2_fails_when_a_row_total_is_off():
    findings = only(check_agency(make_agency_data(s3=SEED_S3 | {("1", "total"): 6})), "R2")
    (f,) = findings
    assert (f.severity, f.expected, f.found) == ("error", "5", "6")
    assert f.cells == ("三·一、本年新收政府信息公开申请数量·总计",) + tuple(
        f"三·一、本年新收政府信息公开申请数量·{c}" for c in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"))
    assert f.message == "三·一、本年新收政府信息公开申请数量：总计＝6，自然人至其他之和＝5，二者应相等。"


def test_r2_passes_with_several_applicant_columns():
    data = make_agency_data(s3=SEED_S3 | {("1", "legal"): 4, ("3.1", "legal"): 4})
    assert only(check_agency(data), "R2") == []


def test_r3_fails_when_a_column_total_is_off():
    findings = only(check_agency(make_agency_data(s3=SEED_S3 | {("3.7", "natural"): 6})), "R3")
    natural = [f for f in findings if f.cells[0] == "三·（七）总计·自然人"]
    assert len(natural) == 1
    (f,) = natural
    assert (f.rule, f.severity, f.expected, f.found) == ("R3", "error", "5", "6")
    assert len(f.cells) == 1 + 21
    assert f.cells[1:3] == ("三·（一）予以公开·自然人", "三·（二）部分公开（区分处理的，只计这一情形，不计其他情形）·自然人")
    assert f.cells[-1] == "三·（六）其他处理3.其他·自然人"
    assert f.message == "三·自然人：（七）总计＝6，（一）予以公开至（六）其他处理3.其他之和＝5，二者应相等。"


def test_r3_passes_with_outcomes_in_several_groups():
    data = make_agency_data(s3=SEED_S3 | {("1", "other"): 7, ("3.3.8", "other"): 3, ("3.6.3", "other"): 4})
    assert data.s3.at["3.7", "total"] == 12
    assert only(check_agency(data), "R3") == []


def test_r4_fails_when_received_differs_from_handled():
    findings = only(check_agency(make_agency_data(s3=SEED_S3 | {("4", "natural"): 1})), "R4")
    assert [f.cells[0] for f in findings] == ["三·一、本年新收政府信息公开申请数量·自然人",
                                              "三·一、本年新收政府信息公开申请数量·总计"]
    f = findings[0]
    assert f.cells == ("三·一、本年新收政府信息公开申请数量·自然人", "三·二、上年结转政府信息公开申请数量·自然人",
                       "三·（七）总计·自然人", "三·四、结转下年度继续办理·自然人")
    assert (f.severity, f.expected, f.found) == ("error", "6", "5")


def test_r4_passes_with_carry_over_both_ways():
    data = make_agency_data(s3=SEED_S3 | {("2", "natural"): 3, ("4", "natural"): 3})
    assert only(check_agency(data), "R4") == []


def test_r5_fails_when_a_section_four_total_is_off():
    (f,) = only(check_agency(make_agency_data(s4={"direct_corrected": 1, "direct_total": 2})), "R5")
    assert (f.severity, f.expected, f.found) == ("error", "1", "2")
    group = "四·行政诉讼·未经复议直接起诉"
    assert f.cells == tuple(f"{group}·{x}" for x in ("总计", "结果维持", "结果纠正", "其他结果", "尚未审结"))
    assert f.message == f"{group}：总计＝2，结果维持＋结果纠正＋其他结果＋尚未审结＝1，二者应相等。"


def test_r5_passes():
    data = make_agency_data(s4={"review_upheld": 2, "review_pending": 1, "after_review_other": 4})
    assert only(check_agency(data), "R5") == []


# ---------------------------------------------------------------- R6, R7 (across years)
def test_r6_fails_when_carry_over_is_lost(seed):
    prev = consistent_prev(s3={("1", "natural"): 4, ("3.1", "natural"): 2, ("4", "natural"): 2})
    findings = only(check_agency(seed, prev), "R6")
    assert [(f.severity, f.cells, f.expected, f.found) for f in findings] == [
        ("error", ("2022年·三·二、上年结转政府信息公开申请数量·自然人", "2021年·三·四、结转下年度继续办理·自然人"), "2", "0"),
        ("error", ("2022年·三·二、上年结转政府信息公开申请数量·总计", "2021年·三·四、结转下年度继续办理·总计"), "2", "0"),
    ]
    assert findings[0].message == ("三·自然人：2022年“二、上年结转政府信息公开申请数量”为0，"
                                   "2021年“四、结转下年度继续办理”为2，二者应相等。")


def test_r6_passes_when_carried_over():
    prev = consistent_prev(s3={("1", "natural"): 4, ("3.1", "natural"): 2, ("4", "natural"): 2})
    cur = make_agency_data(s3=SEED_S3 | {("2", "natural"): 2, ("3.1", "natural"): 2})
    findings = check_agency(cur, prev)
    assert only(findings, "R6") == [] and only(findings, "R4") == []


def test_r7_warns_when_in_force_does_not_follow(seed):
    (f,) = only(check_agency(seed, consistent_prev(s2={"normative_in_force": 20})), "R7")
    assert (f.severity, f.expected, f.found) == ("warning", "12", "14")
    assert f.cells == ("2022年·二·行政规范性文件·现行有效件数", "2021年·二·行政规范性文件·现行有效件数",
                       "2022年·二·行政规范性文件·本年制发件数", "2022年·二·行政规范性文件·本年废止件数")
    assert not has_errors([f])


def test_r7_passes_for_rules_too():
    cur = make_agency_data(s2={"rules_issued": 1, "rules_in_force": 4, "normative_in_force": 3},
                           agency=dataclasses.replace(SEED_AGENCY, level="设区的市政府", rule_making=True))
    prev = make_agency_data(2021, s2={"rules_in_force": 3, "normative_in_force": 3})
    assert check_agency(cur, prev) == []


# ---------------------------------------------------------------- W1: the narrative against the tables
SECTION_ONE = "一、总体情况"
NEW, CARRIED = "三·一、本年新收政府信息公开申请数量·总计", "三·二、上年结转政府信息公开申请数量·总计"
DONE = "三·（七）总计·总计"
SUITS = ("四·行政诉讼·未经复议直接起诉·总计", "四·行政诉讼·复议后起诉·总计")


@pytest.mark.parametrize("text, cells, expected, found", [
    ("全年受理政府信息公开申请 ６ 件。", (NEW, CARRIED), "5", "6"),
    ("共收到各类申请７件", (NEW, CARRIED), "5", "7"),
    ("本年新收政府信息公开申请4件", (NEW, CARRIED), "5", "4"),
    ("办结 4 件", (DONE,), "5", "4"),
    ("办结率９０％", (DONE, NEW, CARRIED), "100", "90"),
    ("现行有效行政规范性文件１５件", ("二·行政规范性文件·现行有效件数",), "14", "15"),
    ("制发规范性文件2件", ("二·行政规范性文件·本年制发件数",), "3", "2"),
    ("被申请行政复议1件", ("四·行政复议·总计",), "0", "1"),
    ("行政诉讼案件2起", SUITS, "0", "2"),
])
def test_w1_flags_a_contradicted_figure(text, cells, expected, found):
    data = make_agency_data(narrative={"1": text, "5": "有问题。", "6": "未收取信息处理费。"})
    (f,) = check_agency(data)
    assert (f.rule, f.severity, f.cells, f.expected, f.found) == (
        "W1", "warning", (SECTION_ONE, *cells), expected, found)


def test_w1_flags_no_reviews_claimed_when_there_are():
    data = make_agency_data(s4={"after_review_pending": 1},
                            narrative={"1": "无因政府信息公开申请引起的行政复议、行政诉讼案件。", "5": "有。", "6": "信息处理费"})
    (f,) = check_agency(data)
    assert (f.rule, f.cells, f.expected, f.found) == ("W1", (SECTION_ONE, "四·行政复议·总计", *SUITS), "1", "0")
    assert f.message == ("一、总体情况正文“无因政府信息公开申请引起的行政复议、行政诉讼”与统计表不符："
                         "四·行政复议·总计为0，四·行政诉讼·未经复议直接起诉·总计为0，四·行政诉讼·复议后起诉·总计为1。")


@pytest.mark.parametrize("text", [
    "受理申请5件（其中上年结转2件），共７件政府信息公开申请已受理。",
    "全年受理政府信息公开申请7件，办结7件，办结率100%，结转下年度0件。",
    "全年受理政府信息公开申请5件，上年结转申请2件。",
    "行政复议0件，行政诉讼0件；未发生因政府信息公开引起的行政复议、行政诉讼被纠错的情况。",
])
def test_w1_passes_consistent_quotes(text):
    data = make_agency_data(s3=SEED_S3 | {("2", "natural"): 2, ("3.1", "natural"): 2},
                            narrative={"1": text, "5": "有。", "6": "信息处理费"})
    assert check_agency(data) == []


def test_w1_lets_a_claim_about_corrections_pass():
    data = make_agency_data(s4={"review_upheld": 1}, narrative={
        "1": "行政复议1件，未发生因政府信息公开引起的行政复议、行政诉讼被纠错的情况。", "5": "有。", "6": "信息处理费"})
    assert check_agency(data) == []


@pytest.mark.parametrize("quote, warns", [("66.7%", False), ("67%", False), ("66.67%", False), ("70%", True),
                                          ("66.5%", True)])
def test_w1_completion_rate_allows_for_rounding(quote, warns):
    data = make_agency_data(s3={("1", "natural"): 3, ("3.1", "natural"): 2, ("4", "natural"): 1},
                            narrative={"1": f"办结率为{quote}。", "5": "有。", "6": "信息处理费"})
    assert [f.rule for f in check_agency(data)] == (["W1"] if warns else [])


def test_w1_reads_every_narrative_section_once_per_quote():
    text = "受理申请9件。"
    data = make_agency_data(narrative={"1": text + text, "5": text, "6": "信息处理费"})
    assert [f.cells[0] for f in check_agency(data)] == ["一、总体情况", "五、存在的主要问题及改进情况"]


# ---------------------------------------------------------------- W2, W3
@pytest.mark.parametrize("text, found", [("无。", "无。"), ("", "（空）"), (" 无 ", "无")])
def test_w2_flags_an_empty_section_five(text, found):
    (f,) = check_agency(make_agency_data(narrative={"1": "", "5": text, "6": "未收取信息处理费。"}))
    assert (f.rule, f.severity, f.cells, f.found) == ("W2", "warning", ("五、存在的主要问题及改进情况",), found)


def test_w2_passes_a_short_real_statement():
    data = make_agency_data(narrative={"1": "", "5": "无障碍阅读功能有待完善。", "6": "信息处理费"})
    assert check_agency(data) == []


def test_w3_flags_section_six_silent_on_fees():
    (f,) = check_agency(make_agency_data(narrative={"1": "", "5": "有。", "6": "无。"}))
    assert (f.rule, f.severity, f.cells, f.expected, f.found) == (
        "W3", "warning", ("六、其他需要报告的事项",), "说明信息处理费收取情况", "未提及信息处理费")


def test_w3_passes_when_fees_are_mentioned():
    data = make_agency_data(narrative={"1": "", "5": "有。", "6": "本年度收取信息处理费0元。"})
    assert only(check_agency(data), "W3") == []


# ---------------------------------------------------------------- W4
def prev_with_new(n: int):
    return consistent_prev(s3={("1", "natural"): n, ("3.1", "natural"): n})


def test_w4_flags_a_jump_beyond_five_times(seed):
    findings = only(check_agency(seed, prev_with_new(26)), "W4")
    assert [f.cells[0] for f in findings] == ["2022年·三·一、本年新收政府信息公开申请数量·总计", "2022年·三·（七）总计·总计"]
    f = findings[0]
    assert (f.severity, f.expected, f.found) == ("warning", "5.2至130", "5")
    assert f.cells == ("2022年·三·一、本年新收政府信息公开申请数量·总计", "2021年·三·一、本年新收政府信息公开申请数量·总计")
    assert "由2021年的26变为2022年的5" in f.message


def test_w4_flags_suits_summed_over_both_kinds():
    cur = make_agency_data(s4={"direct_upheld": 20, "after_review_corrected": 20})
    prev = make_agency_data(2021, s2={"normative_in_force": 22}, s4={"direct_upheld": 5, "after_review_other": 2})
    (f,) = only(check_agency(cur, prev), "W4")
    assert f.cells == tuple(f"{y}年·{c}" for y in (2022, 2021) for c in SUITS)
    assert (f.expected, f.found) == ("1.4至35", "40")


@pytest.mark.parametrize("before", [25, 1, 0, 4])  # exactly ×5; below the floor of 5 (tiny numbers are noise)
def test_w4_passes_within_five_times_or_below_the_floor(seed, before):
    assert only(check_agency(seed, prev_with_new(before)), "W4") == []


def test_w4_floor_applies_to_both_years():
    cur = make_agency_data(s3={("1", "natural"): 4, ("3.1", "natural"): 4})
    assert only(check_agency(cur, prev_with_new(100)), "W4") == []


# ---------------------------------------------------------------- W5
def test_w5_flags_rules_at_an_agency_without_rule_making_power():
    data = make_agency_data(s2={"normative_in_force": 14, "normative_issued": 3, "normative_repealed": 11,
                                "rules_in_force": 2})
    (f,) = check_agency(data)
    assert (f.rule, f.severity, f.cells, f.expected, f.found) == ("W5", "warning", ("二·规章·现行有效件数",), "0", "2")
    assert f.message == "红寺堡区人民政府办公室（县级政府）无规章制定权，二·规章·现行有效件数却为2。"


def test_w5_reads_the_rule_making_column_not_the_level():
    """A level outside format.LEVELS may make rules, and a rule-making level may be said not to."""
    may = dataclasses.replace(SEED_AGENCY, level="综合实验区管委会", rule_making=True)
    assert check_agency(make_agency_data(s2={"rules_in_force": 2}, agency=may)) == []
    may_not = dataclasses.replace(SEED_AGENCY, level="省级政府", rule_making=False)
    (f,) = check_agency(make_agency_data(s2={"rules_in_force": 2}, agency=may_not))
    assert (f.rule, f.found) == ("W5", "2") and "（省级政府）无规章制定权" in f.message


# ---------------------------------------------------------------- a whole year
def year_of(*agencies) -> YearData:
    return YearData(
        year=agencies[0].year, path=Path("data") / str(agencies[0].year),
        agencies={d.agency.id: d.agency for d in agencies},
        s2=pd.DataFrame({d.agency.id: d.s2 for d in agencies}).T,
        s3=pd.concat({d.agency.id: d.s3 for d in agencies}),
        s4=pd.DataFrame({d.agency.id: d.s4 for d in agencies}).T,
        narrative={d.agency.id: d.narrative for d in agencies},
    )


def test_check_year_checks_each_agency_against_its_own_previous_year():
    other = dataclasses.replace(SEED_AGENCY, id="other-office", name="其他办公室")
    cur = year_of(make_agency_data(), make_agency_data(agency=other, narrative={"1": "", "5": "有。", "6": "无。"}))
    prev = year_of(make_agency_data(2021, s3={("4", "natural"): 1, ("1", "natural"): 1}))
    findings = check_year(cur, prev)
    assert [(f.agency, f.rule) for f in findings] == [
        (SEED_AGENCY.id, "R6"), (SEED_AGENCY.id, "R6"), (SEED_AGENCY.id, "R7"), ("other-office", "W3")]
    assert check_year(year_of(make_agency_data())) == []


# ---------------------------------------------------------------- output
def test_has_errors():
    warning = check_agency(make_agency_data(narrative={"1": "", "5": "无", "6": "信息处理费"}))
    error = check_agency(make_agency_data(s4={"review_total": 1}))
    assert not has_errors(warning) and has_errors(error) and not has_errors([])


def test_findings_records_are_json_ready():
    findings = check_agency(make_agency_data(s4={"review_total": 1}))
    (record,) = findings_records(findings)
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record
    assert record["rule"] == "R5" and record["rule_zh"] == fmt.RULES["R5"].zh
    assert record["cells"][0] == "四·行政复议·总计" and record["found"] == "1" and record["severity"] == "error"


def display_column(line: str, text: str) -> int:
    """The terminal column where the last occurrence of `text` starts in `line`."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line[:line.rindex(text)])


def test_findings_table_aligns_cjk_columns():
    data = make_agency_data(s3=SEED_S3 | {("3.7", "natural"): 6}, s2={"rules_in_force": 3},
                            narrative={"1": "", "5": "有。", "6": "信息处理费"})
    table = findings_table(check_agency(data))
    header, ruler, first, second, *_ = table.splitlines()
    assert header.split() == ["severity", "agency", "rule", "cells", "expected", "found"]
    assert f"R3 {fmt.RULES['R3'].zh[:12]}" in first and fmt.RULES["R3"].en[:20] in table
    assert f"W5 {fmt.RULES['W5'].zh}" in table
    # R3 on the 自然人 column: （七）总计 says 6, the outcomes add up to 5
    columns = [("severity", "error"), ("agency", SEED_AGENCY.id), ("rule", "R3 表三"),
               ("cells", "三·（七）总计·自然人"), ("expected", "5"), ("found", "6")]
    for name, value in columns:
        assert display_column(header, name) == display_column(first, value), name
    assert display_column(header, "cells") == display_column(second, "三·（一）予以公开·自然人")
    width = display_column(ruler, "-") + len(ruler)  # the ruler spans the whole table
    assert all(display_column(line + "|", "|") <= width for line in table.splitlines())
    assert table.endswith("4 error(s), 1 warning(s)")


def test_findings_table_without_findings():
    assert findings_table([]) == "no findings"



# Sections 一, 五 and 六 of the real report the seed numbers come from (红寺堡区人民政府办公室 2022), as extracted
# from its PDF: half-width punctuation, stray spaces and line breaks included.
SEED_NARRATIVE = {
    "1": """\
2022年,红寺堡区人民政府办公室认真落实《中华人民共和国政府信息公开条例》,持续加大公开力度,有序增加公开深度,有效提升公开精度,全面提升红寺堡区人民政府信息公开工作规范提标、升级提速。

(一)主动公开方面。政府信息公开全面及时,全年通过各类平台公开信息 2364条,其中,政府门户网站 623条(新闻类351条,区政府办文件 20条,政策公开讲 20条,重大会议信息17条,其他领域信息 215条),微信公众号 1629条,微博 112条。

- (二)依申请公开方面。严格执行政府信息公开申请工作流程,指导相关单位遵照标准答复格式和答复用语及时答复,切实保障群众依法获取政府信息的权利。全年受理政府信息公开申请5件,办结5件,办结率100%,全部依法依规答复,无因政府信息公开申请引起的行政复议、行政诉讼案件。
- (三)政府信息管理方面。一是严格落实信息发布审查制度。加强政府网站和政务新媒体内容管理,坚持 24 小时读网,紧抓源头找错纠错,确保信息发布内容准确、导向正确。二是加强政府信息日常自查力度。利用政府门户网站、政务新媒体信息服务保障软件开展自查自纠工作,对发布内容、平台安全等方面存在问题仔细查找并及时甄别整改。三是提升政府公报审编标准。按照"内容全覆盖、编校零差错、赠阅零延误"要求,全年出刊 4期,编校 5.2 万字,免费赠阅 600 余本,坚持线下线上同步发行,确保各项政策及时传达。
- (四)平台建设方面。一是优化政府门户网站功能设置。提供无障碍阅读、适老化应用等特殊功能,适配不同公众需求。新增"政策公开讲""惠企政策专区"等栏目,为群众、企业提供更为便捷的信息查找渠道。二是常态开展网络工作群清理。切实清除"指尖形式主义",对已摸排出的572个网络工作群进行清理整合,缩减了24.6%,有效杜绝"指尖泄密"。三是配合完成投诉建议入口对接。实现区长信箱、网上投诉与全区12345热线平台后端部门处办入口横向打通,各类投诉建议留言依托一个平台办理,及时回应群众关切的效率不断提高。四是持续完善政务公开专区建设。严格落实自治区政务公开专区标识建设标准,在

现有基础上打造功能更齐全、设备更完善、环境更温馨舒适的政务公开专区。

(五)监督保障方面。一是加强队伍建设。结合实际,探索建立跟班学习制度,组织 40 名政务公开专干在区政务公开办公室参加为期 3 天的跟班学习,不断提升业务能力。二是扩大公众参与。公开选聘政务公开义务监督员 22 名,组织参加"政府开放日"活动,让公众靠近机关,了解政府运行,监督政府工作,推动政府开放。三是强化监督考核。制定政务公开考核细则,将政务公开工作列入年度效能目标考核范围,着力推动各项工作落实。""",
    "5": """\
2022年,红寺堡区人民政府办公室政府信息公开工作虽然取得了一定成效,但与自治区的要求和广大人民群众的期盼相比,仍存在一些问题和不足,主要表现为:一是政务公开工作人员流动性大,业务能力有待加强;二是政策解读形式不够多元化,解读形式有待创新;三是信息发布审核程序还需优化。

2023 年,红寺堡区人民政府办公室将从以下三个方面进行改进:一是不定期举办跟班学习培训,对业务薄弱的政务公开工作人员加强培训,不断夯实政务公开队伍业务基础,提升业务能力;二是探索重要政策多元解读,加大视频解读力度,探索动漫、场景演示、专家访谈会等可视、可读、可感的解读形式;三是坚持"先审后发、不审不发"原则,信息发布后及时根据预警信息审看找错,第一时间消除错发漏发。""",
    "6": """\
(一) 2022 年政务公开工作要点落实情况。一是深化重点领域信息公开。制定《吴忠市红寺堡区人民政府办公室关于印发红寺堡区 2022 年政务公开工作要点的通知》(红政办发〔2022〕35号),分别确定由政府各工作部门负责涉及市场主体、减税

降费、扩大投资、疫情防控等信息公开。大力开展"政策进村庄" "政策进园区"活动,以现场你问我答、集中宣讲、现场直播的 方式为群众、企业讲解政策并发放宣传手册,让各项政策进入千 家万户。累计发放医保、民政、住房交通、惠企政策汇编等政策 明白包、宣传扇子、围裙、针线盒、腰围尺、抱枕、口罩等各类 宣传资料 85 万余份,实现了"群众走进机关"向"政策走近群 众"的转变。二**是**制定《吴忠市红寺堡区人民政府办公室关于印 发红寺堡区深入开展"政务公开系列活动"实施方案的通知》(红 政办发〔2022〕64号),指导政府各工作部门开展形式多样、 贴近群众、企业生产生活的"政府开放日"活动 25 场次,开展 "政策公开讲"20次,选择田间地头、产业园区、建设现场等 作为讲解地点,紧扣群众关心、企业关注和社会关切的重大政策, 以情景剧方式"演"着讲, 让观众在听懂政策同时更直观了解 红寺堡区经济、社会、文化发展。同时联动红寺堡区政务新媒体 矩阵广泛发布、集中转载,浏览量、播放量累计达40万余次。 三是做好村务公开试点工作。确定红寺堡区中圈塘村、周圈村、 香园村、白墩村、红塔村为村务公开试点村,按照"编目录、建 平台、上信息、组织验收"的原则会同民政局、农业农村局、各 乡镇共同抓好试点工作,已通过村务公开小程序向群众公开村务 信息 5308 条。

(二)信息处理费收取情况。2022年,红寺堡区人民政府 办公室在办理政府信息公开申请中,未收取信息处理费。""",
}
