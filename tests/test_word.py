"""report.docx (govreport/word.py): opened with python-docx, read by LibreOffice, built by the build."""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import lxml.html
import pytest
from docx.oxml.ns import qn

from govreport import build, checks, config, outputs, region, tables, word
from govreport import report as report_module
from govreport import format as fmt
from govreport.cli import main
from govreport.report import SUMMARY_TITLE, Report

from conftest import make_agency_data, require, soffice

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
AGENCY = "hongsibu-gov-office"
PROVENANCE = {"notebook": {"path": "agency_report.ipynb", "sha256": "ab" * 32}, "files": ["2022/agencies.csv"],
              "data": {"2022": "cd" * 32}, "parameters": {"agency_id": "x", "data_dir": "data"},
              "versions": {"govreport": "0.1.0"}}


def distinct():
    """An agency whose every entered cell holds its own number (a misplaced cell cannot go unseen); the totals
    follow from them, and a wrong 四 (R4) gives the report a notice."""
    applicant_columns = fmt.S3_APPLICANT_COLUMNS
    entered = [r for r in fmt.S3_ROWS if r != "3.7"]
    s3 = {(r, c): 1 + i * len(applicant_columns) + j for i, r in enumerate(entered)
          for j, c in enumerate(applicant_columns)}
    s2 = {code: 300 + i for i, code in enumerate(fmt.S2_CELLS)} | {"fees_amount": 12.345}
    s4 = {code: 500 + i for i, code in enumerate(fmt.S4_CELLS) if not code.endswith("_total")}
    return make_agency_data(s2=s2, s3=s3, s4=s4)


@pytest.fixture(scope="module")
def report() -> Report:
    cur = distinct()
    return Report(cur, None, checks.check_agency(cur, None))


@pytest.fixture(scope="module")
def document(report) -> bytes:
    return word.document(report, PROVENANCE)


def opened(data: bytes):
    return docx.Document(io.BytesIO(data))


def docx_grid(table) -> dict[tuple[int, int], tuple[str, int, int]]:
    """(row, column) of each cell's top left -> (text, rows, columns), read from the XML itself: w:gridSpan
    across, w:vMerge restart/continue down."""
    origins: dict[tuple[int, int], list] = {}
    below: dict[int, tuple[int, int]] = {}  # column -> the origin a continued vMerge extends
    for r, tr in enumerate(table._tbl.tr_lst):
        c = 0
        for tc in tr.tc_lst:
            span = int(tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val"))) \
                if tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}") is not None else 1
            merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                origins[below[c]][1] += 1
            else:
                origins[(r, c)] = ["".join(p.text for p in tc.iter(qn("w:t"))), 1, span]
                below[c] = (r, c)
            c += span
    return {k: tuple(v) for k, v in origins.items()}


def html_grid(html: str) -> dict[tuple[int, int], tuple[str, int, int]]:
    """The same of the report page's HTML table (tables.py), placed as a browser places it."""
    taken, out = set(), {}
    for r, tr in enumerate(lxml.html.fromstring(html).iter("tr")):
        c = 0
        for cell in tr.iterchildren("th", "td"):
            while (r, c) in taken:
                c += 1
            rows, cols = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            out[(r, c)] = (cell.text_content(), rows, cols)
            taken |= {(r + i, c + j) for i in range(rows) for j in range(cols)}
            c += cols
    return out


def row_values(grid, label: str) -> list[str]:
    """The numbers of the body row labelled `label`, left to right (cells spanning columns once)."""
    (row, column), = [k for k, (text, _, _) in grid.items() if text == label]
    return [text for (r, c), (text, _, _) in sorted(grid.items()) if r == row and c > column]


# ---------------------------------------------------------------- the tables
def test_the_tables_have_the_published_layout_cell_for_cell(report, document):
    """Each Word table has the cells of the page's table (tables.py): same text, same place, same merges."""
    word_tables = opened(document).tables
    assert len(word_tables) == 3
    for table, html in zip(word_tables, (tables.section2_html, tables.section3_html, tables.section4_html)):
        assert docx_grid(table) == html_grid(html(report.cur))


def test_every_value_sits_in_its_labelled_row_and_column(report, document):
    s2, s3, s4 = map(docx_grid, opened(document).tables)
    cur = report.cur
    for leaf in fmt.leaves(fmt.S3_ROW_TREE):
        assert row_values(s3, leaf.label) == [str(cur.s3.loc[leaf.code, c]) for c in fmt.S3_COLUMNS], leaf.label
    for block in fmt.S2_BLOCKS:
        for r in block.rows:
            want = [str(cur.s2[code]) if code not in fmt.S2_AMOUNT_CELLS else "12.345"
                    for code, row, _ in block.cells() if row == r]
            assert row_values(s2, r.label) == want
    numbers = [text for (r, _), (text, _, _) in sorted(s4.items()) if r == max(r for r, _ in s4)]
    assert numbers == [str(cur.s4[code]) for code in fmt.S4_CELLS]
    assert "12.345" in {text for text, _, _ in s2.values()} and "503" in {text for text, _, _ in s4.values()}


