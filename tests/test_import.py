"""govreport.importer: published reports (text, web pages) read back exactly, or refused with a reason."""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from govreport import format as fmt
from govreport.dataset import DataError, load_year
from govreport.importer import read_report
from govreport.importer.core import label_key, readings, solve

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "000_0a0f92715d043311.txt"  # beside the checkout, as in CI
SEED_TEXT = ROOT / "tests" / "fixtures" / "seed_2022.txt"  # the seed, kept with the tests


def same(imported, expected) -> list[str]:
    """What differs between an import and the data (the id, level and group are not printed in a report)."""
    diffs = []
    unprinted = {k: getattr(expected.agency, k) for k in ("id", "level", "group")}
    if replace(imported.agency, **unprinted) != expected.agency:
        diffs.append(f"agency {imported.agency} != {expected.agency}")
    if imported.year != expected.year:
        diffs.append(f"year {imported.year}")
    for ref, value in expected.cells.items():
        if imported.cells[ref] != value:
            diffs.append(f"{ref}: {imported.cells[ref]!r} != {value!r}")
    for k, text in expected.narrative.items():
        if imported.narrative[k] != text:
            diffs.append(f"narrative {k}: {imported.narrative[k][:80]!r}…")
    return diffs


# ---------------------------------------------------------------- the core
def test_label_key_folds_the_variants_published_reports_print():
    assert label_key("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == label_key(
        "(二) 部分公开(区分处理的, 只计这一情况, 不计其他情况)")
    assert label_key("5.属于三类内部事务信息") == label_key("５、属于三类内容事务信息")
    assert label_key("1、本机关不掌握") == label_key("1. 本机关 不掌握")


def test_readings_split_run_together_digits_and_place_lost_cells():
    assert readings(["1", "2"], 2) == [(("1", "2"), "read")]
    assert readings(["110024001510102"], 15) == [(tuple("110024001510102"), "split")]
    assert [r for r in readings(["105"], 2) if r[1] == "split"] == [(("10", "5"), "split")]  # not "1|05"
    lost = [r for r, how in readings(["0"], 2) if how == "lost"]
    assert lost == [(None, "0"), ("0", None)]


def test_solve_fills_a_lost_cell_from_the_equation_with_one_unknown_and_names_a_failing_rule():
    row = {("s4", f"review_{o}"): v for o, v in zip(("upheld", "corrected", "other", "pending", "total"),
                                                   (1, None, 0, 2, 5))}
    cells, fixed = solve(row)
    assert cells[("s4", "review_corrected")] == 2 and fixed == {("s4", "review_corrected"): "R5"}
    assert solve(row | {("s4", "review_total"): 2}) == "R5"  # 1 + x + 2 = 2: no non-negative x


# ---------------------------------------------------------------- (b) text from a PDF: the seed
def test_seed_text_imports_to_its_published_numbers_with_the_two_lost_cells_inferred():
    got = read_report(SEED_TEXT, agency_id="hongsibu-gov-office", level="县级政府")
    expected = load_year(ROOT / "data", 2022).agency("hongsibu-gov-office")
    # the name and every contact detail (the group is not printed in a report)
    assert got.data.year == 2022 and replace(got.data.agency, group=expected.agency.group) == expected.agency
    assert {ref: v for ref, v in got.data.cells.items()} == expected.cells
    assert [(i.ref, i.value, i.rule, i.reason) for i in got.inferred] == [
        (("s3", "2", "natural"), 0, "R2", "lost"), (("s3", "3.1", "natural"), 0, "R2", "lost")]
    # the narrative is the text's, lines joined into paragraphs (the sample's is its repaired copy)
    assert got.data.narrative["6"].endswith("未收取信息处理费。")
    assert got.data.narrative["5"].count("\n\n") == expected.narrative["5"].count("\n\n")


def test_the_seed_fixture_is_the_shared_seed():
    if not SEED.exists():
        pytest.skip(f"{SEED} is not beside this checkout")
    assert SEED.read_bytes() == SEED_TEXT.read_bytes()


