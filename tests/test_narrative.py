"""The computed narrative: figures, sentences, year-over-year wording and formatting helpers."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import SEED_AGENCY, make_agency_data

from govreport import execute, narrative, report
from govreport import format as fmt


def test_title_and_preamble(seed):
    assert narrative.title(seed.agency, 2022) == "红寺堡区人民政府办公室2022年政府信息公开工作年度报告"
    text = narrative.preamble(seed.agency, 2022)
    assert text.startswith("根据《中华人民共和国政府信息公开条例》规定")
    assert "（国办公开办函〔2021〕30号）" in text
    assert "现发布《红寺堡区人民政府办公室2022年政府信息公开工作年度报告》" in text
    assert "本报告统计数据从2022年1月1日至12月31日。" in text
    assert "红寺堡区人民政府门户网站（www.hongsibu.gov.cn）查阅或下载" in text
    assert ("请直接与吴忠市红寺堡区人民政府办公室联系（地址：吴忠市红寺堡区金水街008号；邮编：751999；"
            "电话：0953-5098596；传真：0953-5098123；电子邮箱：hspzhfb123@163.com）。") in text
    assert not any(ch in text for ch in "(),:;")  # full-width punctuation only


NO_CONTACT = dataclasses.replace(SEED_AGENCY, website_name="", website_url="", address="", postcode="",
                                 phone="", fax="", email="")


def test_preamble_leaves_out_blank_contact_details():
    text = narrative.preamble(NO_CONTACT, 2022)
    assert text.endswith("本报告统计数据从2022年1月1日至12月31日。")  # both clauses gone: nothing is known
    assert "（）" not in text and "：；" not in text and "查阅" not in text and "联系" not in text
    some = dataclasses.replace(NO_CONTACT, website_name="红寺堡区人民政府门户网站", phone="0953-5098596",
                               email="hspzhfb123@163.com")
    assert narrative.preamble(some, 2022).endswith(
        "本报告电子版及更多政府信息均可在红寺堡区人民政府门户网站查阅或下载，如有疑问或意见建议，请直接与"
        "吴忠市红寺堡区人民政府办公室联系（电话：0953-5098596；电子邮箱：hspzhfb123@163.com）。")
    url_only = dataclasses.replace(NO_CONTACT, website_url="www.hongsibu.gov.cn")
    assert narrative.preamble(url_only, 2022).endswith(
        "至12月31日。本报告电子版及更多政府信息均可在www.hongsibu.gov.cn查阅或下载。")
    address_only = dataclasses.replace(NO_CONTACT, address="吴忠市红寺堡区金水街008号")
    assert narrative.preamble(address_only, 2022).endswith(
        "至12月31日。如有疑问或意见建议，请直接与吴忠市红寺堡区人民政府办公室联系（地址：吴忠市红寺堡区金水街008号）。")


def test_title_forms(seed):
    assert narrative.title(seed.agency, 2023, form="年度") == "红寺堡区人民政府办公室2023年度政府信息公开工作年度报告"
    assert narrative.title(seed.agency, 2023, "年") == narrative.title(seed.agency, 2023)
    assert "现发布《红寺堡区人民政府办公室2022年度政府信息公开工作年度报告》" in narrative.preamble(seed.agency, 2022, "年度")
    with pytest.raises(ValueError, match="'年度'"):
        narrative.title(seed.agency, 2023, "年报")
    r = report.Report(seed, None, [], title_form="年度")
    assert "<h1>红寺堡区人民政府办公室2022年度政府信息公开工作年度报告</h1>" in r.header.html
    assert "《红寺堡区人民政府办公室2022年度政府信息公开工作年度报告》" in r.header.html


def test_notebook_title_form_parameter():
    """The notebook's `title_form` parameter reaches the displayed title and preamble (a real papermill run)."""
    data = Path(__file__).resolve().parent.parent / "data"
    params = {"agency_id": SEED_AGENCY.id, "year": 2022, "data_dir": str(data), "charts": False}
    default = execute.execute(params)
    assert "title_form = \"年\"" in default.cells[1].source
    yearly = execute.execute(params | {"title_form": "年度"})
    for nb, form in ((default, "年"), (yearly, "年度")):
        header = next(html for c in nb.cells for o in c.get("outputs", [])
                      if "<h1>" in (html := o.get("data", {}).get("text/html", "")))
        title = f"{SEED_AGENCY.name}2022{form}政府信息公开工作年度报告"
        assert f"<h1>{title}</h1>" in header and f"现发布《{title}》" in header


def test_figures_of_the_seed(seed):
    f = narrative.figures(seed)
    assert f == {
        "received": 5, "carried_over": 0, "concluded": 5, "completion_rate": 1.0, "disclosed": 0, "partial": 2,
        "refused": 0, "unable": 2, "unprocessed": 1, "other": 0, "carried_forward": 0, "reviews": 0,
        "reviews_corrected": 0, "suits": 0, "suits_corrected": 0, "legal_person_applications": 0, "fees": 0.0,
    }
    assert json.loads(json.dumps(f)) == f  # plain Python types


