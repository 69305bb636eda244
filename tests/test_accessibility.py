"""Accessibility (GB/T 37668-2019, WCAG 2.1 AA), phones, and the CMS fragment, checked in headless Chromium.

axe-core (npm, pinned in package.json; `npm ci` installs it, as .ci/run does) is injected into each page: a
report, the year's index, the region's report and a diff page must have no violation. The tables' header
structure is checked cell by cell against format.py. At 390 px (a phone) nothing may stick out of the page
except inside a scroll box, and section 三's labels keep their width. A report's fragment, shown in a page
without any style sheet, must lay out section 三 as the report does. Damaged copies prove each check can fail.
"""
from __future__ import annotations

import io
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from govreport import build, config, diff, fragment, outputs, tables, webfont
from govreport import format as fmt
from govreport.cli import main

from conftest import SEED_AGENCY, make_agency_data, require
from test_browser import AGENCIES, CHROMIUM_ARGS, DATA, YEAR, _require_chromium, visit

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
TOLERANCE = 2  # px: the fragment's table cells against the report's


def _require_axe() -> Path:
    """axe-core from npm; missing: skip here, but fail in CI (which installs it with `npm ci`)."""
    require(AXE.is_file(), "axe-core", f"npm ci in {ROOT}")
    return AXE


# ---------------------------------------------------------------- the pages
@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """Two agencies' reports with their fragments, the region's report (and fragment), the year's index
    (with the region's row) and a diff page."""
    out = tmp_path_factory.mktemp("out")
    settings = config.load(None, YEAR, data_dir=DATA, output_dir=out, jobs=1)
    region_task = build.plan(settings).tasks[-1]  # the region alone: its notebook sums every agency
    assert region_task.agency == outputs.REGION_DIR
    progress = build.Progress(1, str(YEAR))
    made = build.run(build.local([region_task], 1, out / "workers.log", progress.note), progress)
    build.write_fragments(outputs.year_dir(out, YEAR), made)
    args = ["build", "--year", str(YEAR), "--data", str(DATA), "--out", str(out), "--fragment"]
    assert main(args + [a for agency in AGENCIES for a in ("--agency", agency)]) == 0
    (out / outputs.DIFF).write_text(_diff_page(out), encoding="utf-8")
    return out


def _diff_page(out: Path) -> str:
    """A diff page with a changed report (a cell, a sentence, a finding, a chart) and an unchanged one."""
    def results(name: str, cells: dict, sentences: list[str], findings: list[dict], charts: list) -> dict:
        return {"name": name, "s2": {}, "s3": cells, "s4": {}, "sentences": sentences, "text": [],
                "findings": findings, "charts": charts}

    finding = {"rule": "R2", "severity": "error", "message": "总计不等于各列之和", "cells": []}
    changed = diff.compare_report(YEAR, SEED_AGENCY.id,
                                  results("甲局", {"1:total": 1}, ["收到5件。"], [], [("图1", "x")]),
                                  results("甲局", {"1:total": 2}, ["收到6件。"], [finding], [("图1", "y")]))
    same = diff.compare_report(YEAR, "b", *[results("乙局", {}, [], [], [])] * 2)
    sides = diff.Side("OLD", out / "old"), diff.Side("NEW", out)
    return diff.to_html(diff.Comparison(*sides, [changed, same]), out)


PAGES = {  # name: path under the output directory
    "report": f"{YEAR}/{SEED_AGENCY.id}/{outputs.REPORT}",
    "report with findings": f"{YEAR}/{AGENCIES[1]}/{outputs.REPORT}",
    "index": f"{YEAR}/{outputs.INDEX}",
    "region": f"{YEAR}/{outputs.REGION_REPORT}",
    "diff": outputs.DIFF,
}


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_require_chromium(), args=CHROMIUM_ARGS)
        yield b
        b.close()


def axe_violations(page) -> list[str]:
    """axe-core's violations of the page as shown (every rule of its default set: WCAG 2.0/2.1 A and AA and
    best practices), one line each: rule, impact, where."""
    page.add_script_tag(path=str(_require_axe()))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:5]]}" for v in found]


# ---------------------------------------------------------------- axe-core
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_axe_finds_no_violation(browser, out, name, width):
    v = visit(browser, (out / PAGES[name]).as_uri())
    try:
        if width == "phone":
            v.page.set_viewport_size(PHONE)
        assert axe_violations(v.page) == []
        assert v.errors == [] and v.external == []
    finally:
        v.page.close()


