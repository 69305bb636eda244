"""Reports as Word documents: report.docx for sign-off (审批), made with python-docx from the Report's parts.

Not a conversion of the HTML: the document is written from the same parts the page shows (title, check notice,
preamble, the six sections with their official titles, the agency's text and the computed sentences, the
three tables, the charts) and the page's provenance. The tables are real Word tables whose merged cells
follow format.py's trees as tables.py's HTML does (a node with children spans its leaves; a leaf stretches to
the tree's depth); the charts are PNG pictures at print resolution.

Page and type follow the usual 公文 layout (GB/T 9704-2012): A4, margins 37 mm top, 35 mm bottom, 28 mm left,
26 mm right; body in 仿宋_GB2312 三号 (16 pt), the title in 方正小标宋简体 二号, section titles in 黑体 三号;
page numbers in the footer (— 1 —). Fonts are named, with the east-Asian attribute set, and the font table
gives each a common alternative (仿宋, 宋体, 楷体) for machines without the GB2312 fonts.

Byte-identical for the same inputs: the document's properties carry no clock (created and modified on
1 January after the report's year, when such reports are written), the pictures no timestamp, and the zip
archive is rewritten with fixed entry dates in python-docx's own (stable) entry order.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from . import format as fmt
from . import narrative, ooxml
from .format import Node
from .report import NOTICE_HEADS, SEVERITY_WORDS, SUMMARY_TITLE, notice_kind

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

    from .dataset import AgencyData
    from .report import Report

PAGE = (Mm(210), Mm(297))  # A4
MARGINS = {"top_margin": Mm(37), "bottom_margin": Mm(35), "left_margin": Mm(28), "right_margin": Mm(26)}
TEXT_WIDTH = PAGE[0] - MARGINS["left_margin"] - MARGINS["right_margin"]
BODY, TITLE, HEADING, SUBHEADING = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"
ALTERNATIVES = {BODY: "仿宋", TITLE: "宋体", SUBHEADING: "楷体"}  # the font table's w:altName for each
DPI = 200  # the charts' pictures: print resolution at 150 mm wide
AUTHOR = "govreport"


@dataclass(frozen=True)
class Style:
    """One of our paragraph styles: its font, size (pt), alignment, first-line indent (pt) and outline level."""

    font: str
    size: float
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent: float = 0
    bold: bool = False
    outline: int | None = None
    exact: bool = True  # 28 pt lines (22 lines a page); False: single spacing (tables, pictures)
    boxed: bool = False  # in a red box, as the page's check notice


STYLES = {
    "GR Title": Style(TITLE, 22, WD_ALIGN_PARAGRAPH.CENTER, outline=0, exact=False),
    "GR Heading": Style(HEADING, 16, indent=32, outline=1),
    "GR Subheading": Style(SUBHEADING, 16, indent=32, bold=True, outline=2),
    "GR Body": Style(BODY, 16, indent=32),
    "GR Notice": Style(BODY, 12, exact=False, boxed=True),
    "GR Picture": Style(BODY, 10.5, WD_ALIGN_PARAGRAPH.CENTER, exact=False),
    "GR Table": Style(BODY, 9, WD_ALIGN_PARAGRAPH.CENTER, exact=False),
    "GR Table Label": Style(BODY, 9, WD_ALIGN_PARAGRAPH.LEFT, exact=False),
    "GR Note": Style(BODY, 9, WD_ALIGN_PARAGRAPH.LEFT, exact=False),
}


# ---------------------------------------------------------------- the tables' cells, as tables.py lays them out
@dataclass(frozen=True)
class Cell:
    """One table cell as the published layout merges it; kind: "head", "label", "block" or "num"."""

    text: str
    kind: str = "head"
    rowspan: int = 1
    colspan: int = 1


def _depth(tree: tuple[Node, ...]) -> int:
    return max(n.depth() for n in tree)


def _column_header(tree: tuple[Node, ...]) -> list[list[Cell]]:
    """Header rows for a column tree: a parent spans its leaves' columns, a leaf spans down to the last row."""
    depth = _depth(tree)
    rows: list[list[Cell]] = [[] for _ in range(depth)]

    def walk(n: Node, level: int) -> None:
        if n.children:
            rows[level].append(Cell(n.label, colspan=len(n.leaves())))
            for c in n.children:
                walk(c, level + 1)
        else:
            rows[level].append(Cell(n.label, rowspan=depth - level))

    for n in tree:
        walk(n, 0)
    return rows