def test_figures_sum_groups_and_columns():
    a = make_agency_data(
        s3={("1", "natural"): 4, ("1", "business"): 3, ("1", "legal"): 2, ("2", "natural"): 1,
            ("3.3.1", "natural"): 1, ("3.3.8", "business"): 2, ("3.4.3", "legal"): 2, ("3.6.3", "natural"): 3,
            ("4", "business"): 1, ("4", "natural"): 1},
        s4={"review_corrected": 2, "review_upheld": 1, "direct_corrected": 1, "after_review_pending": 4},
        s2={"fees_amount": 12.35})
    f = narrative.figures(a)
    assert (f["received"], f["carried_over"], f["concluded"]) == (9, 1, 8)
    assert f["completion_rate"] == pytest.approx(0.8)
    assert (f["refused"], f["unable"], f["other"], f["carried_forward"]) == (3, 2, 3, 2)
    assert f["legal_person_applications"] == 5
    assert (f["reviews"], f["reviews_corrected"], f["suits"], f["suits_corrected"]) == (3, 2, 5, 1)
    assert f["fees"] == 12.35


def test_seed_sentences(seed):
    out = narrative.sentences(seed)
    text = "".join(out)
    assert out[0] == "2022年，本机关新收政府信息公开申请5件，上年结转0件，办结5件，办结率100%。"
    assert "办结的申请中，部分公开2件（占40%），无法提供2件（占40%），不予处理1件（占20%）。" in out
    assert "予以公开" not in text  # zero outcomes are left out
    assert "不予公开和无法提供的主要原因为本机关不掌握相关政府信息（2件）。" in out
    assert "结转下年度继续办理0件。" in out
    assert "全年未发生因政府信息公开引起的行政复议、行政诉讼案件。" in out
    assert "制发行政规范性文件3件，废止11件，现行有效14件" in text
    assert "规章" not in text  # none reported
    assert "收取行政事业性收费0万元" in text
    assert all(s.endswith("。") for s in out)


def test_reasons_tied_with_the_last_shown_are_kept():
    """A real report named 不掌握（50件） and one of two reasons with 3 each, dropping the other."""
    a = make_agency_data(s3={("1", "natural"): 58, ("3.4.1", "natural"): 50, ("3.3.5", "natural"): 3,
                             ("3.3.6", "business"): 3, ("3.4.2", "natural"): 2})
    assert ("不予公开和无法提供的主要原因为本机关不掌握相关政府信息（50件）、属于三类内部事务信息（3件）、"
            "属于四类过程性信息（3件）。") in narrative.sentences(a)  # 没有现成信息（2件） stays out
    three = make_agency_data(s3={("1", "natural"): 3, ("3.3.1", "natural"): 1, ("3.3.2", "natural"): 1,
                                 ("3.4.3", "natural"): 1})
    assert ("不予公开和无法提供的主要原因为属于国家秘密（1件）、其他法律行政法规禁止公开（1件）、"
            "补正后申请内容仍不明确（1件）。") in narrative.sentences(three)


def test_leading_reasons_are_the_top_two_rows():
    a = make_agency_data(s3={("1", "natural"): 10, ("3.3.1", "natural"): 3, ("3.3.3", "business"): 2,
                             ("3.4.2", "natural"): 5})
    out = narrative.sentences(a)
    assert "不予公开和无法提供的主要原因为没有现成信息需要另行制作（5件）、属于国家秘密（3件）。" in out
    assert "办结的申请中，不予公开5件（占50%），无法提供5件（占50%）。" in out


def test_litigation_and_section2_sentences():
    a = make_agency_data(s4={"review_corrected": 1, "review_upheld": 1, "direct_upheld": 2},
                         s2={"rules_issued": 1, "rules_in_force": 5, "license_decisions": 7, "fees_amount": 12.35})
    text = "".join(narrative.sentences(a))
    assert "全年因政府信息公开引起行政复议2件，其中结果纠正1件；行政诉讼2件，其中结果纠正0件。" in text
    assert "未发生" not in text
    assert "制发规章1件，废止0件，现行有效5件；制发行政规范性文件0件" in text
    assert "作出行政许可决定7件、行政处罚决定0件、行政强制决定0件" in text
    assert "收取行政事业性收费12.35万元" in text


def test_no_applications_means_no_rate():
    out = narrative.sentences(make_agency_data(s3={}))
    text = "".join(out)
    assert out[0] == "2022年，本机关全年未收到政府信息公开申请，无上年结转申请。"
    assert "办结率" not in text and "占" not in text
    assert narrative.figures(make_agency_data(s3={}))["completion_rate"] is None


def test_only_carried_over_applications():
    a = make_agency_data(s3={("2", "natural"): 2, ("3.1", "natural"): 1, ("4", "natural"): 1})
    assert narrative.sentences(a)[0] == ("2022年，本机关全年未收到新的政府信息公开申请，上年结转2件，"
                                         "办结1件，办结率50%。")