def test_header_cells_merge_as_format_trees_say(document):
    """A header node with children spans its leaves; a leaf reaches down (columns) or across (rows) to the
    tree's depth: gridSpan and vMerge in the XML, at the places format.py's trees give."""
    _, s3, s4 = map(docx_grid, opened(document).tables)

    def expected(tree, across: bool, first: int, offset: int) -> dict:
        """(row, column) -> (label, rows, columns) of a column tree (across) or a row tree."""
        depth, out = max(n.depth() for n in tree), {}

        def walk(nodes, level, start):
            for node in nodes:
                length = len(node.leaves())
                extent = (length, 1) if node.children else (1, depth - level)
                place = (first + level, offset + start) if across else (first + start, offset + level)
                out[place] = (node.label, *(extent[::-1] if across else extent))
                walk(node.children, level + 1, start)
                start += length

        walk(tree, 0, 0)
        return out

    applicants = (fmt.Node("applicants", fmt.S3_COLUMN_HEADER, fmt.S3_COLUMN_TREE),)
    label_columns, header_rows = max(n.depth() for n in fmt.S3_ROW_TREE), applicants[0].depth()
    for want, grid in ((expected(applicants, True, 0, label_columns), s3),
                       (expected(fmt.S3_ROW_TREE, False, header_rows, 0), s3),
                       (expected(fmt.S4_TREE, True, 0, 0), s4)):
        assert {k: grid[k] for k in want} == want
    assert s3[(0, 0)] == (fmt.S3_CORNER, header_rows, label_columns)


# ---------------------------------------------------------------- the document
def test_title_notice_preamble_sections_and_sentences_in_order(report, document):
    doc = opened(document)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == report.title and doc.paragraphs[0].style.name == "GR Title"
    assert checks.has_errors(report.findings)
    assert any(f"[{f.rule}] {f.rule_zh}：{f.message}" in t for f in report.findings for t in texts)
    headings = [p.text for p in doc.paragraphs if p.style.name == "GR Heading"]
    assert headings == list(fmt.SECTION_TITLES.values())
    for key in fmt.NARRATIVE_SECTIONS:
        assert report.cur.narrative[key] in texts
    summary = texts.index(SUMMARY_TITLE)
    assert texts[summary + 1:summary + 1 + len(report.sentences)] == report.sentences
    assert texts.index(fmt.SECTION_TITLES["1"]) < summary < texts.index(fmt.SECTION_TITLES["2"])
    assert "报告生成信息" in texts[-1] and "cd" * 32 in texts[-1]


def test_a4_gongwen_margins_fonts_and_page_numbers(document):
    doc = opened(document)
    section = doc.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin]
    assert [round(size.mm, 1) for size in sizes] == [210, 297, 37, 35, 28, 26]  # A4; GB/T 9704's margins

    def east_asian(style) -> str:
        return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asian(doc.styles["GR Body"]) == "仿宋_GB2312" and doc.styles["GR Body"].font.size.pt == 16
    assert east_asian(doc.styles["GR Title"]) == "方正小标宋简体" and east_asian(doc.styles["GR Heading"]) == "黑体"
    with zipfile.ZipFile(io.BytesIO(document)) as z:
        fonts = z.read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    footer = section.footer._element
    assert [t.text for t in footer.iter(qn("w:instrText"))] == [" PAGE "]
    assert [f.get(qn("w:fldCharType")) for f in footer.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]


def test_charts_are_pictures_at_print_resolution(report, document):
    with zipfile.ZipFile(io.BytesIO(document)) as z:
        pictures = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    assert len(pictures) == 2
    from PIL import Image
    for png in pictures:
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width >= 7 * word.DPI - 2  # a 7-inch chart at DPI
        assert "Software" not in image.info
    assert not [n for n in zipfile.ZipFile(io.BytesIO(word.document(report, charts=False))).namelist()
                if n.startswith("word/media/")]


def test_the_same_report_gives_the_same_bytes_and_no_clock(report, document):
    assert word.document(report, PROVENANCE) == document
    with zipfile.ZipFile(io.BytesIO(document)) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml"
    props = opened(document).core_properties
    assert props.created.year == props.modified.year == 2023 and props.author == "govreport"
    assert props.title == report.title