def _row_labels(tree: tuple[Node, ...]) -> list[tuple[Node, list[Cell]]]:
    """(leaf, its label cells) per body row: a parent spans its leaves' rows (placed on the first of them),
    a leaf spans across to the last label column."""
    depth = _depth(tree)
    out: list[tuple[Node, list[Cell]]] = []
    pending: list[Cell] = []

    def walk(n: Node, level: int) -> None:
        if n.children:
            pending.append(Cell(n.label, "label", rowspan=len(n.leaves())))
            for c in n.children:
                walk(c, level + 1)
        else:
            out.append((n, [*pending, Cell(n.label, "label", colspan=depth - level)]))
            pending.clear()

    for n in tree:
        walk(n, 0)
    return out


def _number(value, amount: bool = False, colspan: int = 1) -> Cell:
    return Cell(narrative.wan(value) if amount else str(int(value)), "num", colspan=colspan)


def section2_cells(a: AgencyData) -> tuple[list[list[Cell]], int]:
    """Section 二's rows of cells (per block a heading row, a header row and its rows of numbers), and how
    many rows head the table (none: each block has its own)."""
    width = 1 + max(len(b.columns) for b in fmt.S2_BLOCKS)
    rows = []
    for block in fmt.S2_BLOCKS:
        fill = width - len(block.columns)  # the last column stretches to the table's width
        spans = [1] * (len(block.columns) - 1) + [fill]
        rows += [[Cell(block.heading, "block", colspan=width)],
                 [Cell(fmt.S2_ROW_HEADER)] + [Cell(c.label, colspan=s) for c, s in zip(block.columns, spans)]]
        for r in block.rows:
            codes = [code for code, row, _ in block.cells() if row == r]
            rows.append([Cell(r.label, "label")] + [
                _number(a.s2[code], code in fmt.S2_AMOUNT_CELLS, span) for code, span in zip(codes, spans)])
    return rows, 0


def section3_cells(a: AgencyData) -> tuple[list[list[Cell]], int]:
    """Section 三: the corner, 申请人情况 over the applicant columns, then 25 labelled rows × 7 numbers."""
    header = _column_header((Node("applicants", fmt.S3_COLUMN_HEADER, fmt.S3_COLUMN_TREE),))
    header[0].insert(0, Cell(fmt.S3_CORNER, "label", rowspan=len(header), colspan=_depth(fmt.S3_ROW_TREE)))
    body = [labels + [_number(a.s3.loc[row.code, c]) for c in fmt.S3_COLUMNS]
            for row, labels in _row_labels(fmt.S3_ROW_TREE)]
    return header + body, len(header)


def section4_cells(a: AgencyData) -> tuple[list[list[Cell]], int]:
    """Section 四: 行政复议 and 行政诉讼 (未经复议直接起诉, 复议后起诉) over one row of 15 numbers."""
    header = _column_header(fmt.S4_TREE)
    return header + [[_number(a.s4[code]) for code in fmt.S4_CELLS]], len(header)


TABLES = {"2": section2_cells, "3": section3_cells, "4": section4_cells}
LABEL_WIDTHS = {"2": (46,), "3": (12, 22, 46), "4": ()}  # mm of each label column; numbers share the rest


def place(rows: list[list[Cell]]) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of each cell, placed as a browser places an HTML table's: each cell goes to the
    first slot of its row that no cell above spans into."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            taken |= {(r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan)}
            c += cell.colspan
    return out