A11Y_DAMAGE = {  # name: (page, damage, the rule axe must name)
    "no language": ("report", lambda p: p.replace('<html lang="zh-CN">', "<html>"), "html-has-lang"),
    "scroll box not focusable": ("report", lambda p: p.replace('tabindex="0" ', ""), "scrollable-region-focusable"),
    "chart unnamed": ("report", lambda p: re.sub(r'(<svg[^>]*) aria-label="[^"]*"', r"\1", p), "svg-img-alt"),
    "header pointing nowhere": ("report", lambda p: p.replace('headers="s3-c-applicants ', 'headers="nowhere '),
                                "td-headers-attr"),
    "index without main": ("index", lambda p: p.replace("<main>", "").replace("</main>", ""), "landmark-one-main"),
}


@pytest.mark.parametrize("damage", A11Y_DAMAGE)
def test_axe_finds_a_damaged_copy(browser, out, damage):
    name, change, rule = A11Y_DAMAGE[damage]
    original = (out / PAGES[name]).read_text(encoding="utf-8")
    damaged = change(original)
    assert damaged != original
    copy = (out / PAGES[name]).with_name(f"damaged-{damage.replace(' ', '-')}.html")
    copy.write_text(damaged, encoding="utf-8")
    v = visit(browser, copy.as_uri())
    try:
        v.page.set_viewport_size(PHONE)  # the scroll box scrolls only on a phone
        violations = axe_violations(v.page)
    finally:
        v.page.close()
    assert any(line.startswith(rule) for line in violations), violations


# ---------------------------------------------------------------- what a screen reader reads of a number
class _Cells(HTMLParser):
    """Every <th>/<td> of a table: (tag, attributes, text)."""

    def __init__(self):
        super().__init__()
        self.cells: list[list] = []
        self.open = False

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self.cells.append([tag, dict(attrs), ""])
            self.open = True

    def handle_endtag(self, tag):
        self.open = self.open and tag not in ("th", "td")

    def handle_data(self, data):
        if self.open:
            self.cells[-1][2] += data


def _read_aloud(markup: str) -> dict[str, list[str]]:
    """data-cell code -> the texts of its header cells, in the order of its headers attribute."""
    p = _Cells()
    p.feed(markup)
    by_id = {a["id"]: text for _, a, text in p.cells if "id" in a}
    return {a["data-cell"]: [by_id[i] for i in a["headers"].split()] for tag, a, _ in p.cells if tag == "td"}


def test_every_number_names_all_its_headers_merged_ones_included():
    a = make_agency_data()
    columns = fmt.leaf_paths(fmt.S3_COLUMN_TREE)
    rows = fmt.leaf_paths(fmt.S3_ROW_TREE)
    s3 = _read_aloud(tables.section3_html(a))
    assert len(s3) == len(fmt.S3_ROWS) * len(fmt.S3_COLUMNS)
    for code, headers in s3.items():
        row, column = code.split(":")
        assert headers == [fmt.S3_COLUMN_HEADER, *columns[column], *rows[row]], code
    assert s3["3.3.1:business"] == ["申请人情况", "法人或其他组织", "商业企业", "三、本年度办理结果", "（三）不予公开",
                                    "1.属于国家秘密"]
    s4 = _read_aloud(tables.section4_html(a))
    assert {code: tuple(h) for code, h in s4.items()} == fmt.leaf_paths(fmt.S4_TREE)
    s2 = _read_aloud(tables.section2_html(a))
    assert s2.keys() == set(fmt.S2_CELLS)
    for block in fmt.S2_BLOCKS:
        for code, row, column in block.cells():
            assert s2[code] == [block.heading, column.label, row.label], code


def test_header_cells_have_scopes_and_unique_ids():
    page = "".join(t(make_agency_data()) for t in (tables.section2_html, tables.section3_html, tables.section4_html))
    p = _Cells()
    p.feed(page)
    ids = [a["id"] for _, a, _ in p.cells if "id" in a]
    assert len(ids) == len(set(ids))
    assert all(a.get("scope") in ("col", "row", "colgroup") for tag, a, text in p.cells
               if tag == "th" and text != fmt.S3_CORNER)


