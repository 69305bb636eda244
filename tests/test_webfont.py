"""The embedded font: per page, a WOFF subset of the shipped Noto Sans CJK SC holding exactly that page's characters."""
from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import nbformat
import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from govreport import build, charts, config, index, render, webfont

CSS = Path(render.TEMPLATES) / "govreport" / "report.css"
REPO = Path(__file__).resolve().parent.parent
PROVENANCE = {"versions": {"govreport": "0"}, "data": {}, "files": [], "parameters": {},
              "notebook": {"path": "nb.ipynb", "sha256": "0"}}


def embedded_font(page: str) -> TTFont:
    fonts = re.findall(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page)
    assert len(fonts) == 1
    return TTFont(BytesIO(base64.b64decode(fonts[0])))


class _Text(HTMLParser):
    """The text nodes of a page (SVG text included), outside <style> and <script>: an HTML parser's view."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def drawn(page: str) -> set[str]:
    """Every character the page draws with a glyph: its text and its charts' SVG text."""
    parser = _Text()
    parser.feed(page)
    return {c for c in "".join(parser.parts) if c.isprintable() or c == "\u3000"}


def uncovered(page: str) -> set[str]:
    cmap = embedded_font(page).getBestCmap()
    return {c for c in drawn(page) if ord(c) not in cmap}


def test_subset_holds_the_text_characters_and_ascii_only():
    text = "红寺堡区人民政府办公室，办结率100%。\u3000\n\x1b\u202e"  # an ideographic space; controls: no glyph
    font = embedded_font(webfont.font_face_css(text))
    assert font.flavor == "woff"
    cmap = font.getBestCmap()
    assert set(cmap) == set(map(ord, "红寺堡区人民政府办公室，办结率100%。\u3000" + webfont.ALWAYS))
    glyphs = font.getGlyphSet()
    for c in "红寺堡":  # real glyphs: each has an outline
        pen = BoundsPen(glyphs)
        glyphs[cmap[ord(c)]].draw(pen)
        assert pen.bounds is not None, c
    assert {n.nameID for n in font["name"].names} == set(webfont.NAME_IDS)  # the OFL licence travels with it
    assert "GPOS" not in font and "vmtx" not in font


def test_the_same_characters_give_the_same_bytes_in_any_process():
    chars = webfont.shown("政府信息公开工作年度报告")
    first = webfont._woff(chars)  # made, not read from the cache
    assert webfont._woff(chars) == first == webfont.woff(chars)
    code = f"import sys; from govreport import webfont; sys.stdout.buffer.write(webfont._woff({chars!r}))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout == first
    assert TTFont(BytesIO(first))["head"].modified == TTFont(charts.font_path())["head"].modified


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache directory of our own (platformdirs reads XDG_CACHE_HOME at each call)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "govreport" / "fonts"


def test_a_subset_is_made_once_and_reused_by_the_next_run(cache):
    chars = webfont.shown("红寺堡区政务公开")
    made = webfont.woff(chars)
    entries = list(cache.glob("*.woff"))
    assert len(entries) == 1 and made == webfont._woff(chars)
    code = ("import sys; from govreport import webfont\n"
            "webfont._woff = lambda chars: sys.exit('made again: the cache was not used')\n"
            f"sys.stdout.buffer.write(webfont.woff({chars!r}))")
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, env={**os.environ})
    assert again.returncode == 0, again.stderr
    assert again.stdout == made


