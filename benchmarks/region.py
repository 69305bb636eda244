"""The region's 汇总 report: time to sum, to plan (its incremental key over every agency) and to build it.

    python benchmarks/region.py [N ...]      # default: the 15 sample agencies, then N = 1000 synthetic ones

For each size: `region.load` (loading the two years, summing, checking) and the whole report's HTML in this
process; the build's plan of the region (loading, every agency's digest for its key); and the region's report
alone built by `build.run` in one worker (spawn, forked kernel, papermill, nbconvert), as a user waits for it.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from govreport import build, config, outputs, region  # noqa: E402
from govreport.dataset import REGION_FILE, REGION_NARRATIVE  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def timed(what: str, action):
    start = time.perf_counter()
    value = action()
    print(f"  {what:44} {time.perf_counter() - start:7.2f} s", flush=True)
    return value


def measure(data: Path, label: str) -> None:
    print(f"{label}:", flush=True)
    r = timed("region.load (sums, checks)", lambda: region.load(data, 2022))
    timed("the report's HTML (tables, charts)", r._repr_html_)
    with tempfile.TemporaryDirectory() as out:
        settings = config.load(None, 2022, data_dir=data, output_dir=Path(out))
        todo = timed("build.plan (every agency and the region)", lambda: build.plan(settings))
        task = next(t for t in todo.tasks if t.agency == outputs.REGION_DIR)
        progress = build.Progress(1, "region", open("/dev/null", "w"))
        done = timed("build.run of the region's report, one worker",
                     lambda: build.run(build.local([task], 1, Path(out) / "workers.log", progress.note), progress))
        assert [o.status for o in done] == ["built"], done


def main(sizes: list[int]) -> None:
    measure(REPO / "data", "the sample (15 agencies)")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            data = synthetic.write_year(Path(tmp) / "data", n)
            for year in ("2021", "2022"):
                shutil.copy(REPO / "data" / year / REGION_FILE, data / year / REGION_FILE)
                shutil.copytree(REPO / "data" / year / REGION_NARRATIVE, data / year / REGION_NARRATIVE)
            measure(data, f"{n} synthetic agencies")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000])
