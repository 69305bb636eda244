"""The reports as a reader sees them: real headless Chromium, checked through the page's own DOM.

Every check runs twice: with the machine's fonts (Noto CJK from Debian's fonts-noto-cjk in CI) and with a
fontconfig that knows only a Latin font (matplotlib's DejaVu), as on a machine without any Chinese font.
Pages are opened from file:// and from a local HTTP server. Every request is watched; one that would leave
the machine is refused and reported. Damaged copies of a report prove that the checks can fail.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import matplotlib
import pytest
from PIL import Image

from govreport import format as fmt
from govreport import pdf, webfont
from govreport.cli import main
from govreport.dataset import load_year

from conftest import SEED_AGENCY, require

DATA = Path(__file__).resolve().parent.parent / "data"
YEAR = 2022
AGENCIES = (SEED_AGENCY.id, "hongsibu-edu-bureau")  # the second one shows a check notice
CHROMIUM_ARGS = [*pdf.ARGS, "--no-proxy-server", "--disable-features=Translate,OptimizationHints,MediaRouter"]
CJK_SAMPLE = "政府信息公开"
LATIN_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu: no Chinese glyph at all
MAX_REPORT_BYTES = 250_000


def _require_chromium() -> str:
    """The Chromium executable; missing: skip here, but fail in CI (which must run these tests)."""
    executable = pdf.chromium()
    require(executable, "Chromium", pdf.INSTALL)
    return executable


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """Two agencies' reports (and the year's index page) built by `govreport build` with real papermill."""
    out = tmp_path_factory.mktemp("out")
    args = ["build", "--year", str(YEAR), "--data", str(DATA), "--out", str(out)]
    assert main(args + [a for agency in AGENCIES for a in ("--agency", agency)]) == 0
    return out


@pytest.fixture(scope="module")
def server(out):
    """A local HTTP server over the output directory; yields its base URL."""
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(out)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def playwright():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def _launch(playwright, env: dict[str, str]):
    return playwright.chromium.launch(executable_path=_require_chromium(), args=CHROMIUM_ARGS,
                                      env={**os.environ, **env})


@pytest.fixture(scope="module")
def system_fonts_browser(playwright):
    browser = _launch(playwright, {})
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def no_cjk_browser(playwright, tmp_path_factory):
    """Chromium whose fontconfig lists only a directory of Latin fonts: no Chinese font on the 'machine'."""
    conf = tmp_path_factory.mktemp("fontconfig") / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                    f"<dir>{LATIN_FONTS}</dir>\n<cachedir>{conf.parent / 'cache'}</cachedir>\n</fontconfig>\n")
    browser = _launch(playwright, {"FONTCONFIG_FILE": str(conf)})
    yield browser
    browser.close()


BROWSERS = {"system-fonts": "system_fonts_browser", "no-cjk-font": "no_cjk_browser"}


@pytest.fixture(params=BROWSERS)
def browser(request):
    return request.getfixturevalue(BROWSERS[request.param])


@pytest.fixture(params=["file", "http"])
def base_url(request, out, server) -> str:
    return out.resolve().as_uri() + "/" if request.param == "file" else server


# ---------------------------------------------------------------- opening a page and reading its DOM
@dataclass
class Visit:
    page: object
    errors: list[str] = field(default_factory=list)  # console errors, page errors, failed requests
    external: list[str] = field(default_factory=list)  # requests that would have left the machine


def _local(url: str) -> bool:
    return url.startswith(("file:", "data:", "about:")) or re.match(r"https?://127\.0\.0\.1:\d+/", url) is not None


def visit(browser, url: str) -> Visit:
    """Open `url` in a fresh page; refuse (and record) every request to anywhere but this machine."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    v = Visit(page)
    page.on("console", lambda m: m.type == "error" and v.errors.append(m.text))
    page.on("pageerror", lambda e: v.errors.append(str(e)))
    page.on("requestfailed", lambda r: _local(r.url) and v.errors.append(f"{r.url}: {r.failure}"))
    page.on("request", lambda r: _local(r.url) or v.external.append(r.url))
    page.route("**/*", lambda route: route.continue_() if _local(route.request.url) else route.abort())
    page.goto(url)
    page.evaluate("document.fonts.ready.then(() => true)")
    return v