def test_charts_are_named_images_with_their_numbers_in_a_hidden_table(browser, out):
    results = outputs.read_results(out / str(YEAR) / SEED_AGENCY.id)
    v = visit(browser, (out / PAGES["report"]).as_uri())
    try:
        charts = v.page.evaluate("""() => [...document.querySelectorAll('figure.gr-chart')].map(f => {
          const svg = f.querySelector('svg'), t = f.querySelector('table');
          const r = t.closest('.gr-sr-only').getBoundingClientRect();
          return {role: svg.getAttribute('role'), name: svg.getAttribute('aria-label'),
                  caption: t.caption.textContent, width: r.width, height: r.height,
                  rows: Object.fromEntries([...t.tBodies[0].rows].map(
                    tr => [tr.cells[0].textContent, [...tr.cells].slice(1).map(c => c.textContent)]))};
        })""")
    finally:
        v.page.close()
    yoy, outcomes = charts
    assert [c["role"] for c in charts] == ["img", "img"]
    assert yoy["name"] == f"{YEAR}年与{YEAR - 1}年主要数据对比" and yoy["caption"].startswith(yoy["name"])
    assert yoy["rows"]["新收申请"][-1] == str(results["figures"]["received"])
    assert yoy["rows"]["办结"][-1] == str(results["figures"]["concluded"])
    assert outcomes["rows"]["（一）予以公开"][0] == str(results["s3"]["3.1:total"])
    assert all(c["width"] <= 1 and c["height"] <= 1 for c in charts)  # for screen readers only


# ---------------------------------------------------------------- phones
PHONE_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => { const s = getComputedStyle(e).overflowX; return s === 'auto' || s === 'scroll'; };
  const inScrollBox = e => { for (let p = e.parentElement; p; p = p.parentElement) if (scrolls(p)) return true;
                             return false; };
  const out = [...document.body.querySelectorAll('*')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > width + 1 || r.left < -1) && !inScrollBox(e);
  }).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + e.textContent.slice(0, 20));
  const label = [...document.querySelectorAll('table.gr-s3 th')].find(
    th => th.textContent === %(first)r);
  const box = label.closest('.gr-scroll');
  return {width, pageWidth: document.documentElement.scrollWidth, out,
          ems: label.getBoundingClientRect().width / parseFloat(getComputedStyle(label).fontSize),
          scrolls: box.scrollWidth > box.clientWidth, tabindex: box.tabIndex, name: box.getAttribute('aria-label')};
}""" % {"first": fmt.S3_ROW_TREE[2].label}


def phone_problems(browser, url: str) -> list[str]:
    """What sticks out of a 390 px wide page outside a scroll box, or squeezes section 三's first column."""
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(url)
        page.evaluate("document.fonts.ready.then(() => true)")
        f = page.evaluate(PHONE_JS)
    finally:
        page.close()
    problems = [f"wider than the phone, outside a scroll box: {e}" for e in f["out"]]
    if f["pageWidth"] > f["width"]:
        problems.append(f"the page scrolls sideways: {f['pageWidth']} px on a {f['width']} px screen")
    if f["ems"] < 4:
        problems.append(f"section 三's first column is {f['ems']:.1f} characters wide")
    if not f["scrolls"] or f["tabindex"] != 0 or f["name"] != fmt.SECTION_TITLES["3"]:
        problems.append(f"section 三 does not scroll in a focusable, named box: {f}")
    return problems


@pytest.mark.parametrize("name", ["report", "report with findings", "region"])
def test_a_phone_scrolls_wide_tables_in_their_own_box(browser, out, name):
    assert phone_problems(browser, (out / PAGES[name]).as_uri()) == []


def test_a_report_without_the_phone_layout_fails(browser, out):
    """As reports were: tables squeezed to the screen (one character a line), the page wider than a phone."""
    page = (out / PAGES["report"]).read_text(encoding="utf-8")
    old = re.sub(r"\.gr-scroll \{ overflow-x: auto; \}|\.gr-s\d \{ min-width: [\d.]+em; \}", "", page)
    assert old != page
    copy = out / str(YEAR) / SEED_AGENCY.id / "no-phone-layout.html"
    copy.write_text(old, encoding="utf-8")
    problems = phone_problems(browser, copy.as_uri())
    assert any("first column" in p for p in problems), problems
    assert any("does not scroll" in p for p in problems), problems


# ---------------------------------------------------------------- the fragment for a CMS
CELLS_JS = """table => [...table.querySelectorAll('th, td')].map(c => {
  const t = table.getBoundingClientRect(), r = c.getBoundingClientRect();
  return {text: c.textContent, x: r.x - t.x, y: r.y - t.y, w: r.width, h: r.height};
})"""


def _cells(page, selector: str) -> list[dict]:
    return page.eval_on_selector(selector, CELLS_JS)


