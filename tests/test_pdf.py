"""Reports published as PDF: printed by real headless Chromium, read back with poppler's pdftotext/pdfinfo."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from govreport import format as fmt
from govreport import build, config, pdf
from govreport.cli import main

from conftest import SEED_AGENCY, make_agency_data, require

DATA = Path(__file__).resolve().parent.parent / "data"
TITLE = fmt.TITLE.format(name=SEED_AGENCY.name, year=2022, form="年")


def poppler(tool: str, *args: str) -> str:
    require(shutil.which(tool), tool, "sudo apt-get install -y poppler-utils")
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory) -> Path:
    """The seed agency's report, built with papermill, printed to report.pdf beside it."""
    require(pdf.available() is None, "Chromium", pdf.INSTALL)
    out = tmp_path_factory.mktemp("out")
    assert main(["run", "--year", "2022", "--agency", SEED_AGENCY.id, "--data", str(DATA), "--out", str(out)]) == 0
    html = out / "2022" / SEED_AGENCY.id / "report.html"
    pdf.write_pdf(html, html.with_suffix(".pdf"))
    return html.with_suffix(".pdf")


def pages(path: Path) -> list[str]:
    """The text of each page, laid out as printed."""
    return poppler("pdftotext", "-layout", str(path), "-").split("\f")[:-1]


def test_a4_pdf_beside_the_report_written_atomically(report_pdf):
    info = poppler("pdfinfo", str(report_pdf))
    assert re.search(r"Page size:\s+595\.\d+ x 84[12]\.\d+ pts \(A4\)", info), info
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 2
    assert not list(report_pdf.parent.glob(".*.tmp"))


def test_title_heads_the_first_page_and_pages_are_numbered(report_pdf):
    text = pages(report_pdf)
    assert text[0].strip().splitlines()[0].strip() == TITLE
    for number, page in enumerate(text, 1):
        assert re.sub(r"\s", "", page.rstrip().splitlines()[-1]) == f"—{number}—"


def test_six_section_titles_in_order(report_pdf):
    text = "".join(pages(report_pdf))
    positions = [text.find(fmt.SECTION_TITLES[k]) for k in "123456"]
    assert -1 not in positions and positions == sorted(positions)


def test_section3_holds_the_seed_numbers_on_one_page(report_pdf):
    """Each of the 25 rows: its 7 numbers at the end of a line, in the table's order, all on one page."""
    expected = make_agency_data().s3
    rows = [[str(expected.loc[r, c]) for c in fmt.S3_COLUMNS] for r in fmt.S3_ROWS]
    for page in pages(report_pdf):
        if fmt.SECTION_TITLES["3"] in page:
            section = page[page.index(fmt.SECTION_TITLES["3"]):].split(fmt.SECTION_TITLES["4"])[0]
            found = [m.split() for m in re.findall(r"((?:\s+\d+){7})\s*$", section, flags=re.M)]
            assert found == rows
            return
    pytest.fail("section 三 not found")


def test_missing_engine_fails_at_once_with_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVREPORT_CHROMIUM", str(tmp_path / "no-such-chromium"))
    assert pdf.available() == pdf.INSTALL
    html = tmp_path / "report.html"
    html.write_text("<!DOCTYPE html><title>t</title><p>政府信息公开</p>", encoding="utf-8")
    with pytest.raises(RuntimeError, match=re.escape(pdf.INSTALL)):
        pdf.write_pdf(html, tmp_path / "report.pdf")
    assert not (tmp_path / "report.pdf").exists()


def test_one_printer_prints_many(report_pdf, tmp_path):
    html = report_pdf.with_suffix(".html")
    with pdf.PdfPrinter() as printer:
        for name in ("a.pdf", "b.pdf"):
            printer.print(html, tmp_path / name)
    assert [pages(tmp_path / n) for n in ("a.pdf", "b.pdf")] == [pages(report_pdf)] * 2


def test_a_pdf_that_cannot_be_written_fails_that_agency_only(tmp_path):
    """A directory where one report's PDF should go: that agency fails after its page was built, naming the PDF
    and the file; the other agency's PDF is printed."""
    require(pdf.available() is None, "Chromium", pdf.INSTALL)
    agencies = [SEED_AGENCY.id, "hongsibu-edu-bureau"]
    out = tmp_path / "out"
    (out / "2022" / agencies[0] / "report.pdf").mkdir(parents=True)
    settings = config.load(None, 2022, data_dir=DATA, output_dir=out, agencies=agencies, jobs=2, pdf=True)
    outcomes = {o.agency: o for o in build.build(settings, stream=io.StringIO())}
    assert outcomes[agencies[0]].status == "failed"
    assert outcomes[agencies[0]].error.startswith("PDF: ") and "report.pdf" in outcomes[agencies[0]].error
    assert outcomes[agencies[1]].status == "built" and (out / "2022" / agencies[1] / "report.pdf").is_file()