FACTS_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height,
                     right: r.right, visible: e.checkVisibility() && r.width > 0 && r.height > 0}; };
  const th = t => [...t.querySelectorAll('th')].map(c => ({text: c.textContent.trim(), rowSpan: c.rowSpan,
                     colSpan: c.colSpan, box: box(c), lines: lines(c)}));
  const lines = e => { const r = document.createRange(); r.selectNodeContents(e);
                       return new Set([...r.getClientRects()].map(q => Math.round(q.top))).size; };
  const table = t => t && {header: th(t), rows: [...t.tBodies].flatMap(b => [...b.rows]).map(
                     tr => [...tr.querySelectorAll('td.num')].map(td => box(td)))};
  return {
    title: document.querySelector('h1')?.textContent.trim(),
    h2: [...document.querySelectorAll('main h2')].map(h => ({text: h.textContent.trim(), box: box(h)})),
    s2: table(document.querySelector('table.gr-s2')),
    s3: table(document.querySelector('table.gr-s3')),
    s4: table(document.querySelector('table.gr-s4')),
    charts: [...document.querySelectorAll('figure.gr-chart')].map(f => {
      const svg = f.querySelector('svg');
      return {svg: svg && box(svg), paths: svg ? svg.querySelectorAll('path').length : 0};
    }),
    images: [...document.querySelectorAll('img')].map(i => ({src: i.src, complete: i.complete,
                                                              width: i.naturalWidth, height: i.naturalHeight})),
    main: box(document.querySelector('main')),
  };
}"""


def _merged(tree: tuple[fmt.Node, ...]):
    """(label, span) of every node with children, in a tree: the cells that must be merged."""
    for node in tree:
        if node.children:
            yield node.label, len(node.leaves())
            yield from _merged(node.children)


def _spans(table: dict, name: str, expected: list[tuple[str, int]], span: str) -> list[str]:
    """Header/label cells (label, expected rowSpan or colSpan) that are missing or not merged as the format has them."""
    cells = {c["text"]: c for c in table["header"]}
    return [f"{name}: {label!r} " + (f"spans {cells[label][span]}, not {n}" if label in cells else "is missing")
            for label, n in expected if label not in cells or cells[label][span] != n]


def _section2_problems(s2: dict) -> list[str]:
    width = 1 + max(len(b.columns) for b in fmt.S2_BLOCKS)
    return _spans(s2, "section 二", [(b.heading, width) for b in fmt.S2_BLOCKS], "colSpan")


def _section3_problems(s3: dict, page_right: float) -> list[str]:
    """25 rows of 7 numbers, merged cells as in the format, numbers under their columns, 自然人 on one line."""
    problems = []
    if len(s3["rows"]) != len(fmt.S3_ROWS) or any(len(r) != len(fmt.S3_COLUMNS) for r in s3["rows"]):
        problems.append(f"section 三 has {len(s3['rows'])} rows of numbers, not {len(fmt.S3_ROWS)} × 7")
    header_depth = 1 + max(n.depth() for n in fmt.S3_COLUMN_TREE)
    label_depth = max(n.depth() for n in fmt.S3_ROW_TREE)
    problems += _spans(s3, "section 三", [(fmt.S3_CORNER, header_depth), *_merged(fmt.S3_ROW_TREE)], "rowSpan")
    problems += _spans(s3, "section 三", [(fmt.S3_CORNER, label_depth), (fmt.S3_COLUMN_HEADER, len(fmt.S3_COLUMNS)),
                                          *_merged(fmt.S3_COLUMN_TREE)], "colSpan")
    cells = {c["text"]: c for c in s3["header"]}
    leaves = [cells.get(n.label) for n in fmt.leaves(fmt.S3_COLUMN_TREE)]
    if None in leaves:
        return problems + ["section 三: a column header is missing"]
    columns = [c["box"] for c in leaves]
    if any(not (c["x"] <= n["x"] + n["w"] / 2 <= c["right"]) for row in s3["rows"] for c, n in zip(columns, row)):
        problems.append("section 三: numbers are not under their column headers")
    problems += [f"section 三: {c['text']} wraps onto {c['lines']} lines" for c in leaves
                 if c["text"] in ("自然人", "总计") and c["lines"] != 1]
    if max(c["right"] for c in columns) > page_right + 1:
        problems.append("section 三 is wider than the page")
    return problems


def _section4_problems(s4: dict) -> list[str]:
    problems = _spans(s4, "section 四", list(_merged(fmt.S4_TREE)), "colSpan")
    if [len(r) for r in s4["rows"]] != [len(fmt.S4_CELLS)]:
        problems.append(f"section 四 is not one row of {len(fmt.S4_CELLS)} numbers")
    return problems


def page_problems(v: Visit) -> list[str]:
    """What is wrong with a report page as displayed: an empty list when it is right."""
    f = v.page.evaluate(FACTS_JS)
    problems = [f"console error: {e}" for e in v.errors] + [f"request leaves the machine: {u}" for u in v.external]
    titles = [h for h in f["h2"] if h["text"] in fmt.SECTION_TITLES.values()]
    if [h["text"] for h in titles] != list(fmt.SECTION_TITLES.values()):
        problems.append(f"section titles: {[h['text'] for h in titles]}")
    tops = [h["box"]["y"] for h in titles]
    if not all(h["box"]["visible"] for h in titles) or tops != sorted(tops):
        problems.append("section titles not all visible, top to bottom")
    checks = {"s2": _section2_problems, "s3": lambda t: _section3_problems(t, f["main"]["right"]),
              "s4": _section4_problems}
    for key, check in checks.items():
        problems += check(f[key]) if f[key] else [f"no table {key}"]
    if len(f["charts"]) < 2:
        problems.append(f"{len(f['charts'])} charts, expected 2")
    for i, chart in enumerate(f["charts"]):
        if not chart["svg"] or not chart["svg"]["visible"] or chart["paths"] == 0:
            problems.append(f"chart {i + 1} does not show: {chart}")
    problems += [f"image does not load: {i['src']}" for i in f["images"] if not (i["complete"] and i["width"] > 0)]
    return problems


def fonts_used(v: Visit, selector: str) -> list[dict]:
    """The fonts Chromium actually drew the text of each element matching `selector` with (DevTools protocol)."""
    cdp = v.page.context.new_cdp_session(v.page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    used = []
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
        used += cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return used


def glyph_problems(v: Visit, selector: str = "h1, h2, p, th") -> list[str]:
    """Text drawn by a font without Chinese glyphs, i.e. shown as boxes (what the fonts Chromium used say)."""
    used = fonts_used(v, selector)
    if not used:
        return [f"no text found at {selector!r}"]
    return sorted({f"text drawn with {f['familyName']!r}, which has no Chinese glyphs" for f in used
                   if not (f["isCustomFont"] or "CJK" in f["familyName"])})


def embedded_font_problems(v: Visit) -> list[str]:
    """The page's own font (webfont.py) not first in its font stack, not loaded, or unable to show Chinese."""
    stack = v.page.evaluate("getComputedStyle(document.body).fontFamily")
    family = stack.split(",")[0].strip().strip('"')
    loaded = v.page.evaluate("f => [...document.fonts].some(x => x.family.replace(/\"/g, '') === f && "
                             "x.status === 'loaded')", family)
    if family != webfont.FAMILY or not loaded:
        return [f"embedded font not first or not loaded: {stack}"]
    if not v.page.evaluate(f"document.fonts.check('16px \"{family}\"', '{CJK_SAMPLE}')"):
        return [f"{family} cannot show {CJK_SAMPLE}"]
    return []


