"""report.fragment.html: a report's article for a web site's CMS, whose editor keeps only the body's markup.

A CMS editor drops <head>, <style> and <script>, and often class attributes too. So the fragment is the
page's <main> alone, every rule of report.css that applies to it written into the elements' style attributes
(css-inline), no class attribute left, the tables as they are (merged cells, scope/headers), and each chart an
<img> of its SVG as a data: URL that carries its own font (the glyphs of its labels), so it draws the same
anywhere. The text cannot carry the page's embedded font (an @font-face needs a style sheet): its font stack
names the common Chinese fonts (report.css's). Made from report.html alone, so the same page gives the same
bytes, and a fragment is as current as its page.
"""
from __future__ import annotations

import base64
import functools
import html
import re
from pathlib import Path

import css_inline
import lxml.html

from . import outputs, webfont
from .files import write_atomic
from .pages import TEMPLATES

ARTICLE = "gr-article"  # the fragment's outer element: report.css gives it what <html> and <body> give the page
_MAIN = re.compile(r'<main class="gr-report">(.*)</main>', re.S)
_SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)
PT = 4 / 3  # px per pt


@functools.cache
def _inliner() -> css_inline.CSSInliner:
    css = (TEMPLATES / "govreport" / "report.css").read_text(encoding="utf-8")
    return css_inline.CSSInliner(load_remote_stylesheets=False, resolve_css_variables=True, extra_css=css)


def fragment(page: str) -> str:
    """The report page's article: inline styles only, charts as self-contained SVG images, no class."""
    main = _MAIN.search(page)
    if main is None:
        raise ValueError("not a report page: no <main class=\"gr-report\">")
    article = _SVG.sub(lambda m: _image(m.group(0)), main.group(1))
    inlined = _inliner().inline_fragment(f'<div class="gr-report {ARTICLE}">{article}</div>', "")
    root = lxml.html.fragment_fromstring(inlined)
    for element in root.iter():
        element.attrib.pop("class", None)
    return lxml.html.tostring(root, encoding="unicode") + "\n"


def _image(svg: str) -> str:
    """An inline <svg> of the page as an <img>: the SVG with its own font as a data: URL, its name as alt."""
    head = svg[:svg.index(">") + 1]
    attrs = dict(re.findall(r'([\w:-]+)="([^"]*)"', head))
    font = f"<style>{webfont.font_face_css(webfont.page_text(svg))}</style>"
    data = base64.b64encode((head + font + svg[len(head):]).encode()).decode("ascii")
    width = round(float(attrs["width"].removesuffix("pt")) * PT)
    alt = html.escape(html.unescape(attrs.get("aria-label", "")))
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}" width="{width}">'


def path(report: Path) -> Path:
    """The fragment beside a report page: report.fragment.html, region.fragment.html."""
    return outputs.beside(report, outputs.FRAGMENT)


def write(report: Path) -> Path:
    """Write the fragment of the report page `report` beside it (atomically); returns its path."""
    target = path(report)
    write_atomic(target, fragment(report.read_text(encoding="utf-8")))
    return target