def _pixels(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def fragment_geometry_problems(browser, report: Path, fragment_html: str) -> list[str]:
    """Section 三's cells in the fragment, shown in a page with no style sheet, against the report's; and
    its charts (images) against the report's (inline SVG), pixel by pixel."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.goto(report.as_uri())
        page.evaluate("document.fonts.ready.then(() => true)")
        expected = _cells(page, "table.gr-s3")
        charts = [_pixels(svg.screenshot()) for svg in page.locator("figure svg").all()]
        page.set_content(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>CMS</title>'
                         f"</head><body>{fragment_html}</body></html>")
        page.evaluate("document.fonts.ready.then(() => true)")
        found = _cells(page, "table:has(#s3-c-applicants)")
        images = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)")
        drawn = [_pixels(img.screenshot()) for img in page.locator("figure img").all()]
    finally:
        page.close()
    problems = [] if images and all(images) else [f"charts do not load: {images}"]
    for i, (a, b) in enumerate(zip(charts, drawn, strict=True)):
        if a.size != b.size or ImageChops.difference(a, b).getbbox() is not None:
            problems.append(f"chart {i + 1} is drawn differently")
    if [c["text"] for c in found] != [c["text"] for c in expected]:
        return problems + ["section 三's cells differ"]
    return problems + [f"{e['text'][:12]}: {key} {f[key]:.1f} ≠ {e[key]:.1f}" for e, f in zip(expected, found)
                       for key in ("x", "y", "w", "h") if abs(f[key] - e[key]) > TOLERANCE]


def test_the_fragment_stands_alone(out):
    report = out / PAGES["report"]
    text = fragment.path(report).read_text(encoding="utf-8")
    assert not re.search(r"<(html|head|body|style|script|link|main)\b|\bclass=|@font-face", text, re.I)
    assert text.startswith('<div style="font-family:') and "Microsoft YaHei" in text
    assert text.count('<img src="data:image/svg+xml;base64,') == 2
    assert f'rowspan="{len(fmt.S3_ROW_TREE[2].leaves())}"' in text and 'colspan="7"' in text and 'headers="s3-c-applicants s3-c-natural s3-r-1"' in text
    assert text == fragment.fragment(report.read_text(encoding="utf-8"))  # the same page, the same bytes
    assert fragment.path(out / PAGES["region"]).is_file()


def test_the_fragment_lays_out_section3_as_the_report_does(browser, out):
    report = out / PAGES["report"]
    assert fragment_geometry_problems(browser, report, fragment.path(report).read_text(encoding="utf-8")) == []


def test_a_fragment_that_lost_its_table_styles_or_chart_font_fails(browser, out):
    report = out / PAGES["report"]
    text = fragment.path(report).read_text(encoding="utf-8")
    start, end = text.index('<div aria-label="三、'), text.index('<h2 id="s4"')
    bare = text[:start] + re.sub(r' style="[^"]*"', "", text[start:end]) + text[end:]
    assert any("≠" in p for p in fragment_geometry_problems(browser, report, bare))
    page = (out / PAGES["report"]).read_text(encoding="utf-8")
    other_font = fragment.fragment(page.replace(f"font-family: '{webfont.FAMILY}', ", "font-family: "))
    assert "chart 1 is drawn differently" in fragment_geometry_problems(browser, report, other_font)


def test_fragments_follow_their_reports(out, capsys):
    """Unchanged report: the fragment stays; a missing or older fragment is written again."""
    path = fragment.path(out / PAGES["report"])
    args = ["build", "--year", str(YEAR), "--data", str(DATA), "--out", str(out), "--agency", SEED_AGENCY.id]
    before = path.stat().st_mtime_ns
    assert main([*args, "--fragment"]) == 0 and path.stat().st_mtime_ns == before
    first = path.read_text(encoding="utf-8")
    path.unlink()
    assert main(args) == 0 and not path.exists()  # not asked for
    assert main([*args, "--fragment"]) == 0 and path.read_text(encoding="utf-8") == first
    os.utime(path, ns=(0, 0))  # older than its report
    assert main([*args, "--fragment"]) == 0 and path.stat().st_mtime_ns > 0
    assert capsys.readouterr().out.count("1 skipped of 1") == 4


def test_the_fragment_in_a_cms_page_has_no_violation(browser, out):
    text = fragment.path(out / PAGES["report"]).read_text(encoding="utf-8")
    page = browser.new_page()
    try:
        page.set_content(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>CMS</title>'
                         f"</head><body><main>{text}</main></body></html>")
        assert axe_violations(page) == []
    finally:
        page.close()