@pytest.mark.parametrize("damage", ["a flipped byte", "cut short", "empty"])
def test_a_corrupt_cache_entry_is_ignored_and_made_again(cache, damage):
    chars = webfont.shown("信息公开年度报告")
    made = webfont.woff(chars)
    entry = next(cache.glob("*.woff"))
    stored = bytearray(entry.read_bytes())
    if damage == "a flipped byte":
        stored[len(stored) // 2] ^= 0xFF
    entry.write_bytes(bytes(stored) if damage == "a flipped byte" else bytes(stored[:len(stored) // 2])
                      if damage == "cut short" else b"")
    assert webfont.woff(chars) == made  # not the damaged bytes
    assert entry.read_bytes()[32:] == made  # and the entry is whole again


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    (tmp_path / "not-a-directory").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-directory"))
    chars = webfont.shown("公开")
    assert webfont.woff(chars) == webfont._woff(chars)


def test_the_cache_keeps_the_newest_entries(cache, monkeypatch):
    monkeypatch.setattr(webfont, "CACHE_ENTRIES", 8)
    for i in range(12):
        webfont.woff(webfont.shown(chr(0x4E00 + i)))
    entries = list(cache.glob("*.woff"))
    assert 8 <= len(entries) <= 9
    key = hashlib.sha256((webfont.fingerprint() + "\0" + webfont.shown(chr(0x4E00 + 11))).encode()).hexdigest()
    assert cache / f"{key}.woff" in entries


def test_page_text_is_what_the_page_draws():
    page = ('<html><head><style>body { font-family: "仿宋"; }</style><script>var 脚 = 1;</script></head><body>'
            '<h1>标题 &amp; &lt;注&gt;</h1><!-- 注释 --><svg><text x="0">图&#x4f8b;</text></svg>'
            '<p title="提示">正文</p></body></html>')
    assert webfont.page_text(page) == "标题 & <注>图例正文"


def test_the_embedded_family_is_first_in_the_font_stack():
    stack = re.search(r"html[^{]*\{ font-family: ([^;]+);", CSS.read_text(encoding="utf-8")).group(1)
    assert stack.split(",")[0].strip().strip('"') == webfont.FAMILY


def test_a_rendered_page_embeds_a_font_of_its_own_text():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": "<p>龘靐齉</p>"}),
        nbformat.v4.new_output("display_data", data={"image/svg+xml": "<svg><text>鑫淼</text></svg>"})])])
    page = render.to_html(nb, "报告", PROVENANCE)
    cmap = embedded_font(page).getBestCmap()
    assert all(ord(c) in cmap for c in "龘靐齉鑫淼报告生成信息")  # text, chart text, title, the template's labels
    assert ord("鱻") not in cmap
    assert not uncovered(page)
    assert page.index("@font-face") < page.index("html, .gr-article { font-family")


def test_the_index_page_has_a_font_of_its_own_text(tmp_path):
    page = index.index_html(tmp_path, 2022, {"a": "龘靐局"})
    assert not uncovered(page)
    cmap = embedded_font(page).getBestCmap()
    assert ord("龘") in cmap and ord("鱻") not in cmap


def test_one_agencys_text_rebuilds_and_grows_only_its_own_report(tmp_path):
    """A character no other text has, and a narrative of 3000 distinct characters, in agency A: only A is
    rebuilt, B's report keeps its bytes (and would be the same built anew), every page covers its own text."""
    a, b = "hongsibu-gov-office", "hongsibu-edu-bureau"
    data = Path(shutil.copytree(REPO / "data", tmp_path / "data"))
    out = tmp_path / "out"
    settings = config.load(None, 2022, data_dir=data, output_dir=out, agencies=[a, b], jobs=2)
    assert {o.agency: o.status for o in build.build(settings)} == {a: "built", b: "built"}
    pages = {x: (out / "2022" / x / "report.html").read_text(encoding="utf-8") for x in (a, b)}
    for page in pages.values():
        assert re.search(r"<text\b", page) and not uncovered(page)  # its text and its charts' text

    huge = "".join(chr(0x4E00 + i) + ("。" if i % 40 == 39 else "") for i in range(3000))
    s5 = data / "2022" / "narrative" / a / "s5.md"
    s5.write_text(s5.read_text(encoding="utf-8") + f"\n\n另有龘字。\n\n{huge}\n", encoding="utf-8")
    assert {o.agency: o.status for o in build.build(settings)} == {a: "built", b: "skipped"}
    grown = (out / "2022" / a / "report.html").read_text(encoding="utf-8")
    assert not uncovered(grown) and ord("龘") in embedded_font(grown).getBestCmap()
    assert (out / "2022" / b / "report.html").read_text(encoding="utf-8") == pages[b]
    assert ord("龘") not in embedded_font((out / "2022" / "index.html").read_text(encoding="utf-8")).getBestCmap()

    forced = config.load(None, 2022, data_dir=data, output_dir=out, agencies=[b], force=True)
    assert {o.agency: o.status for o in build.build(forced)} == {b: "built"}
    assert (out / "2022" / b / "report.html").read_text(encoding="utf-8") == pages[b]