# ---------------------------------------------------------------- the document
def document(report: Report, provenance: dict | None = None, charts: bool = True) -> bytes:
    """The report as a .docx file's bytes: the same for the same report, provenance and charts setting."""
    doc = Document()
    _page(doc)
    _styles(doc)
    _body(doc, report, charts)
    if provenance:
        doc.add_paragraph(provenance_line(provenance), style="GR Note")
    year = dt.datetime(report.cur.year + 1, 1, 1, tzinfo=dt.timezone.utc)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = str(report.title), AUTHOR, AUTHOR
    props.created = props.modified = props.last_printed = year
    props.revision, props.comments, props.subject, props.keywords = 1, "", "", ""
    saved = io.BytesIO()
    doc.save(saved)
    return ooxml.fixed(saved.getvalue(), year)


def _body(doc: DocumentObject, r: Report, charts: bool) -> None:
    """The parts in the order of the report page (Report.parts)."""
    doc.add_paragraph(str(r.title), style="GR Title")
    if r.findings:
        _notice(doc, r.findings)
    _paragraphs(doc, narrative.preamble(r.cur.agency, r.cur.year, r.title_form))
    _text_section(doc, r, "1")
    doc.add_paragraph(SUMMARY_TITLE, style="GR Subheading")
    for sentence in r.sentences:
        doc.add_paragraph(sentence, style="GR Body")
    if charts:
        _picture(doc, r.charts["yoy"].figure())
    for key in TABLES:
        doc.add_paragraph(fmt.SECTION_TITLES[key], style="GR Heading")
        _table(doc, key, *TABLES[key](r.cur))
        if key == "3" and charts:
            _picture(doc, r.charts["outcomes"].figure())
    _text_section(doc, r, "5")
    _text_section(doc, r, "6")


def _text_section(doc: DocumentObject, r: Report, key: str) -> None:
    doc.add_paragraph(fmt.SECTION_TITLES[key], style="GR Heading")
    _paragraphs(doc, r.cur.narrative[key])


def _paragraphs(doc: DocumentObject, text: str) -> None:
    for paragraph in narrative.paragraphs(text):
        doc.add_paragraph(paragraph, style="GR Body")


def _notice(doc: DocumentObject, findings: list) -> None:
    """The check notice: its head, then one line a finding, in one red box (the style's border, which Word
    draws around consecutive paragraphs as one)."""
    lines = [NOTICE_HEADS[notice_kind(findings)]]
    lines += [f"{SEVERITY_WORDS[f.severity]} [{f.rule}] {f.rule_zh}：{f.message}" for f in findings]
    for i, line in enumerate(lines):
        doc.add_paragraph(style="GR Notice").add_run(line).bold = i == 0


def _picture(doc: DocumentObject, figure) -> None:
    """A chart as a PNG picture at DPI, without the PNG's software tag (nothing in it but the drawing)."""
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    doc.add_paragraph(style="GR Picture").add_run().add_picture(png, width=Mm(150))


def _table(doc: DocumentObject, key: str, rows: list[list[Cell]], header_rows: int) -> None:
    """A section's table: its cells placed and merged as the published layout; head rows repeat on each page."""
    placed = place(rows)
    width = max(c + cell.colspan for _, c, cell in placed)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    labels = [Mm(w) for w in LABEL_WIDTHS[key]]
    number = (TEXT_WIDTH - sum(labels)) // (width - len(labels))
    widths = labels + [number] * (width - len(labels))
    for column, size in zip(table.columns, widths):
        column.width = size
    slots = [list(row.cells) for row in table.rows]  # before merging: table.cell() recounts the grid each call
    for row in slots:
        for cell, size in zip(row, widths):
            cell.width = size
    for r in range(header_rows):
        table.rows[r]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    style_ids = {kind: doc.styles["GR Table Label" if kind == "label" else "GR Table"].style_id
                 for kind in ("head", "label", "block", "num")}
    for r, c, cell in placed:
        target = slots[r][c]
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(slots[r + cell.rowspan - 1][c + cell.colspan - 1])
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = target.paragraphs[0]
        paragraph._p.style = style_ids[cell.kind]  # by id: Paragraph.style looks the default style up each time
        paragraph.add_run(cell.text).bold = cell.kind in ("head", "block")


