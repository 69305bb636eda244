"""The year's index page (govreport/index.py, templates/govreport/year_index.html.j2), from build states and
results written as a build writes them; the browser tests (test_browser.py) click through a real one."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from govreport import diff, index, outputs, pages

HOSTILE = '<script>alert("x")</script>&'


def finding(severity: str, message: str) -> dict:
    return {"rule": "R2" if severity == "error" else "W1", "severity": severity, "agency": "a", "cells": [],
            "expected": "1", "found": "2", "message": message, "rule_zh": "", "rule_en": ""}


def state(agency: str, status: str, findings=(), error: str = "") -> dict:
    return {"agency": agency, "status": status, "findings": list(findings), "error": error,
            "log": outputs.LOG if status == "failed" else "", "key": ""}


def year(tmp_path: Path) -> Path:
    """Three agencies: built (with two findings), failed (an error naming bad data), never built."""
    built, failed = tmp_path / "built", tmp_path / "failed"
    outputs.write_state(built, state("built", "built", [finding("error", f"甲{HOSTILE}"), finding("warning", "乙")]))
    outputs.write_results(built, {"figures": {"received": 12, "concluded": 10, "completion_rate": 10 / 12,
                                              "reviews": 0, "suits": None}})
    (built / outputs.REPORT).write_text("<html></html>", encoding="utf-8")
    outputs.write_state(failed, state("failed", "failed", error=f"section2.csv: {HOSTILE}"))
    return tmp_path


def rows(page: str) -> list[str]:
    return re.findall(r"<tr class=.*?</tr>", page, re.S)


def test_the_index_lists_every_agency_with_figures_checks_state_and_links(tmp_path):
    names = {"built": "甲局", "failed": "乙局", "never": f"丙局{HOSTILE}"}
    page = index.index_html(year(tmp_path), 2022, names)
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert "<h1>2022年政府信息公开工作年度报告（3个机关）</h1>" in page
    built, failed, never = rows(page)
    cells = re.findall(r'<td class="num" data-sort="([^"]*)">([^<]*)</td>', built)
    assert cells == [("12", "12"), ("10", "10"), (str(10 / 12), "83.3%"), ("0", "0"), ("-1", "—")]
    assert '<td data-sort="1002"><details><summary>1 错误，1 提示</summary>' in built
    assert '<li class="error">错误 [R2] 甲&lt;script&gt;' in built and '<li class="warning">提示 [W1] 乙</li>' in built
    assert '<a href="built/report.html">报告</a>' in built and outputs.LOG not in built
    assert 'class="failed"' in failed and "失败<br><small class=\"error\">section2.csv: &lt;script&gt;" in failed
    assert f'<a href="failed/{outputs.LOG}">错误日志</a>' in failed and "报告</a>" not in failed
    assert "未生成" in never and "通过" in never and "<a " not in never and "丙局&lt;script&gt;" in never
    assert page.count("<script>") == 1  # the sorting script, and nothing of the agencies' text
    assert "@font-face" in page  # its own font: webfont.embed


def test_write_index_writes_the_page_beside_the_agencies(tmp_path):
    path = index.write_index(year(tmp_path), 2022, {"built": "甲局"})
    assert path == tmp_path / outputs.INDEX and len(rows(path.read_text(encoding="utf-8"))) == 1


def test_the_index_and_diff_pages_are_the_templates_beside_the_reports(tmp_path, monkeypatch):
    """Both pages come from templates/govreport/*.j2 (a change there shows), whose values are escaped."""
    templates = Path(shutil.copytree(pages.TEMPLATES, tmp_path / "templates"))
    for name in ("year_index.html.j2", "diff.html.j2"):
        path = templates / "govreport" / name
        path.write_text(path.read_text(encoding="utf-8").replace("<body>", "<body><p>{{ '<edited>' }}</p>"),
                        encoding="utf-8")
    monkeypatch.setattr(pages, "TEMPLATES", templates)
    pages._environment.cache_clear()
    try:
        index_page = index.index_html(year(tmp_path), 2022, {"built": "甲局"})
        side = diff.Side("side", tmp_path)
        diff_page = diff.to_html(diff.Comparison(side, side, []))
    finally:
        pages._environment.cache_clear()
    assert "<body><p>&lt;edited&gt;</p>" in index_page and "<body><p>&lt;edited&gt;</p>" in diff_page
