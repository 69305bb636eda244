"""The public API (`import govreport as gr`): a light import, parts that display themselves, a notebook of its own."""
from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest
from conftest import SEED_AGENCY, make_agency_data
from matplotlib.figure import Figure
from nbclient import NotebookClient

import govreport as gr
from govreport import checks, report
from govreport.forkkernel import SameEnvKernelManager

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEED = SEED_AGENCY.id
HEAVY = ("IPython", "matplotlib", "papermill", "pandas")


def loaded_after(code: str) -> dict:
    """Run `code` in a fresh Python (then `out`, a dict it may fill) and say which heavy packages it imported."""
    script = (f"import json, sys\nout = {{}}\n{code}\n"
              f"out['loaded'] = sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})\n"
              "print(json.dumps(out))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_import_govreport_imports_no_jupyter_nor_matplotlib():
    out = loaded_after("import govreport as gr\nout['version'] = gr.__version__\nout['all'] = gr.__all__")
    assert out["loaded"] == []
    assert out["version"] == version("govreport")
    assert set(out["all"]) == {"__version__", "load_year", "load_report", "check", "Report", "DataError"}


def test_charts_are_drawn_only_when_shown():
    out = loaded_after(f"import govreport as gr\nr = gr.load_report({str(DATA)!r}, 2022, {SEED!r})\n"
                       "parts = (r.header, r.narrative, r.tables, r.charts, r.findings, r.results())\n"
                       "out['before'] = sorted({m.split('.')[0] for m in sys.modules} & {'IPython', 'matplotlib'})\n"
                       "out['svg'] = r.charts['yoy']._repr_svg_()[:4]")
    assert out["before"] == [] and out["svg"] == "<svg"
    assert "matplotlib" in out["loaded"] and "IPython" not in out["loaded"]


def test_public_names():
    for name in gr.__all__:
        assert getattr(gr, name) is not None
    assert gr.load_report is report.load and gr.Report is report.Report and gr.check is report.check
    assert "load_report" in dir(gr)
    with pytest.raises(AttributeError, match="no attribute 'show'"):
        gr.show
    from govreport import charts  # a module still imports by its name, past the lazy names
    assert charts.__name__ == "govreport.charts"


def test_argument_order_is_data_year_agency():
    r = gr.load_report(DATA, 2022, SEED)
    assert (r.cur.year, r.cur.agency.id, r.prev.year) == (2022, SEED, 2021)
    assert gr.load_year(DATA, 2022).agency(SEED).agency == r.cur.agency
    assert gr.check(DATA, 2022, SEED) == []
    for call in (gr.check, gr.load_report):
        with pytest.raises(gr.DataError, match=r"2022/agencies.csv: no agency 'hongsibu' in this year's data"):
            call(DATA, 2022, "hongsibu")


# ---------------------------------------------------------------- each part's repr
@pytest.fixture
def r(seed) -> report.Report:
    prev = make_agency_data(2021, s3={("1", "natural"): 10, ("3.1", "natural"): 10})
    finding = checks.Finding("R2", "error", SEED, ("三·一、…·总计",), "5", "6", "总计＝6，…之和＝5")
    return report.Report(seed, prev, [finding])


def test_title_is_a_str_shown_as_the_heading(r):
    assert r.title == "红寺堡区人民政府办公室2022年政府信息公开工作年度报告" and isinstance(r.title, str)
    assert r.title._repr_html_() == f"<h1>{r.title}</h1>"
    named = make_agency_data(agency=dataclasses.replace(SEED_AGENCY, name="<b>局</b>"))
    assert report.Report(named, None, []).title._repr_html_().startswith("<h1>&lt;b&gt;局&lt;/b&gt;2022年")


def test_header_opens_with_title_notice_and_preamble(r):
    html = r.header._repr_html_()
    assert html.startswith(f"<h1>{r.title}</h1><div class=\"gr-notice gr-error\" role=\"alert\">")
    assert '<div class="gr-preamble"><p>根据《中华人民共和国政府信息公开条例》' in html
    assert repr(r.header) == f"<Html, {len(html)} characters>"  # no address: the same in every executed notebook


def test_findings_notice(r, seed):
    html = r.findings._repr_html_()
    assert "本报告数据未通过一致性检查" in html and "<b>错误</b> [R2]" in html and "总计＝6，…之和＝5" in html
    assert isinstance(r.findings, list) and r.findings[0].rule == "R2"
    assert report.Report(seed, None, []).findings._repr_html_() is None  # nothing to show
    other = checks.Finding("W1", "warning", "other-bureau", (), "", "", "正文与统计表不符")
    both = report.Findings([*r.findings, other])._repr_html_()
    assert f"<b>错误</b> {SEED} [R2]" in both and "<b>提示</b> other-bureau [W1]" in both


def test_tables_are_sections_2_3_4(r):
    assert list(r.tables) == ["2", "3", "4"]
    html = r.tables._repr_html_()
    assert html.index('<h2 id="s2">二、主动公开政府信息情况</h2><div class="gr-scroll"') < html.index(
        '<h2 id="s3">') < html.index('<h2 id="s4">')
    assert 'data-cell="1:total">5</td>' in r.tables["3"]._repr_html_()


def test_narrative_is_sections_1_5_6_and_the_computed_sentences(r):
    assert list(r.narrative) == ["1", "summary", "5", "6"]
    assert r.narrative["1"]._repr_html_() == '<h2 id="s1">一、总体情况</h2><p>全年受理政府信息公开申请5件，办结5件，办结率100%。</p>'
    summary = r.narrative["summary"]._repr_html_()
    assert "<li>2022年，本机关新收政府信息公开申请5件，上年结转0件，办结5件，办结率100%。</li>" in summary
    assert "<li>新收申请同比下降50%，办结申请同比下降50%。</li>" in summary  # against last year
    assert '<h2 id="s6">六、其他需要报告的事项</h2>' in r.narrative._repr_html_()


def test_charts_show_as_svg(r):
    assert list(r.charts) == ["yoy", "outcomes"]
    yoy = r.charts["yoy"]
    assert repr(yoy) == "<Chart yoy_chart>" and isinstance(yoy.figure(), Figure)
    svg = yoy._repr_svg_()
    assert svg.startswith("<svg") and "<?xml" not in svg and "2022年与2021年主要数据对比" in svg
    assert "2022年政府信息公开申请办理结果" in r.charts["outcomes"]._repr_svg_()
    assert r.charts._repr_html_().count('<figure class="gr-chart"><svg') == 2


def test_the_whole_report_in_order(r):
    html = r._repr_html_()
    marks = ["<h1>", 'id="s1"', 'class="gr-summary"', "主要数据对比", 'id="s2"', 'id="s3"', "申请办理结果",
             'id="s4"', 'id="s5"', 'id="s6"']
    places = [html.index(m) for m in marks]
    assert places == sorted(places)
    assert html == "".join(map(report._html, r.parts()))
    assert repr(r) == f"<Report {SEED} 2022: 1 findings>"


def test_results_are_plain_data(r):
    results = r.results()
    assert json.loads(json.dumps(results)) == results
    assert results["figures"]["received"] == 5 and results["s3"]["1:total"] == 5
    assert results["sentences"] == r.sentences and results["findings"][0]["rule"] == "R2"


# ---------------------------------------------------------------- gr.check
def test_check_finds_the_sample_warnings_and_names_bad_data(tmp_path):
    found = gr.check(DATA, 2022)
    assert sorted((f.rule, f.agency) for f in found) == [("R7", "hongsibu-edu-bureau"),
                                                         ("W1", "hongsibu-civil-affairs-bureau")]
    assert "hongsibu-edu-bureau [R7]" in found._repr_html_()
    data = tmp_path / "data"
    shutil.copytree(DATA / "2022", data / "2022")
    section3 = data / "2022" / "section3.csv"
    section3.write_text(section3.read_text(encoding="utf-8").replace(
        "hongsibu-gov-office,1,5,", "hongsibu-gov-office,1,很多,", 1), encoding="utf-8")
    with pytest.raises(gr.DataError) as err:
        gr.check(data, 2022)
    assert "section3.csv" in str(err.value) and "'很多' is not a number" in str(err.value)


# ---------------------------------------------------------------- a notebook of the analyst's own
CELLS = [
    "import govreport as gr\nr = gr.load_report({data!r}, 2022, {agency!r})\nr.title",
    "r.tables['3']",
    "r.charts['outcomes']",
    "r.narrative['summary']",
    "gr.check({data!r}, 2022)",
    "r",
    "display(r.results())",
    "r.results()['figures']['concluded']",
]


def test_a_notebook_of_the_public_api(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.format(data=str(DATA), agency=SEED))
                                         for c in CELLS])
    NotebookClient(nb, timeout=300, kernel_manager_class=SameEnvKernelManager,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    data = [[o.get("data", {}) for o in cell.outputs] for cell in nb.cells]
    (title,), (table,), (chart,), (summary,), (notice,), (whole,), (results,), (concluded,) = data
    assert title["text/html"] == "<h1>红寺堡区人民政府办公室2022年政府信息公开工作年度报告</h1>"
    assert 'data-cell="1:total">5</td>' in table["text/html"]
    assert 'data-cell="3.7:total">5</td>' in table["text/html"]
    assert chart["image/svg+xml"].startswith("<svg") and "（二）部分公开" in chart["image/svg+xml"]
    assert "image/svg+xml" not in table and chart["text/html"].startswith('<figure class="gr-chart"><svg')
    assert "新收政府信息公开申请5件，上年结转0件，办结5件，办结率100%" in summary["text/html"]
    assert "hongsibu-civil-affairs-bureau [W1]" in notice["text/html"]
    assert whole["text/html"].count('<figure class="gr-chart"><svg') == 2
    assert list(results) == [report.RESULTS_MIMETYPE] and results[report.RESULTS_MIMETYPE]["s3"]["1:total"] == 5
    assert concluded["text/plain"] == "5"
