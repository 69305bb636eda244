"""govreport diff: comparisons of results, and real builds of git revisions of a temporary copy of this project."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from govreport import diff
from govreport.cli import main

ROOT = Path(__file__).resolve().parent.parent
CHANGED, OTHER = "hongsibu-gov-office", "hongsibu-edu-bureau"
SCOPE = ["--year", "2022", "--agency", CHANGED, "--agency", OTHER]  # two reports keep the builds quick
ROW1 = "hongsibu-gov-office,1,5,0,0,0,0,0,5"  # section3.csv: its row 一 (新收申请), 总计 last
PHRASE, REWORDED = "新收政府信息公开申请", "新受理政府信息公开申请"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True).stdout


def run_diff(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["diff", *argv])
    return code, out.getvalue()


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """This project in a new git repository: HEAD~1 as it is, HEAD with one number changed (row 一 总计 of one
    agency, 5 -> 6), and an uncommitted rewording of a narrative template in the working tree."""
    root = tmp_path_factory.mktemp("repo")
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, root / name)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "sample")
    csv = root / "data" / "2022" / "section3.csv"
    text = csv.read_text(encoding="utf-8")
    assert text.count(ROW1) == 1
    csv.write_text(text.replace(ROW1, ROW1[:-1] + "6"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "one number")
    narrative = root / "govreport" / "narrative.py"
    source = narrative.read_text(encoding="utf-8")
    assert PHRASE in source
    narrative.write_text(source.replace(PHRASE, REWORDED), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def number_change(repo, tmp_path_factory) -> tuple[int, str, Path]:
    out = tmp_path_factory.mktemp("number")
    code, text = run_diff("HEAD~1", "HEAD", "--repo", str(repo), *SCOPE, "--html", str(out / "diff.html"),
                          "--keep", str(out / "builds"), "--exit-code")
    return code, text, out


@pytest.fixture(scope="module")
def template_change(repo, tmp_path_factory) -> tuple[int, str, Path]:
    out = tmp_path_factory.mktemp("template")
    code, text = run_diff("HEAD", diff.WORKTREE, "--repo", str(repo), *SCOPE, "--html", str(out / "diff.html"),
                          "--keep", str(out / "builds"))
    return code, text, out


def reports(builds: Path) -> list[diff.ReportDiff]:
    return diff.compare(diff.load(builds / "old"), diff.load(builds / "new"))


def sentences(builds: Path, side: str, agency: str) -> list[str]:
    return json.loads((builds / side / "2022" / agency / "results.json").read_text(encoding="utf-8"))["sentences"]


def test_one_number_changed_names_that_agency_cell_and_sentences(number_change):
    code, text, out = number_change
    assert code == 1  # --exit-code: something changed
    changed = [r for r in reports(out / "builds") if r.status != "unchanged"]
    assert [r.agency for r in changed] == [CHANGED]
    r = changed[0]
    assert r.cells == [diff.Cell("s3", "1:total", 5, 6)]
    assert r.cells[0].labels == ("一、本年新收政府信息公开申请数量", "总计")
    old, new = sentences(out / "builds", "old", CHANGED), sentences(out / "builds", "new", CHANGED)
    assert {s for pair in r.sentences for s in pair if s} == set(old) ^ set(new)
    assert (f"2022年，本机关{PHRASE}5件" in r.sentences[0][0]) and (f"{PHRASE}6件" in r.sentences[0][1])
    assert r.findings_added and not r.findings_removed  # row 一's 总计 no longer adds up (rules R2, R4)
    assert all("一、本年新收政府信息公开申请数量" in " ".join(f["cells"]) for f in r.findings_added)
    assert r.charts == ["图1（一、总体情况） changed"]  # the year-on-year chart shows 新收申请; the outcomes chart does not

    assert "1 of 2 reports change; 1 table cell, " in text
    assert "cell      三·一、本年新收政府信息公开申请数量·总计: 5 → 6" in text
    assert f"  = {OTHER} 红寺堡区教育局: unchanged" in text
    assert sum(OTHER in line for line in text.splitlines()) == 1  # an unchanged agency is one line
    for old_sentence, new_sentence in r.sentences:
        assert f"− {old_sentence}" in text and f"+ {new_sentence}" in text


def test_the_page_puts_the_summary_first_and_unchanged_agencies_on_one_line(number_change):
    html = (number_change[2] / "diff.html").read_text(encoding="utf-8")
    assert html.index("1 of 2 reports change") < html.index("<section")
    assert html.count("<section") == 1 and html.count('<p class="same">') == 1
    assert "<td>一、本年新收政府信息公开申请数量</td><td>总计</td>" in html
    assert '<ins>6</ins>' in html and '<del>5</del>' in html  # the sentence's changed characters
    assert 'href="builds/new/2022/hongsibu-gov-office/report.html"' in html  # kept builds are linked


def test_template_change_lists_every_agencys_changed_sentence(template_change):
    code, text, out = template_change
    assert code == 0  # no --exit-code
    found = reports(out / "builds")
    assert {r.agency for r in found} == {CHANGED, OTHER}
    for r in found:
        old = sentences(out / "builds", "old", r.agency)
        expected = [(s, s.replace(PHRASE, REWORDED)) for s in old if PHRASE in s]
        assert expected and r.sentences == expected
        assert not r.cells and not r.charts and not r.findings_added and not r.findings_removed
        assert all(f"+ {new}" in text for _, new in expected)
    assert "2 of 2 reports change; 2 sentences" in text


def test_identical_builds_show_no_changes(number_change, template_change, tmp_path):
    # two separate builds of the same commit (the number change), each made by one of the comparisons above
    first, second = number_change[2] / "builds" / "new", template_change[2] / "builds" / "old"
    code, text = run_diff(str(first), str(second), "--html", str(tmp_path / "diff.html"), "--exit-code")
    assert code == 0
    assert "no changes: 2 reports compared, all identical" in text
    assert "no changes" in (tmp_path / "diff.html").read_text(encoding="utf-8")


def test_neither_directory_nor_revision_is_an_error(repo, tmp_path, capsys):
    assert main(["diff", "no-such-branch", "HEAD", "--repo", str(repo), "--html", ""]) == 2
    assert "no-such-branch is neither a build output directory" in capsys.readouterr().err
    assert diff.is_output_dir(repo) is False


def results(name: str = "甲局", cells: dict | None = None, sentences=(), findings=(), charts=()) -> dict:
    return {"name": name, "s2": {"fees_amount": 1.5}, "s3": {"1:natural": 1, "1:total": 1, **(cells or {})},
            "s4": {"review_total": 0}, "sentences": list(sentences), "findings": list(findings),
            "charts": list(charts)}


def test_compare_pairs_sentences_and_sets_findings_apart():
    finding = {"rule": "R2", "severity": "error", "message": "不相等", "cells": []}
    old = {(2022, "a"): results(sentences=["甲", "乙", "丙"], findings=[finding], charts=[("图1", "x"), ("图2", "y")]),
           (2022, "gone"): results()}
    new = {(2022, "a"): results(cells={"1:natural": 2}, sentences=["甲", "乙二", "丁", "丙"], charts=[("图1", "x")]),
           (2023, "new"): results()}
    a, gone, added = diff.compare(old, new)  # by year, then agency
    assert (gone.agency, gone.status, added.agency, added.status) == ("gone", "removed", "new", "added")
    assert a.status == "changed" and a.cells == [diff.Cell("s3", "1:natural", 1, 2)]
    assert a.sentences == [("乙", "乙二"), (None, "丁")]
    assert a.findings_removed == [finding] and a.findings_added == []
    assert a.charts == ["图2 removed"]
    assert diff.summary([a, added, gone]) == ("3 of 3 reports change; 1 table cell, 2 sentences, 1 finding removed, "
                                              "1 chart, 1 report added, 1 report removed")
    assert diff.compare_report(2022, "a", results(), results()).status == "unchanged"
    assert diff.compare_report(2022, "a", results("甲局"), results("乙局")).renamed == ("甲局", "乙局")


def test_cell_labels_name_row_and_column():
    assert diff.cell_labels("s2", "fees_amount") == ("行政事业性收费", "本年收费金额（单位：万元）")
    assert diff.cell_labels("s3", "3.3.1:other") == ("（三）不予公开1.属于国家秘密", "法人或其他组织·其他")
    assert diff.cell_labels("s4", "direct_corrected") == ("行政诉讼·未经复议直接起诉", "结果纠正")


def test_chart_digests_follow_the_svg_not_matplotlibs_version_stamp(tmp_path):
    def notebook(path: Path, stamp: str, bar: str) -> Path:
        svg = f'<svg><metadata>{stamp}</metadata><path d="{bar}"/></svg>'
        cells = [{"cell_type": "code", "outputs": [
            {"output_type": "display_data", "data": {"text/html": ['<h2 id="s3">三、…</h2>']}},
            {"output_type": "display_data", "data": {"image/svg+xml": [svg]}}]}]
        path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
        return path

    a = diff.chart_digests(notebook(tmp_path / "a.ipynb", "Matplotlib v3.10", "M 0 0 L 1 1"))
    b = diff.chart_digests(notebook(tmp_path / "b.ipynb", "Matplotlib v3.11", "M 0 0 L 1 1"))
    c = diff.chart_digests(notebook(tmp_path / "c.ipynb", "Matplotlib v3.11", "M 0 0 L 2 2"))
    assert a == b and a[0][0] == "图1（三、收到和处理政府信息公开申请情况）"
    assert a[0][1] != c[0][1]
    assert diff.chart_digests(tmp_path / "missing.ipynb") is None


def test_the_agencys_own_text_is_compared_sentence_by_sentence():
    old, new = results(sentences=["甲"]), results(sentences=["甲"])
    old["text"] = ["一是加强培训；", "二是优化流程。"]
    new["text"] = ["一是加强培训；", "二是优化审核流程。"]
    d = diff.compare_report(2022, "a", old, new)
    assert d.status == "changed" and d.sentences == [("二是优化流程。", "二是优化审核流程。")]


def test_the_page_marks_what_changed_and_escapes_every_text(tmp_path):
    old, new = diff.Side("OLD <dir>", tmp_path / "old", problems="a <b> failed"), diff.Side("NEW", tmp_path / "new")
    (tmp_path / "new" / "2022" / "a").mkdir(parents=True)
    (tmp_path / "new" / "2022" / "a" / "report.html").write_text("<html></html>", encoding="utf-8")
    finding = {"rule": "R2", "severity": "error", "message": "<i>不相等</i>", "cells": []}
    changed = diff.compare_report(
        2022, "a", results("甲局", sentences=["收到5件。"], charts=[("图1", "x")]),
        results("甲局<script>", {"1:total": 2}, sentences=["收到6件<b>。"], findings=[finding], charts=[("图1", "y")]))
    same = diff.compare_report(2022, "b", results("乙局"), results("乙局"))
    page = diff.to_html(diff.Comparison(old, new, [changed, same]), tmp_path)
    assert "<script" not in page and "<b>" not in page and "<i>" not in page
    assert "<td>OLD &lt;dir&gt;</td>" in page and "<pre>a &lt;b&gt; failed</pre>" in page
    section = page[page.index("<section"):page.index("</section>")]
    assert 'class="changed" id="2022-a"' in section and '<a href="new/2022/a/report.html">NEW report</a>' in section
    assert "<del>甲局</del> → <ins>甲局&lt;script&gt;</ins>" in section
    assert ('<tr><td>三</td><td>一、本年新收政府信息公开申请数量</td><td>总计</td><td class="num">1</td>'
            '<td class="num">2</td><td><code>1:total</code></td></tr>') in section
    assert '<div class="removed">− 收到<del>5</del>件。</div>' in section
    assert '<div class="added">+ 收到<ins>6</ins>件<ins>&lt;b&gt;</ins>。</div>' in section
    assert '<li class="added">+ 错误 [R2] &lt;i&gt;不相等&lt;/i&gt;</li>' in section
    assert "<p>charts: 图1 changed</p>" in section
    assert '<p class="same">= 乙局 <code>b</code>: unchanged</p>' in page


def test_the_region_report_is_shown_as_region_and_linked_to_its_page(tmp_path):
    old, new = diff.Side("OLD", tmp_path / "old"), diff.Side("NEW", tmp_path / "new")
    page = tmp_path / "new" / "2022" / "region.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html></html>", encoding="utf-8")
    region = diff.compare_report(2022, "_region", results("全区"), results("全区", {"1:total": 2}))
    c = diff.Comparison(old, new, [region])
    assert "  ~ region 全区: 1 table cell" in diff.to_text(c)
    html = diff.to_html(c, tmp_path)
    assert "<code>region</code>" in html and '<a href="new/2022/region.html">NEW report</a>' in html