def provenance_line(prov: dict) -> str:
    """The page footer's provenance, in one line: data digests, files, parameters, notebook, versions."""
    data = "；".join(f"{year}年数据 sha256 {digest}" for year, digest in prov["data"].items())
    parameters = " ".join(f"{k}={v}" for k, v in prov["parameters"].items())
    versions = " · ".join(f"{k} {v}" for k, v in prov["versions"].items())
    return (f"报告生成信息（Provenance）：{data}；文件 {', '.join(prov['files'])}；参数 {parameters}；"
            f"笔记本 {prov['notebook']['path']} sha256 {prov['notebook']['sha256']}；软件版本 {versions}")


def _page(doc: DocumentObject) -> None:
    """A4 with 公文 margins; the page number, — 1 —, centred in the footer (a PAGE field)."""
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE
    for name, size in MARGINS.items():
        setattr(section, name, size)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    run = footer.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    footer.add_run(" —")
    for r in footer.runs:
        _fonts(r._r.get_or_add_rPr(), BODY)
        r.font.size = Pt(14)  # 四号, as 公文 number their pages


def _fonts(rpr, name: str) -> None:
    """Name the font of a run or style for Chinese (w:eastAsia) and for the rest alike: quotation marks and
    digits in the same face as the text around them (LibreOffice ignores w:hint="eastAsia", and would set
    “” in a Latin font)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]  # no theme fonts: they would win over the names
    for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attribute}"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _styles(doc: DocumentObject) -> None:
    """Our paragraph styles (STYLES), Normal in the body font, and the font table's alternatives."""
    normal = doc.styles["Normal"]
    _fonts(normal.element.get_or_add_rPr(), BODY)
    normal.font.size = Pt(16)
    for name, spec in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        _fonts(style.element.get_or_add_rPr(), spec.font)
        style.font.size, style.font.bold = Pt(spec.size), spec.bold
        style.font.color.rgb = RGBColor(0, 0, 0)
        if spec.boxed:  # first: w:pBdr precedes the spacing, indents and alignment python-docx adds in order
            borders = "".join(f'<w:{side} w:val="single" w:sz="8" w:space="4" w:color="B00020"/>'
                              for side in ("top", "left", "bottom", "right"))
            style.element.get_or_add_pPr().append(parse_xml(f"<w:pBdr {nsdecls('w')}>{borders}</w:pBdr>"))
        paragraph = style.paragraph_format
        paragraph.alignment = spec.align
        paragraph.first_line_indent = Pt(spec.indent) if spec.indent else None
        paragraph.space_before = paragraph.space_after = Pt(0)
        if spec.exact:
            paragraph.line_spacing_rule, paragraph.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
        else:
            paragraph.line_spacing = 1.0
        if spec.outline is not None:
            style.element.get_or_add_pPr().get_or_add_outlineLvl().val = spec.outline
        if spec.boxed:
            paragraph.left_indent = paragraph.right_indent = Mm(2)
    _font_table(doc)


def _font_table(doc: DocumentObject) -> None:
    """Declare our Chinese fonts in word/fontTable.xml, each with its common alternative (w:altName), which
    Word uses where the named font is missing."""
    from lxml import etree
    part = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    fonts = etree.fromstring(part.blob)
    for name in (BODY, TITLE, HEADING, SUBHEADING):
        font = etree.SubElement(fonts, qn("w:font"), {qn("w:name"): name})
        if name in ALTERNATIVES:
            etree.SubElement(font, qn("w:altName"), {qn("w:val"): ALTERNATIVES[name]})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
        etree.SubElement(font, qn("w:family"), {qn("w:val"): "modern" if name == BODY else "auto"})
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------- in a build
def for_build(parameters: dict, provenance: dict) -> bytes:
    """The document of the report a build's notebook makes from `parameters` (an agency's, or the region's when
    there is no agency_id), with the page's provenance; `charts: false` leaves the charts out as the notebook."""
    from . import region, report
    if "agency_id" in parameters:
        the_report = report.load(parameters["data_dir"], int(parameters["year"]), parameters["agency_id"],
                                 parameters.get("title_form", fmt.TITLE_FORMS[0]))
    else:
        the_report = region.load(parameters["data_dir"], int(parameters["year"]), parameters.get("group") or None)
    return document(the_report, provenance, parameters.get("charts", True) is not False)

