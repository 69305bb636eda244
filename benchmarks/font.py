"""Font benchmark: time and size of each report's embedded font, the old way (one subset per build) against
the new (one per report), side by side in one run, on the sample reports.

    python benchmarks/font.py                      # builds data/'s 2022 reports into a temporary directory
    python benchmarks/font.py --reports outputs/2022   # or reads reports already built there

- old, per build: fontTools' subsetter over every character of the year's data (this year's and last year's)
  and of govreport's code and templates, written as WOFF2 (Brotli quality 11, fontTools' only choice), made
  once a build; each report embeds that same font. Its time per report is the build's time divided by the
  reports.
- new, per report: webfont.embed on the report page (its font stripped): the characters of its text and
  charts, hb-subset, WOFF; every report embeds its own. Best of --repeat runs, after one warm-up.
Times are CPU seconds of this (single-threaded) process: on a shared machine, wall time mostly measures the
neighbours.
Then, for the first report, the same subset written in each candidate format (why WOFF 1.0, webfont.py).
Needs brotli for the old WOFF2 (`pip install -e '.[dev]'`).
"""
from __future__ import annotations

import argparse
import base64
import os
import re
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import astuple
from io import BytesIO
from pathlib import Path

import brotli
from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont

from govreport import charts, webfont
from govreport.dataset import load_previous, load_year
from govreport.provenance import package_sources

REPO = Path(__file__).resolve().parent.parent
OLD_OPTIONS = {"layout_features": [], "hinting": False, "desubroutinize": True, "name_IDs": [0, 1, 2, 13, 14]}
_FONT_FACE = re.compile(r"@font-face \{[^}]*\}\n?")


def best(fn, repeat: int) -> tuple[object, float]:
    """fn()'s result and its best CPU time of `repeat` runs."""
    times, result = [], None
    for _ in range(repeat):
        started = time.process_time()
        result = fn()
        times.append(time.process_time() - started)
    return result, min(times)


def old_css(font: bytes) -> str:
    """The @font-face rule the old build embedded in every page."""
    data = base64.b64encode(font).decode("ascii")
    return (f'@font-face {{ font-family: "{webfont.FAMILY}"; font-display: block; '
            f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}')


def old_font(data: Path, year: int) -> bytes:
    """The font every report of the year embedded before: one WOFF2 subset of the year's text and the code."""
    text = "".join(p.read_text(encoding="utf-8") for p in package_sources())
    for year_data in filter(None, (load_year(data, year, tolerant=True), load_previous(data, year, tolerant=True))):
        text += "".join(str(v) for a in year_data.agencies.values() for v in astuple(a))
        text += "".join(t for texts in year_data.narrative.values() for t in texts.values())
    chars = "".join(sorted(c for c in set(text) | set(webfont.ALWAYS) if c.isprintable()))
    font = TTFont(charts.font_path(), recalcTimestamp=False)
    subsetter = ftsubset.Subsetter(ftsubset.Options(**OLD_OPTIONS))
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.flavor = "woff2"
    out = BytesIO()
    font.save(out)
    return out.getvalue()


def formats(chars: str, repeat: int) -> list[str]:
    """One report's subset written in each candidate format: bytes and time (subsetting included)."""
    def woff2(quality: int) -> bytes:  # WOFF2 of a CFF font is Brotli over the tables (no glyf transform)
        return brotli.compress(webfont.subset(chars), mode=brotli.MODE_FONT, quality=quality)

    rows = [("hb-subset alone (OpenType, uncompressed)", lambda: webfont.subset(chars)),
            ("+ zlib 6 over the whole file", lambda: zlib.compress(webfont.subset(chars), 6)),
            ("+ WOFF 1.0 by fontTools (zlib per table): used", lambda: webfont.woff(chars))]
    rows += [(f"+ Brotli quality {q} (WOFF2's stream)", lambda q=q: woff2(q)) for q in (5, 9, 11)]
    out = []
    for label, fn in rows:
        data, seconds = best(fn, repeat if "11" not in label else 1)
        out.append(f"  {label:<48} {len(data) / 1000:7.1f} KB {seconds * 1000:8.1f} ms")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=Path, help="a year's output directory (<out>/<year>) to read")
    parser.add_argument("--data", type=Path, default=REPO / "data")
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        reports = args.reports
        if reports is None:
            subprocess.run([sys.executable, "-m", "govreport.cli", "build", "--year", str(args.year), "--data",
                            str(args.data), "--out", tmp], check=True, capture_output=True)
            reports = Path(tmp) / str(args.year)
        pages = {p.parent.name: _FONT_FACE.sub("", p.read_text(encoding="utf-8"))
                 for p in sorted(reports.glob("*/report.html"))}
        old, old_seconds = best(lambda: old_font(args.data, args.year), 1)
        old_rule = len(old_css(old).encode())
        webfont.embed(next(iter(pages.values())))  # warm-up: the font file, once a process
        print(f"load average {'/'.join(f'{x:.2f}' for x in os.getloadavg())}; {len(pages)} reports of {reports}; "
              f"old font made once for the build: {old_seconds:.2f} s CPU, {len(old) / 1000:.1f} KB WOFF2")
        print(f"{'report':<36}{'chars':>6}  {'old: s/report':>13} {'KB':>7}   {'new: ms/report':>14} {'KB':>7}"
              f"   {'page KB old → new':>18}")
        sizes, times = [], []
        for agency, page in pages.items():
            chars = webfont.shown(webfont.page_text(page))
            embedded, seconds = best(lambda: webfont.embed(page), args.repeat)
            new = len(webfont.woff(chars))
            sizes.append(new)
            times.append(seconds)
            print(f"{agency:<36}{len(chars):>6}  {old_seconds / len(pages):>13.3f} {len(old) / 1000:>7.1f}   "
                  f"{seconds * 1000:>14.1f} {new / 1000:>7.1f}   "
                  f"{(len(page.encode()) + old_rule) / 1000:>8.1f} → {len(embedded.encode()) / 1000:.1f}")
        print(f"{'mean':<36}{'':>6}  {old_seconds / len(pages):>13.3f} {len(old) / 1000:>7.1f}   "
              f"{sum(times) / len(times) * 1000:>14.1f} {sum(sizes) / len(sizes) / 1000:>7.1f}")
        first = next(iter(pages))
        print(f"\nformats for {first}'s subset (best of {args.repeat}; quality 11 once):")
        print("\n".join(formats(webfont.shown(webfont.page_text(pages[first])), args.repeat)))


if __name__ == "__main__":
    main()
