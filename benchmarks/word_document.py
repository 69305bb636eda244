"""report.docx (govreport/word.py): time and size of each sample agency's Word document, with and without charts.

    python benchmarks/word_document.py [--year 2022] [--data data]

Each report is loaded first (as the build's worker does, from the data); only word.document is timed, in this
process after a first document (imports and fonts warm). Prints the median and the slowest, and the sizes.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from govreport import report, word
from govreport.dataset import load_year


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--year", type=int, default=2022)
    p.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    args = p.parse_args()
    reports = [report.load(args.data, args.year, a) for a in load_year(args.data, args.year).agencies]
    word.document(reports[0])  # warm: imports, fonts
    for charts in (True, False):
        times, sizes = [], []
        for r in reports:
            start = time.perf_counter()
            sizes.append(len(word.document(r, charts=charts)))
            times.append(time.perf_counter() - start)
        print(f"{'with' if charts else 'without'} charts, {len(reports)} reports: "
              f"median {statistics.median(times):.2f} s, slowest {max(times):.2f} s; "
              f"size median {statistics.median(sizes) / 1024:.0f} KB, largest {max(sizes) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
