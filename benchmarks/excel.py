"""Fill-in workbooks: time `govreport template` and `govreport ingest` for the sample's 15 agencies; file sizes.

    .venv/bin/python benchmarks/excel.py [--repeat 3]

Each command runs as a subprocess (start-up included, as a user waits for it): `template --year 2022 --prefill`
for every sample agency, then `ingest` of those workbooks into an empty data directory. Printed: wall time and
CPU time (user + system of the subprocess) of the best of --repeat runs, and the workbooks' sizes.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOVREPORT = [sys.executable, "-m", "govreport.cli"]


def timed(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(GOVREPORT + args, check=True, stdout=subprocess.DEVNULL, cwd=REPO)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    results: dict[str, list[tuple[float, float]]] = {"template": [], "ingest": []}
    sizes: list[int] = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            out, data = Path(tmp) / "templates", Path(tmp) / "data"
            results["template"].append(timed(["template", "--year", "2022", "--prefill", "--out", str(out)]))
            files = sorted(out.glob("*.xlsx"))
            sizes = [f.stat().st_size for f in files]
            results["ingest"].append(timed(["ingest", *map(str, files), "--year", "2022", "--data", str(data)]))
    for name, runs in results.items():
        wall, cpu = min(runs)
        print(f"{name:8} {len(sizes)} agencies: {wall:5.2f} s wall ({wall / len(sizes) * 1000:4.0f} ms per agency), "
              f"{cpu:5.2f} s CPU")
    print(f"workbook size: median {statistics.median(sizes) / 1024:.1f} KiB (min {min(sizes) / 1024:.1f}, "
          f"max {max(sizes) / 1024:.1f})")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
