"""The embedded font: a WOFF2 subset of the shipped Noto Sans CJK SC holding exactly the page's characters."""
from __future__ import annotations

import base64
import re
from io import BytesIO
from pathlib import Path

import nbformat
import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from govreport import charts, render, webfont
from govreport import format as fmt
from govreport.dataset import load_year

CSS = Path(render.TEMPLATES) / "govreport" / "report.css"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    """An empty font cache per test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "govreport" / "webfont"


def embedded_font(css: str) -> TTFont:
    data = re.search(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", css).group(1)
    return TTFont(BytesIO(base64.b64decode(data)))


def test_subset_holds_the_text_characters_and_ascii_only():
    text = "红寺堡区人民政府办公室，办结率100%。\n"
    font = embedded_font(webfont.font_face_css(text))
    assert font.flavor == "woff2"
    cmap = font.getBestCmap()
    assert set(cmap) == set(map(ord, text.strip() + webfont.ALWAYS))  # no control characters, nothing else
    glyphs = font.getGlyphSet()
    for c in "红寺堡":  # real glyphs: each has an outline
        pen = BoundsPen(glyphs)
        glyphs[cmap[ord(c)]].draw(pen)
        assert pen.bounds is not None, c


def test_subset_bytes_are_deterministic_and_cached(cache, monkeypatch):
    chars = "".join(sorted(set("政府信息公开工作年度报告") | set(webfont.ALWAYS)))
    first = webfont.woff2(chars)
    assert [p.read_bytes() for p in cache.glob("*.woff2")] == [first]
    assert TTFont(BytesIO(first))["head"].modified == TTFont(charts.font_path())["head"].modified
    monkeypatch.setattr(webfont, "subset_woff2", lambda *a: pytest.fail("subset made again despite the cache"))
    assert webfont.woff2(chars) == first
    monkeypatch.undo()
    for p in cache.glob("*.woff2"):
        p.unlink()
    assert webfont.subset_woff2(charts.font_path(), chars) == first  # a fresh subset: the same bytes


def test_page_text_is_what_a_reader_reads():
    page = ('<html><head><style>body { font-family: "仿宋"; }</style></head><body><h1>标题 &amp; &lt;注&gt;</h1>'
            '<svg><text>图</text></svg><p title="提示">正文</p></body></html>')
    assert webfont.page_text(page) == "标题 & <注>正文"


def test_the_embedded_family_is_first_in_the_font_stack():
    stack = re.search(r"html \{ font-family: ([^;]+);", CSS.read_text(encoding="utf-8")).group(1)
    assert stack.split(",")[0].strip().strip('"') == webfont.FAMILY


def test_the_build_font_covers_the_data_and_the_code():
    """year_text holds every character a report can print: its agencies' data and govreport's own phrases."""
    year = load_year(REPO / "data", 2022)
    chars = set(webfont.year_text(year, None))
    assert set(year.narrative["hongsibu-gov-office"]["1"]) <= chars
    assert set(year.agencies["hongsibu-gov-office"].full_name) <= chars
    for phrase in ("办结率", "同比", "数据摘要", "报告生成信息", fmt.S3_CORNER):  # narrative.py, report.py, template
        assert set(phrase) <= chars
    assert "鑫" not in chars


def test_a_rendered_page_embeds_the_given_font():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": "<p>龘靐齉</p>"})])])
    provenance = {"versions": {"govreport": "0"}, "data": {}, "files": [], "parameters": {},
                  "notebook": {"path": "nb.ipynb", "sha256": "0"}}
    page = render.to_html(nb, "鑫淼报告", provenance, webfont.font_face_css("龘靐齉鑫淼报告"))
    cmap = embedded_font(page).getBestCmap()
    assert all(ord(c) in cmap for c in "龘靐齉鑫淼报告")
    assert page.index("@font-face") < page.index("html { font-family")