def _edit(tmp_path, text: str, name="report.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_lost_cell_that_only_the_column_rules_can_place_is_found_by_them(tmp_path):
    # row 一 printed "5 0 0 0 0 5" (自然人's 5 lost? or a 0?): R2 allows 5 in any applicant column; R4 decides.
    text = SEED_TEXT.read_text(encoding="utf-8")
    text = text.replace("一、本年新收政府信息公开申请数量\t\t\t5\t0\t0\t0\t0\t0\t5",
                        "一、本年新收政府信息公开申请数量\t\t\t5\t0\t0\t0\t0\t5")
    got = read_report(_edit(tmp_path, text))
    assert got.data.s3.loc["1"].tolist() == [5, 0, 0, 0, 0, 0, 5]
    assert {i.ref for i in got.inferred} >= {("s3", "1", "natural"), ("s3", "1", "business")}
    assert all(i.rule for i in got.inferred)


def test_more_than_one_reading_stops_the_import_naming_table_row_and_candidates(tmp_path):
    # section 二 has no arithmetic: "3 114" for three cells is 3|1|14 or 3|11|4
    text = SEED_TEXT.read_text(encoding="utf-8").replace("行政规范性文件\t3\t11\t14", "行政规范性文件\t3\t1114")
    with pytest.raises(DataError) as err:
        read_report(_edit(tmp_path, text))
    message = str(err.value)
    assert "table 2" in message and "row 行政规范性文件" in message
    assert "3 1 114" in message and "3 11 14" in message and "3 111 4" in message


def test_a_lost_cell_that_no_rule_fixes_stops_the_import(tmp_path):
    text = SEED_TEXT.read_text(encoding="utf-8").replace("行政许可\t0", "行政许可\t")  # table 二: no arithmetic
    with pytest.raises(DataError) as err:
        read_report(_edit(tmp_path, text))
    assert str(err.value).endswith("row 行政许可, table 2: no reading satisfies every rule "
                                   "(no rule fixes a lost cell); candidates: 行政许可: ?")


def test_a_2019_format_report_is_refused_naming_the_format(tmp_path):
    text = SEED_TEXT.read_text(encoding="utf-8").replace("本年制发件数\t本年废止件数\t现行有效件数",
                                                          "本年新制作数量\t本年新公开数量\t对外公开总数量")
    with pytest.raises(DataError, match="2019 format.*本年新制作数量"):
        read_report(_edit(tmp_path, text))


def test_unknown_suffix_and_missing_title_are_one_line_errors(tmp_path):
    with pytest.raises(DataError, match=r"cannot import a \.xls file"):
        read_report(_edit(tmp_path, "", "r.xls"))
    text = SEED_TEXT.read_text(encoding="utf-8").replace("年政府信息公开工作年度报告", "年工作总结")
    with pytest.raises(DataError, match="no title"):
        read_report(_edit(tmp_path, text))


# ---------------------------------------------------------------- (c) web pages
CHROME_HEAD = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}-红寺堡区人民政府门户网站</title>
<script>var _hmt = _hmt || []; document.write("<div>一、总体情况</div>");</script>
<style>.nav li {{ float: left }}</style></head><body>
<div class="header"><img src="logo.png" alt="红寺堡区人民政府"><form><input name="q"><button>搜索</button></form></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li>政务服务</li></ul>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a>政府信息公开年度报告</a></div>
<div class="side"><h3>相关文章</h3><ul><li><a>红寺堡区教育局2021年政府信息公开工作年度报告</a></li></ul></div>
<table class="layout"><tr><td><div class="article"><h1 class="art-title">{title}</h1>
<div class="info">发布时间：2023-01-15 &nbsp; 来源：本站 &nbsp; 字号：[大 中 小]</div>
<div class="share">分享到：<a>微信</a><a>微博</a><script>share();</script></div><div class="content">"""
CHROME_FOOT = """</div><div class="print"><a href="javascript:window.print()">【打印本页】</a> <a>【关闭窗口】</a></div>
</div></td></tr></table>
<div class="footer"><p>主办单位：吴忠市红寺堡区人民政府办公室 联系电话：0953-5098596</p>
<p>网站标识码：6403030001 宁ICP备05001234号</p><script>var s = "六、其他需要报告的事项";</script></div>
</body></html>"""


def wrap_in_chrome(report_html: str, charset: str = "utf-8") -> str:
    """The report's article (its body, our h1 and all) inside a government site's page."""
    body = re.search(r"<body[^>]*>(.*)</body>", report_html, re.S).group(1)
    title = re.search(r"<title>(.*?)</title>", report_html).group(1)
    # a CMS restyles: numbers in <span>s, full-width spaces and &nbsp; around them
    body = re.sub(r'(<td class="num"[^>]*>)(\d+)(</td>)', r'\1<span style="font-size:14px">&nbsp;\2 </span>\3', body)
    return CHROME_HEAD.format(charset=charset, title=title) + body + CHROME_FOOT


def test_every_built_report_html_imports_back_exactly(built):
    for year in (2021, 2022):
        data = load_year(ROOT / "data", year)
        for aid in data.agencies:
            got = read_report(built / str(year) / aid / "report.html")
            assert same(got.data, data.agency(aid)) == [], (year, aid)
            assert got.inferred == []


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_the_page_in_site_chrome_imports_the_same(built, tmp_path, charset):
    expected = load_year(ROOT / "data", 2022).agency("hongsibu-civil-affairs-bureau")
    page = wrap_in_chrome((built / "2022" / expected.agency.id / "report.html").read_text(encoding="utf-8"), charset)
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode(charset))
    got = read_report(path)
    assert same(got.data, expected) == []


def test_a_page_table_with_merged_cells_and_blanks_for_zero(built, tmp_path):
    """A hand-made section 三 row with blank and "/" cells, and 三's labels in typo variants."""
    expected = load_year(ROOT / "data", 2022).agency("hongsibu-gov-office")
    page = (built / "2022" / expected.agency.id / "report.html").read_text(encoding="utf-8")
    page = page.replace('data-cell="3.3.1:business">0<', 'data-cell="3.3.1:business"><')
    page = page.replace('data-cell="3.3.1:research">0<', 'data-cell="3.3.1:research">/<')
    page = page.replace("5.属于三类内部事务信息", "5、属于三类内容事务信息").replace("1.属于国家秘密", "１．属于 国家 秘密")
    path = tmp_path / "r.html"
    path.write_text(page, encoding="utf-8")
    assert same(read_report(path).data, expected) == []