def test_year_over_year_sentence(seed):
    prev = make_agency_data(2021, s3={("1", "natural"): 10, ("3.1", "natural"): 5, ("4", "natural"): 5})
    assert narrative.sentences(seed, prev)[-1] == "新收申请同比下降50%，办结申请与上年持平。"
    prev_zero = make_agency_data(2021, s3={}, s4={"direct_upheld": 2})
    assert narrative.sentences(seed, prev_zero)[-1] == (
        "新收申请同比增加5件（上年为0件），办结申请同比增加5件（上年为0件），行政诉讼由2件减至0件。")
    assert not any("同比" in s for s in narrative.sentences(seed))


@pytest.mark.parametrize("cur, prev, phrase", [
    (14, 10, "同比增长40%"),
    (30, 10, "同比增长200%"),
    (8, 10, "同比下降20%"),
    (20, 30, "同比下降33.3%"),
    (0, 40, "同比下降100%"),
    (5, 5, "与上年持平"),
    (5, 0, "同比增加5件（上年为0件）"),
    (0, 0, "与上年持平"),
    (7, 1, "由1件增至7件"),  # not 同比增长600%: a small base is told in cases
    (3, 5, "由5件减至3件"),
    (0, 4, "由4件减至0件"),
    (120, 9, "由9件增至120件"),
])
def test_yoy(cur, prev, phrase):
    assert narrative.yoy(cur, prev) == phrase


def test_yoy_small_base_threshold():
    base = narrative.SMALL_BASE
    assert narrative.yoy(base * 2, base) == "同比增长100%"
    assert narrative.yoy(base * 2, base - 1) == f"由{base - 1}件增至{base * 2}件"


def test_suits_from_one_to_seven_are_told_in_cases(seed):
    """A real report: 行政诉讼 1 → 7 was printed as 同比增长600%."""
    cur = make_agency_data(s4={"direct_upheld": 5, "after_review_pending": 2})
    prev = make_agency_data(2021, s4={"direct_upheld": 1})
    changes = narrative.sentences(cur, prev)[-1]
    assert "行政诉讼由1件增至7件" in changes and "%" not in changes.split("行政诉讼")[1]


@pytest.mark.parametrize("part, whole, text", [
    (2, 5, "40%"), (5, 5, "100%"), (1, 3, "33.3%"), (2, 3, "66.7%"), (1, 16, "6.3%"), (0, 7, "0%"),
])
def test_percent(part, whole, text):
    assert narrative.percent(part, whole) == text


@pytest.mark.parametrize("amount, text", [
    (0, "0"), (0.0, "0"), (12.35, "12.35"), (3.5, "3.5"), (10, "10"), (10.0, "10"), (0.00005, "0.00005"),
    (1.23456, "1.23456"), (2.10, "2.1"),
    (24252.311082, "24252.311082"),  # a real fee, printed as 24252.3111 before
    (np.float64(24252.311082), "24252.311082"),  # what the loader gives
    (0.000001, "0.000001"), (np.float64("1e-06"), "0.000001"),  # never 1e-06
    (123456789.123456, "123456789.123456"), (1e15, "1000000000000000"),
    (0.1 + 0.2, "0.3"),  # a computed amount: six places at most
])
def test_wan(amount, text):
    assert narrative.wan(amount) == text


def test_fee_sentence_prints_the_amount_exactly():
    a = make_agency_data(s2={"fees_amount": np.float64(24252.311082)})
    assert "收取行政事业性收费24252.311082万元。" in narrative.sentences(a)[-1]


def test_paragraphs():
    text = "\n第一段。\n\n  第二段第一行\n第二段第二行。 \n \n\n\n第三段。\n"
    assert narrative.paragraphs(text) == ["第一段。", "第二段第一行\n第二段第二行。", "第三段。"]
    assert narrative.paragraphs("") == [] and narrative.paragraphs(" \n\n ") == []
    assert narrative.paragraphs("甲\r\n\r\n乙") == ["甲", "乙"]


def test_outcome_labels_come_from_format(seed):
    """Every outcome share names its group with the format's label, numbering and note stripped."""
    a = make_agency_data(s3={(g.leaves()[0].code, "natural"): 1 for g in fmt.S3_OUTCOME_GROUPS}
                         | {("1", "natural"): 6})
    shares = next(s for s in narrative.sentences(a) if s.startswith("办结的申请中"))
    for short in ("予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"):
        assert f"{short}1件（占16.7%）" in shares


def test_text_sentences():
    text = "一是加强培训；二是优化流程。\n\n全年受理申请5件！还有吗？没有了"
    assert narrative.text_sentences(text) == ["一是加强培训；", "二是优化流程。", "全年受理申请5件！", "还有吗？", "没有了"]
    assert narrative.text_sentences("") == []
