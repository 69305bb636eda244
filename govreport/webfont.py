"""The pages' Chinese font, embedded: a WOFF subset of the shipped Noto Sans CJK SC, one per page.

A reader's machine may have no Chinese font at all; every Chinese character of the HTML text (and of the
charts, whose labels are SVG text) would then show as a box. So each page carries, in its own <style>, an
@font-face for FAMILY whose data: URL holds the glyphs of that page's own characters (and printable ASCII),
and nothing else: a page's bytes depend on its own text only, so one agency's narrative never rebuilds or
grows another's report.

HarfBuzz's subsetter makes the subset in 2–3 ms. The font is CFF-flavoured, so WOFF2 would be one Brotli
stream over the same tables (no glyf transform to gain from): fontTools writes WOFF2 only at Brotli's top
quality (0.45 s a page for 9 % less), and at quality 9 (30 ms) it is 1.5 % smaller than WOFF 1.0, which
fontTools writes (zlib, per table) in 7 ms. So: WOFF 1.0, about 80 KB and 8 ms a sample report
(benchmarks/font.py). The bytes are deterministic (the font's own timestamp is kept), so pages stay
byte-identical across builds.

Each subset is also kept in the user's cache directory (CACHE), named by the hash of its characters and of
`fingerprint()` (the font file's hash, the subsetter's and the writer's versions): a rerun of a report whose
characters did not change (the analyst's loop), or the year's index page, reads it back instead of loading
the font and fontTools' WOFF writer, about 0.3 s in a fresh process. An entry holds its own checksum: a
corrupt one is ignored and made again; the oldest go beyond CACHE_ENTRIES.
"""
from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import html
import os
import re
import tempfile
import unicodedata
import zlib
from io import BytesIO
from pathlib import Path

import fontTools
import platformdirs
import uharfbuzz as hb

from . import charts

FAMILY = charts.FONT_FAMILY  # the charts' SVG text names it too; report.css puts it first in the font stack
ALWAYS = "".join(map(chr, range(0x20, 0x7F)))  # printable ASCII: Latin text and digits always in the same font
FLAGS = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_LAYOUT_CLOSURE
NAME_IDS = (0, 1, 2, 13, 14)  # copyright, family, style, and the OFL licence, which travels with the font
DROP = ("GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx")  # no layout features (as before) and no vertical text
CACHE_ENTRIES = 512  # subsets kept (about 80 KB each)


def page_text(page: str) -> str:
    """Every character an HTML page draws in its font: its text, the charts' SVG <text> included, entities
    resolved; not its styles, scripts, comments or attribute values."""
    text = re.sub(r"<(style|script)\b.*?</\1\s*>|<!--.*?-->", "", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def shown(text: str) -> str:
    """The distinct characters of `text` that have glyphs (no control or format characters), with printable
    ASCII, sorted."""
    return "".join(sorted({c for c in text if unicodedata.category(c)[0] != "C"} | set(ALWAYS)))


def embed(page: str) -> str:
    """`page` with its own font: font_face_css of its text, first in its first <style> element."""
    head, style, rest = page.partition("<style>")
    if not style:
        raise ValueError("the page has no <style> element for its font")
    return f"{head}{style}\n{font_face_css(page_text(page))}\n{rest}"


def font_face_css(text: str) -> str:
    """An @font-face rule for FAMILY holding, as a data: URL, the glyphs of the characters of `text`."""
    data = base64.b64encode(woff(shown(text))).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY}"; font-display: block; '
            f'src: url(data:font/woff;base64,{data}) format("woff"); }}')


@functools.cache
def _face() -> hb.Face:
    return hb.Face(hb.Blob.from_file_path(str(charts.font_path())))


def subset(chars: str) -> bytes:
    """The shipped font cut down to the glyphs of `chars`, as OpenType bytes (hb-subset)."""
    spec = hb.SubsetInput()
    spec.flags = FLAGS
    spec.unicode_set.update(map(ord, chars))
    spec.name_id_set.clear()
    spec.name_id_set.update(NAME_IDS)
    spec.drop_table_tag_set.update(int.from_bytes(tag.encode("ascii"), "big") for tag in DROP)
    return hb.subset(_face(), spec).blob.data


def woff(chars: str) -> bytes:
    """subset(chars) as WOFF 1.0 bytes: the same bytes for the same characters, every time; from the cache
    when a run made them before."""
    key = hashlib.sha256(f"{fingerprint()}\0{chars}".encode()).hexdigest()
    entry = cache_dir() / f"{key}.woff"
    data = _read_entry(entry)
    if data is None:
        data = _woff(chars)
        _write_entry(entry, data)
    return data


def _woff(chars: str) -> bytes:
    from fontTools.ttLib import TTFont  # 0.2 s of imports: only when the cache has no such subset
    font = TTFont(BytesIO(subset(chars)), recalcTimestamp=False, recalcBBoxes=False)
    font.flavor = "woff"
    out = BytesIO()
    font.save(out, reorderTables=None)  # None: written once, in dependency order (False or True: twice)
    return out.getvalue()


def cache_dir() -> Path:
    """Where the subsets are kept: $XDG_CACHE_HOME/govreport/fonts on Linux (platformdirs)."""
    return platformdirs.user_cache_path("govreport") / "fonts"


def _read_entry(path: Path) -> bytes | None:
    """A cache entry's font, or None when it is missing, unreadable or corrupt (its checksum does not match)."""
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    digest, data = stored[:32], stored[32:]
    return data if hashlib.sha256(data).digest() == digest else None


def _write_entry(path: Path, data: bytes) -> None:
    """Write an entry atomically (readers see none or all of it), then drop the oldest beyond CACHE_ENTRIES.
    A cache that cannot be written (read-only, full) is no error: the next run makes the subset again."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(hashlib.sha256(data).digest() + data)
            os.replace(tmp, path)
        except OSError:
            os.unlink(tmp)
            raise
        names = [name for name in os.listdir(path.parent) if name.endswith(".woff")]
        if len(names) > CACHE_ENTRIES + CACHE_ENTRIES // 8:  # now and then, not a stat of each at every write
            entries = sorted((path.parent / name for name in names), key=lambda p: p.stat().st_mtime_ns)
            for old in entries[:-CACHE_ENTRIES]:
                old.unlink(missing_ok=True)


@functools.cache
def fingerprint() -> str:
    """What decides the font's bytes besides govreport's own code: the font file, and the versions of the
    subsetter and of the WOFF writer and its zlib. Part of every report's build key."""
    digest = hashlib.sha256(charts.font_path().read_bytes()).hexdigest()
    return " ".join([digest, hb.__version__, fontTools.version, zlib.ZLIB_RUNTIME_VERSION])
