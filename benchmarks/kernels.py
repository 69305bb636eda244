"""Kernel start-up cost: one small report notebook run N times with fresh papermill kernels, then through
a KernelPool (kernels forked from a warm server, the next one forked while the current report runs).

    python benchmarks/kernels.py [-n 10] [--workers 1]

Prints seconds per run for each way, the ratio, and the private memory (USS) of one kernel of each kind.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import papermill
from nbformat.v4 import new_code_cell, new_notebook

from govreport.forkkernel import KernelPool, execute_notebook

CELLS = [
    ("agency = 'demo'\nyear = 2024", ["parameters"]),
    ("import json, psutil\nimport numpy as np, pandas as pd, matplotlib.pyplot as plt", []),
    ("rng = np.random.default_rng(year)\n"
     "table = pd.DataFrame({'月份': range(1, 13), '申请': rng.integers(0, 40, 12)})\n"
     "print(f'{agency} {year}：共收到申请{table[\"申请\"].sum()}件。')\n"
     "table.describe()", []),
    ("fig, ax = plt.subplots(figsize=(6, 3))\nax.bar(table['月份'], table['申请'])\nplt.show()", []),
    ("print(json.dumps({'uss': psutil.Process().memory_full_info().uss}))", []),
]


def write_notebook(directory: Path) -> str:
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                               "display_name": "Python 3"}})
    nb.cells = [new_code_cell(source, metadata={"tags": tags}) for source, tags in CELLS]
    path = directory / "report.ipynb"
    nbformat.write(nb, path)
    return str(path)


def kernel_uss(nb) -> float:
    """The kernel's own report of its private memory, in MB."""
    return json.loads(nb.cells[-1].outputs[0]["text"])["uss"] / 2**20


def timed_runs(run, n: int, workers: int) -> tuple[float, list]:
    """Seconds for n runs after one untimed warm-up run, and the executed notebooks."""
    run(-1)
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        notebooks = list(pool.map(run, range(n)))
    return time.perf_counter() - started, notebooks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10, help="runs of each kind (default 10)")
    parser.add_argument("--workers", type=int, default=1, help="notebooks run at once (default 1)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        notebook = write_notebook(directory)

        def fresh(i):
            return papermill.execute_notebook(notebook, str(directory / f"fresh-{i}.ipynb"),
                                              {"year": 2000 + i}, progress_bar=False)

        fresh_total, fresh_nbs = timed_runs(fresh, args.n, args.workers)

        started = time.perf_counter()
        with KernelPool(prefork=args.workers) as pool:  # its warm-up run includes the server's start
            if not pool.forking:
                sys.exit("fork is not available here: the pool would run ordinary kernels")

            def forked(i):
                return execute_notebook(notebook, str(directory / f"forked-{i}.ipynb"),
                                        {"year": 2000 + i}, pool=pool, progress_bar=False)

            forked_total, forked_nbs = timed_runs(forked, args.n, args.workers)
        pool_total = time.perf_counter() - started

    def mb(nbs):
        return sum(map(kernel_uss, nbs)) / len(nbs)

    print(f"{args.n} runs (after one warm-up run), {args.workers} at a time")
    print(f"fresh kernels (papermill):   {fresh_total / args.n:.2f} s/run, "
          f"kernel private memory {mb(fresh_nbs):.0f} MB")
    print(f"forked kernels (KernelPool): {forked_total / args.n:.2f} s/run, "
          f"kernel private memory {mb(forked_nbs):.0f} MB; fork server start, warm-up run and stop: "
          f"{pool_total - forked_total:.2f} s")
    print(f"ratio: {fresh_total / forked_total:.1f}x faster")


if __name__ == "__main__":
    main()
