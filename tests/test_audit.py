"""govreport audit: published reports imported in memory and checked like data/ (R7 across years, W1)."""
from __future__ import annotations

import shutil
from pathlib import Path

from govreport import cli

from test_import import SEED_TEXT


def _copy(built, tmp_path, year, aid) -> Path:
    path = tmp_path / f"{aid}-{year}.html"
    shutil.copy(built / str(year) / aid / "report.html", path)
    return path


def test_audit_lists_each_report_then_the_findings_including_r7_across_years(built, tmp_path, capsys):
    paths = [_copy(built, tmp_path, y, "hongsibu-edu-bureau") for y in (2021, 2022)]
    paths.append(_copy(built, tmp_path, 2022, "hongsibu-civil-affairs-bureau"))
    paths.append(SEED_TEXT)
    page = tmp_path / "audit.html"
    assert cli.main(["audit", *map(str, paths), "--html", str(page)]) == 0  # warnings only
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].endswith("红寺堡区教育局 2021: 0 error(s), 0 warning(s), 0 inferred cell(s)")
    assert lines[1].endswith("红寺堡区教育局 2022: 0 error(s), 1 warning(s), 0 inferred cell(s)")
    assert lines[2].endswith("红寺堡区民政局 2022: 0 error(s), 1 warning(s), 0 inferred cell(s)")
    assert lines[3].endswith("红寺堡区人民政府办公室 2022: 0 error(s), 0 warning(s), 2 inferred cell(s)")
    assert "R7" in out and "W1" in out and "三·二、上年结转政府信息公开申请数量·自然人 = 0 (lost; rule R2)" in out
    html = page.read_text(encoding="utf-8")
    assert "红寺堡区教育局" in html and "[R7]" in html and "推断数值" in html


def test_audit_without_the_year_before_has_no_r7_and_a_refused_report_fails(built, tmp_path, capsys):
    alone = _copy(built, tmp_path, 2022, "hongsibu-edu-bureau")
    broken = tmp_path / "broken.txt"
    broken.write_text(SEED_TEXT.read_text(encoding="utf-8").replace("三、收到和处理", "三、收到处理"), encoding="utf-8")
    assert cli.main(["audit", str(alone), str(broken)]) == 1
    out = capsys.readouterr().out
    assert "R7" not in out
    assert f"{broken}: REFUSED: section title “三、收到和处理政府信息公开申请情况” not found" in out


def test_audit_reports_a_broken_rule_as_an_error(built, tmp_path, capsys):
    page = _copy(built, tmp_path, 2022, "hongsibu-gov-office")
    page.write_text(page.read_text(encoding="utf-8").replace('data-cell="1:total">5<', 'data-cell="1:total">6<'),
                    encoding="utf-8")
    assert cli.main(["audit", str(page)]) == 1
    out = capsys.readouterr().out
    assert "2 error(s)" in out.splitlines()[0] and "R2 " in out and "R4 " in out  # row 一 and its column
