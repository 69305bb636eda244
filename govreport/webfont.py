"""The pages' Chinese font, embedded: a WOFF2 subset of the shipped Noto Sans CJK SC.

A reader's machine may have no Chinese font at all; every Chinese character of the HTML text (and of the
charts, whose labels are SVG text) would then show as a box. So each page carries, in its own <style>, an
@font-face for FAMILY whose data: URL holds the glyphs its text can use. One subset serves a whole build:
the characters of the year's data (and last year's) and of govreport's own code and templates (every label
and sentence a page can print), about 120 KB of WOFF2 for the sample year. Subsetting takes a second or two,
so subsets are cached on disk (~/.cache/govreport/webfont, or under $XDG_CACHE_HOME), keyed by everything that
decides their bytes; the bytes are deterministic (the font's timestamp is kept, WOFF2's Brotli is
deterministic), so pages stay byte-identical across builds.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import os
import re
from io import BytesIO
from dataclasses import astuple
from pathlib import Path

import brotli
import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

from . import charts
from .dataset import YearData
from .files import write_atomic_bytes
from .provenance import package_sources

FAMILY = charts.FONT_FAMILY  # the charts' SVG text names it too; report.css puts it first in the font stack
ALWAYS = "".join(map(chr, range(0x20, 0x7F)))  # printable ASCII: Latin text and digits always in the same font
OPTIONS = {
    "layout_features": [],  # horizontal text needs none; GSUB/GPOS would double the size
    "hinting": False,
    "desubroutinize": True,  # compresses better
    "name_IDs": [0, 1, 2, 13, 14],  # copyright, family, style, and the OFL licence, which travels with the font
}


def page_text(page: str) -> str:
    """The text of an HTML page as a reader sees it: no markup, styles, scripts or SVG; entities resolved."""
    text = re.sub(r"<(style|svg|script)\b.*?</\1\s*>", "", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def font_face_css(text: str) -> str:
    """An @font-face rule for FAMILY holding, as a data: URL, the glyphs of every character of `text` and of
    printable ASCII."""
    chars = "".join(sorted(c for c in set(text) | set(ALWAYS) if c.isprintable()))
    data = base64.b64encode(woff2(chars)).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY}"; font-display: block; '
            f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}')


@functools.cache
def code_text() -> str:
    """The text of govreport's code and templates: a superset of every label and phrase a page can print."""
    return "".join(p.read_text(encoding="utf-8") for p in package_sources())


def year_text(*years: YearData | None) -> str:
    """Every character the reports of these years can show: their data's text, and code_text()."""
    parts = [code_text()]
    for year in filter(None, years):
        parts += [str(field) for agency in year.agencies.values() for field in astuple(agency)]
        parts += [text for texts in year.narrative.values() for text in texts.values()]
    return "".join(parts)


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "govreport" / "webfont"


@functools.cache
def _font_digest(font: Path) -> str:
    return hashlib.sha256(font.read_bytes()).hexdigest()


def woff2(chars: str) -> bytes:
    """The WOFF2 subset for `chars` (a sorted string of distinct characters): from the cache, or made and cached."""
    font = charts.font_path()
    key = "\0".join([_font_digest(font), fontTools.version, brotli.__version__, repr(sorted(OPTIONS.items())), chars])
    cached = cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()}.woff2"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = subset_woff2(font, chars)
    try:
        write_atomic_bytes(cached, data)  # concurrent builders write the same bytes; the last rename wins
    except OSError:
        pass  # no writable cache: still correct, only slower
    return data


def subset_woff2(font: Path, chars: str) -> bytes:
    """Subset `font` to the glyphs of `chars`, as WOFF2 bytes (the same bytes every time)."""
    ttfont = TTFont(font, recalcTimestamp=False)  # keep head.modified: no build time in the bytes
    subsetter = subset.Subsetter(subset.Options(**OPTIONS))
    subsetter.populate(text=chars)
    subsetter.subset(ttfont)
    ttfont.flavor = "woff2"
    out = BytesIO()
    ttfont.save(out)
    return out.getvalue()