# ---------------------------------------------------------------- LibreOffice reads it
def test_libreoffice_prints_the_title_sections_and_table_labels(report, document, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(document)
    printed = soffice(source, tmp_path)
    require(shutil.which("pdftotext"), "pdftotext", "sudo apt-get install -y poppler-utils")
    text = subprocess.run(["pdftotext", "-raw", str(printed), "-"], check=True, capture_output=True,
                          text=True).stdout
    info = subprocess.run(["pdfinfo", str(printed)], check=True, capture_output=True, text=True).stdout
    assert "595.3" in info and "841.8" in info  # A4 in points
    flat = words(text)
    labels = [n.label for tree in (fmt.S3_ROW_TREE, fmt.S3_COLUMN_TREE, fmt.S4_TREE) for n in _nodes(tree)]
    labels += [b.heading for b in fmt.S2_BLOCKS] + [n.label for b in fmt.S2_BLOCKS for n in (*b.rows, *b.columns)]
    for wanted in [report.title, *fmt.SECTION_TITLES.values(), fmt.S3_CORNER, fmt.S3_COLUMN_HEADER, *labels]:
        assert words(wanted) in flat, wanted


def words(text: str) -> str:
    """Letters, digits and Chinese characters only: LibreOffice sets “” and digits in a Latin font where the
    named Chinese font is missing, and pdftotext -raw then gives them apart from the characters around them."""
    return "".join(re.findall(r"\w", text))


def _nodes(tree):
    for node in tree:
        yield node
        yield from _nodes(node.children)


# ---------------------------------------------------------------- in a build
def test_docx_flag_builds_incrementally_and_reproducibly(tmp_path, capsys):
    """--docx writes report.docx beside report.html; unchanged, nothing is rebuilt; a build without --docx
    neither makes nor deletes one; a missing or older document rebuilds the report; two builds, same bytes."""
    out = tmp_path / "out"

    def run(*more):
        code = main(["run", "--year", "2022", "--agency", AGENCY, "--data", str(DATA), "--out", str(out), *more])
        return code, re.search(r"^2022: 1 (\w+) of 1$", capsys.readouterr().out, flags=re.M).group(1)

    target = out / "2022" / AGENCY
    assert run("--docx") == (0, "built")
    made = (target / outputs.DOCX).read_bytes()
    doc = opened(made)
    assert doc.paragraphs[0].text == report_module.load(DATA, 2022, AGENCY).title
    assert "data_dir=data" in doc.paragraphs[-1].text and str(DATA) not in doc.paragraphs[-1].text
    assert run("--docx") == (0, "skipped")
    assert run() == (0, "skipped") and (target / outputs.DOCX).read_bytes() == made
    assert run("--force") == (0, "built") and (target / outputs.DOCX).read_bytes() == made  # kept, now older
    assert run("--docx") == (0, "built")  # the page is newer than the document: made again
    assert (target / outputs.DOCX).stat().st_mtime_ns >= (target / outputs.REPORT).stat().st_mtime_ns
    (target / outputs.DOCX).unlink()
    assert run() == (0, "skipped") and not (target / outputs.DOCX).exists()
    assert run("--docx") == (0, "built") and (target / outputs.DOCX).read_bytes() == made  # another build, same bytes
    (target / outputs.DOCX).unlink()  # the same settings as the last build: its plan is remembered, not redone
    assert run("--docx") == (0, "built") and (target / outputs.DOCX).read_bytes() == made


def test_docx_true_in_params_and_the_regions_document(tmp_path):
    """`docx: true` in a params file makes each report's document, the region's as region.docx beside
    region.html; `docx: "true"` is refused."""
    params = tmp_path / "params.yaml"
    params.write_text(f"year: 2022\ndata_dir: {DATA}\noutput_dir: {tmp_path / 'out'}\ndocx: true\n", encoding="utf-8")
    settings = config.load(params, None)
    assert settings.docx
    todo = build.plan(settings)
    assert all(t.docx for t in todo.tasks)
    task = todo.tasks[-1]
    assert task.agency == outputs.REGION_DIR
    assert build.run_task(task).status == "built"
    year_dir = tmp_path / "out" / "2022"
    doc = opened((year_dir / outputs.REGION_DOCX).read_bytes())
    the_region = region.load(DATA, 2022)
    assert doc.paragraphs[0].text == the_region.title
    s3 = docx_grid(doc.tables[1])
    assert row_values(s3, fmt.S3_ROW_LABELS["1"]) == [str(the_region.cur.s3.loc["1", c]) for c in fmt.S3_COLUMNS]
    assert (year_dir / outputs.REGION_REPORT).is_file() and not (year_dir / outputs.REGION_DIR / outputs.DOCX).exists()
    params.write_text('year: 2022\ndocx: "true"\n', encoding="utf-8")
    with pytest.raises(Exception, match="docx"):
        config.load(params, None)


def test_a_document_that_cannot_be_written_fails_that_agency_only(tmp_path, capsys):
    """A directory where report.docx goes: that agency fails, naming the file; the other is built."""
    out = tmp_path / "out"
    blocked, fine = AGENCY, "hongsibu-edu-bureau"
    (out / "2022" / blocked / outputs.DOCX).mkdir(parents=True)
    code = main(["build", "--year", "2022", "--data", str(DATA), "--out", str(out), "--agency", blocked,
                 "--agency", fine, "--docx", "-j", "2"])
    printed = capsys.readouterr().out
    assert code == 1 and "2022: 1 built, 1 failed of 2" in printed
    assert f"FAILED {blocked}: cannot write {out / '2022' / blocked / outputs.DOCX}: Is a directory" in printed
    assert (out / "2022" / fine / outputs.DOCX).is_file()
    state = json.loads((out / "2022" / blocked / outputs.STATE).read_text(encoding="utf-8"))
    assert state["status"] == "failed" and outputs.DOCX in state["error"]