def report_url(base: str, agency: str = SEED_AGENCY.id) -> str:
    return f"{base}{YEAR}/{agency}/report.html"


# ---------------------------------------------------------------- the tests
@pytest.mark.parametrize("agency", AGENCIES)
def test_report_as_a_reader_sees_it(browser, base_url, agency):
    name = load_year(DATA, YEAR).agency(agency).agency.name
    v = visit(browser, report_url(base_url, agency))
    try:
        assert v.page.locator("h1").inner_text() == fmt.TITLE.format(name=name, year=YEAR, form="年")
        assert page_problems(v) == []
        assert glyph_problems(v) == [] and embedded_font_problems(v) == []
        assert {f["isCustomFont"] for f in fonts_used(v, "h1, h2, p, th, td")} == {True}  # the embedded font
    finally:
        v.page.close()


def test_reports_are_self_contained_and_small(out):
    for agency in AGENCIES:
        page = (out / str(YEAR) / agency / "report.html").read_text(encoding="utf-8")
        assert len(page.encode()) < MAX_REPORT_BYTES
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\((?!data:|#)""", page)


def test_screenshot_of_the_top_of_a_report(browser, out, tmp_path, request):
    v = visit(browser, report_url(out.resolve().as_uri() + "/"))
    shot = tmp_path / f"report-top-{request.node.callspec.id}.png"
    try:
        v.page.screenshot(path=str(shot))
    finally:
        v.page.close()
    with Image.open(shot) as image:
        assert image.size == (1100, 900)
        ink = sum(image.convert("L").histogram()[:128])  # dark pixels
    assert ink > 10_000, "the screenshot is (nearly) blank"  # the title and the preamble's text
    print(f"screenshot: {shot}")


def _empty_first_chart(page: str) -> str:
    return re.sub(r"(<figure class=\"gr-chart\">\s*<svg[^>]*>).*?</svg>", r"\1</svg>", page, count=1, flags=re.S)


def _chart_as_broken_image(page: str) -> str:
    return re.sub(r"(<figure class=\"gr-chart\">)\s*<svg.*?</svg>", r'\1<img src="chart.png" alt="">', page,
                  count=1, flags=re.S)


DAMAGE = {  # name: (damage, a word the problems must mention)
    "chart emptied": (_empty_first_chart, "chart 1"),
    "chart as broken image": (_chart_as_broken_image, "chart.png"),
    "section missing": (lambda p: re.sub(r'<h2 id="s5">.*?</h2>', "", p), "section titles"),
    "row missing": (lambda p: re.sub(r'<tr><th class="label"[^>]*>二、.*?</tr>', "", p), "25"),
    "cell unmerged": (lambda p: p.replace(' colspan="7">', ">"), "申请人情况' spans 1, not 7"),
    "number columns as narrow as before": (lambda p: p.replace(
        "</style>", ".gr-s3 td.num { width: auto; } .gr-s3 thead th { padding: .25em .35em; }</style>", 1),
        "自然人 wraps onto 2 lines"),
    "fetches from the internet": (lambda p: p.replace("</main>", '<img src="https://example.com/a.png"></main>'),
                                  "leaves the machine"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_copy_fails(system_fonts_browser, out, damage):
    change, symptom = DAMAGE[damage]
    original = (out / str(YEAR) / SEED_AGENCY.id / "report.html").read_text(encoding="utf-8")
    damaged = change(original)
    assert damaged != original
    copy = out / str(YEAR) / SEED_AGENCY.id / f"damaged-{damage.replace(' ', '-')}.html"
    copy.write_text(damaged, encoding="utf-8")
    v = visit(system_fonts_browser, copy.as_uri())
    try:
        problems = page_problems(v)
    finally:
        v.page.close()
    assert any(symptom in p for p in problems), problems


def test_chinese_needs_the_embedded_font_without_system_cjk(browser, out, request):
    """Stripped of its embedded font, a report shows boxes on a machine without Chinese fonts (this is what
    the font check detects), and still shows Chinese where the system has Noto CJK."""
    page = (out / str(YEAR) / SEED_AGENCY.id / "report.html").read_text(encoding="utf-8")
    stripped = re.sub(r"@font-face \{[^}]*\}", "", page, count=1)
    assert "@font-face" in page and "@font-face" not in stripped
    copy = out / str(YEAR) / SEED_AGENCY.id / "no-webfont.html"
    copy.write_text(stripped, encoding="utf-8")
    v = visit(browser, copy.as_uri())
    try:
        boxes = glyph_problems(v)
    finally:
        v.page.close()
    if request.node.callspec.params["browser"] == "no-cjk-font":
        assert boxes, "without the embedded font and any CJK system font, Chinese must show as boxes"
    else:
        assert boxes == []


def test_index_page(browser, base_url, out):
    assert (out / str(YEAR) / "index.html").is_file()  # the build writes it
    v = visit(browser, f"{base_url}{YEAR}/index.html")
    try:
        assert v.page.locator("h1").is_visible()
        links = v.page.eval_on_selector_all("a[href$='report.html']", "as => as.map(a => a.href)")
        assert len(links) == len(AGENCIES)
        assert v.errors == [] and v.external == []
        assert glyph_problems(v, "h1, th, td") == []
        v.page.click(f"a[href='{SEED_AGENCY.id}/report.html']")
        v.page.wait_for_load_state()
        assert v.page.locator("h1").inner_text().startswith(SEED_AGENCY.name)
    finally:
        v.page.close()