# ---------------------------------------------------------------- (f) Word and PDF copies of the built reports
SAMPLE_2022 = ("hongsibu-gov-office", "hongsibu-civil-affairs-bureau", "hongsibu-edu-bureau", "taiyangshan-town-gov")


def soffice_docx(pages: list[Path], out: Path) -> list[Path]:
    """Word copies made by LibreOffice (a private profile, so that a user's running LibreOffice is not used)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice Writer is not installed (apt-get install libreoffice-writer)")
    import subprocess
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{out / 'profile'}",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), *map(str, pages)],
                   check=True, capture_output=True, timeout=300)
    return [out / f"{p.stem}.docx" for p in pages]


def test_every_2022_report_converted_to_word_by_libreoffice_imports_back_exactly(built, tmp_path):
    data = load_year(ROOT / "data", 2022)
    pages = []
    for aid in data.agencies:
        pages.append(tmp_path / f"{aid}.html")
        shutil.copy(built / "2022" / aid / "report.html", pages[-1])
    for aid, docx in zip(data.agencies, soffice_docx(pages, tmp_path)):
        got = read_report(docx)
        assert same(got.data, data.agency(aid)) == [], aid
        assert got.inferred == []


def test_built_pdfs_import_back_exactly(tmp_path):
    from govreport import pdf
    if pdf.available():  # CI installs Chromium (.ci/run): there, its absence fails the test
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"no Chromium: {pdf.available()}")
    from govreport import cli
    args = ["build", "--data", str(ROOT / "data"), "--out", str(tmp_path), "--year", "2022", "--pdf"]
    assert cli.main(args + [f"--agency={a}" for a in SAMPLE_2022]) == 0
    data = load_year(ROOT / "data", 2022)
    for aid in SAMPLE_2022:
        got = read_report(tmp_path / "2022" / aid / "report.pdf")
        assert same(got.data, data.agency(aid)) == [], aid
        assert got.inferred == []


def test_not_a_word_or_pdf_file_is_one_line_error(tmp_path):
    for name in ("r.docx", "r.pdf"):
        with pytest.raises(DataError, match=f"{name}: not a readable"):
            read_report(_edit(tmp_path, "plain text", name))


def word_report(d, path: Path) -> Path:
    """A Word file as an office writes one with python-docx: paragraphs, and tables whose label and header
    cells are merged as the format prints them (rows of 三's groups merged down, 四's headings across)."""
    import docx

    from govreport import narrative
    doc = docx.Document()
    doc.add_heading(narrative.title(d.agency, d.year), 1)
    doc.add_paragraph(narrative.preamble(d.agency, d.year))

    def text(key):
        doc.add_heading(fmt.SECTION_TITLES[key], 2)
        for p in narrative.paragraphs(d.narrative[key]):
            doc.add_paragraph(p)

    text("1")
    doc.add_heading(fmt.SECTION_TITLES["2"], 2)
    for block in fmt.S2_BLOCKS:
        t = doc.add_table(rows=2 + len(block.rows), cols=4)
        t.cell(0, 0).merge(t.cell(0, 3)).text = block.heading
        for k, label in enumerate([fmt.S2_ROW_HEADER, *(c.label for c in block.columns)]):
            t.cell(1, k).text = label
        for i, r in enumerate(block.rows, 2):
            t.cell(i, 0).text = r.label
            for k, c in enumerate(block.columns, 1):
                v = d.s2[f"{r.code}_{c.code}"]
                t.cell(i, k).text = narrative.wan(v) if c.code == "amount" else str(int(v))
        if len(block.columns) == 1:
            for i in range(1, 2 + len(block.rows)):
                t.cell(i, 1).merge(t.cell(i, 3))
    doc.add_heading(fmt.SECTION_TITLES["3"], 2)
    t = doc.add_table(rows=2 + len(fmt.S3_ROWS), cols=2 + len(fmt.S3_COLUMNS))
    t.cell(0, 0).merge(t.cell(1, 1)).text = fmt.S3_CORNER
    for k, c in enumerate(fmt.S3_COLUMNS, 2):
        t.cell(1, k).text = fmt.S3_COLUMN_LABELS[c]
    t.cell(0, 2).merge(t.cell(0, 1 + len(fmt.S3_COLUMNS))).text = fmt.S3_COLUMN_HEADER
    groups = {g.leaves()[0].code: g for g in fmt.S3_ROW_TREE[2].children if g.children}
    for i, code in enumerate(fmt.S3_ROWS, 2):
        if code in groups:
            t.cell(i, 0).merge(t.cell(i + len(groups[code].leaves()) - 1, 0)).text = groups[code].label
        if not any(code in [x.code for x in g.leaves()] for g in groups.values()):
            t.cell(i, 0).merge(t.cell(i, 1)).text = fmt.S3_ROW_LABELS[code]
        else:
            t.cell(i, 1).text = fmt.S3_ROW_LABELS[code]
        for k, c in enumerate(fmt.S3_COLUMNS, 2):
            t.cell(i, k).text = str(int(d.s3.loc[code, c])) or ""
    doc.add_heading(fmt.SECTION_TITLES["4"], 2)
    t = doc.add_table(rows=2, cols=len(fmt.S4_CELLS))
    for k, c in enumerate(fmt.S4_CELLS):
        t.cell(0, k).text = fmt.S4_LABELS[c]
        t.cell(1, k).text = str(int(d.s4[c])) if d.s4[c] else ""  # blank for zero
    text("5")
    text("6")
    doc.save(str(path))
    return path


def test_word_files_written_with_merged_cells_import_exactly(tmp_path):
    for year in (2021, 2022):
        data = load_year(ROOT / "data", year)
        for aid in data.agencies:
            got = read_report(word_report(data.agency(aid), tmp_path / f"{year}-{aid}.docx"))
            assert same(got.data, data.agency(aid)) == [], (year, aid)
            assert got.inferred == []
