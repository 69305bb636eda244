"""Real papermill + nbconvert runs of the report notebook on the shipped sample data."""
from __future__ import annotations

import base64
import re
import shutil
import sys
from io import BytesIO
from pathlib import Path

import nbformat
import pytest
from fontTools.ttLib import TTFont

from govreport import execute, webfont
from govreport import format as fmt
from govreport.cli import main

from conftest import SEED_AGENCY, make_agency_data

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = SEED_AGENCY.id


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["run", "--year", "2022", "--agency", SEED, "--data", str(DATA), "--out", str(out)]) == 0
    return out / "2022" / SEED


def cell_values(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-cell="([^"]+)"[^>]*>([^<]*)<', html))


def test_tables_hold_the_seed_numbers(seed_report):
    html = (seed_report / "report.html").read_text(encoding="utf-8")
    cells = cell_values(html)
    expected = make_agency_data()
    for row in fmt.S3_ROWS:
        for col in fmt.S3_COLUMNS:
            assert cells[f"{row}:{col}"] == str(expected.s3.loc[row, col]), (row, col)
    for code in fmt.S4_CELLS:
        assert cells[code] == "0"
    assert {k: cells[k] for k in ("normative_issued", "normative_repealed", "normative_in_force")} == \
        {"normative_issued": "3", "normative_repealed": "11", "normative_in_force": "14"}
    assert all(cells[c] == "0" for c in fmt.S2_CELLS if not c.startswith("normative"))


def test_six_section_titles_in_order_and_computed_narrative(seed_report):
    html = (seed_report / "report.html").read_text(encoding="utf-8")
    title = f"{SEED_AGENCY.name}2022年政府信息公开工作年度报告"
    assert html.index(title) < html.index(fmt.SECTION_TITLES["1"])
    positions = [html.index(fmt.SECTION_TITLES[k]) for k in "123456"]
    assert positions == sorted(positions)
    text = re.sub(r"<[^>]+>", "", html)
    for phrase in ("新收政府信息公开申请5件", "办结5件", "办结率100%"):
        assert phrase in text
    assert "hspzhfb123@163.com" in text and "0953-5098596" in text  # preamble contact details


def test_report_is_self_contained_and_small(seed_report):
    html = (seed_report / "report.html").read_text(encoding="utf-8")
    assert len(html.encode()) < 250_000  # with the embedded font (issue: under 250 KB)
    assert "<script" not in html and "<link" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert html.count("<svg") >= 2  # two charts, inline
    assert "In&nbsp;[" not in html and "jp-" not in html  # no prompts, no Jupyter chrome
    assert "sha256" in html and "papermill" in html and "nbconvert" in html  # provenance footer


def test_outputs_beside_report(seed_report):
    nb = nbformat.read(seed_report / "report.ipynb", as_version=4)
    assert nb.cells[1].metadata.tags == ["parameters"]
    assert (seed_report / "results.json").exists()
    assert not list(seed_report.glob(".*.tmp"))


def test_reports_are_byte_identical_across_builds(seed_report, tmp_path):
    assert main(["run", "--year", "2022", "--agency", SEED, "--data", str(DATA), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "2022" / SEED / "report.html").read_bytes() == (seed_report / "report.html").read_bytes()


def test_agency_text_is_escaped(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "2022" / "narrative" / SEED / "s5.md").write_text("问题<script>alert(1)</script>仍在。", encoding="utf-8")
    assert main(["run", "--year", "2022", "--agency", SEED, "--data", str(data), "--out", str(tmp_path / "o")]) == 0
    html = (tmp_path / "o" / "2022" / SEED / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html


def test_kernel_is_this_environment(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import sys; print(sys.executable)")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    out = execute.execute({"x": 2}, path)
    assert out.cells[-1].outputs[0].text.strip() == sys.executable


def test_findings_shown_and_strict_refuses(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    s3 = data / "2022" / "section3.csv"
    lines = s3.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(f"{SEED},1,"))
    lines[i] = lines[i].replace(f"{SEED},1,5,", f"{SEED},1,6,", 1)  # 自然人 6 but 总计 still 5: rule 2
    s3.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["run", "--year", "2022", "--agency", SEED, "--data", str(data)]
    assert main(args + ["--out", str(tmp_path / "o"), "--strict"]) == 1
    assert not (tmp_path / "o" / "2022" / SEED / "report.html").exists()
    assert main(args + ["--out", str(tmp_path / "o")]) == 0
    html = (tmp_path / "o" / "2022" / SEED / "report.html").read_text(encoding="utf-8")
    assert 'class="gr-notice gr-error"' in html and "R2" in html
    assert "R2" in capsys.readouterr().out


def test_embedded_font_has_every_character_of_the_page_and_its_charts(seed_report):
    html = (seed_report / "report.html").read_text(encoding="utf-8")
    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", html).group(1)
    cmap = TTFont(BytesIO(base64.b64decode(data))).getBestCmap()
    chart_text = "".join(re.findall(r"<text[^>]*>([^<]*)</text>", html))
    assert chart_text and "年" in chart_text
    missing = {c for c in webfont.page_text(html) + chart_text if c.isprintable() and ord(c) not in cmap}
    assert not missing
