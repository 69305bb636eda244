"""`govreport lint-notebooks`: keep every notebook reviewable as code.

Each `.ipynb` under the notebooks directory is paired with a jupytext percent-format `.py` twin holding the same
cells, and is committed without outputs, execution counts or volatile metadata. `--fix` makes it so: it strips
the `.ipynb` and, when the two files disagree, rewrites the older one from the one saved last (as
`jupytext --sync` does). In-sync means jupytext reads the same cells (sources and metadata) from both files;
file times only choose the direction of a fix.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .terminal import safe

FIX_COMMAND = "govreport lint-notebooks --fix"
TWIN_FORMAT = "py:percent"
PAIRING = "ipynb," + TWIN_FORMAT
KEEP_NOTEBOOK_METADATA = ("jupytext", "kernelspec")  # anything else (language_info, widgets, …) is volatile
VOLATILE_CELL_METADATA = ("autoscroll", "collapsed", "scrolled", "trusted", "execution", "ExecuteTime", "papermill")


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def notebooks(directory: Path) -> list[Path]:
    """The `.ipynb` files under `directory`, and a would-be `.ipynb` beside each `.py` that has none."""
    files = [p for p in sorted(directory.rglob("*.ipynb")) + sorted(directory.rglob("*.py"))
             if ".ipynb_checkpoints" not in p.parts]
    return sorted({p.with_suffix(".ipynb") for p in files})


def _cells(ids: list[int]) -> str:
    return ("cell " if len(ids) == 1 else "cells ") + ", ".join(map(str, ids))


def dirt(nb) -> list[str]:
    """What a committed notebook must not hold: outputs, execution counts, volatile metadata."""
    out = []
    numbered = list(enumerate(nb.cells, 1))
    if ids := [i for i, c in numbered if c.get("outputs")]:
        out.append(f"saved with outputs ({_cells(ids)})")
    if ids := [i for i, c in numbered if c.get("execution_count") is not None]:
        out.append(f"saved with execution counts ({_cells(ids)})")
    volatile = [f"metadata.{k}" for k in nb.metadata if k not in KEEP_NOTEBOOK_METADATA]
    volatile += [f"cell {i} metadata.{k}" for i, c in numbered for k in c.metadata if k in VOLATILE_CELL_METADATA]
    if volatile:
        out.append("volatile metadata: " + ", ".join(volatile))
    return out


def strip(nb) -> None:
    """Remove outputs, execution counts and volatile metadata (in place); pair the notebook with its twin."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    for key in [k for k in nb.metadata if k not in KEEP_NOTEBOOK_METADATA]:
        del nb.metadata[key]
    pairing = nb.metadata.setdefault("jupytext", {})
    pairing.pop("text_representation", None)
    if TWIN_FORMAT not in pairing.get("formats", "").split(","):
        pairing["formats"] = PAIRING


def difference(py: Path, ipynb: Path) -> str | None:
    """Why the twin and the notebook disagree (jupytext's comparison of cells and metadata), or None."""
    import jupytext  # imported here: it takes seconds, and every govreport command builds this parser
    from jupytext.compare import NotebookDifference, compare_notebooks

    try:
        compare_notebooks(jupytext.read(py), jupytext.read(ipynb), fmt=TWIN_FORMAT)
    except NotebookDifference as e:
        return str(e)
    return None


def _read(ipynb: Path):
    """The notebook, or None when it cannot be read (not JSON: e.g. left with merge conflict markers)."""
    import jupytext

    try:
        return jupytext.read(ipynb)
    except Exception:  # whatever nbformat raises for a file that is not a notebook
        return None


def check_pair(ipynb: Path) -> list[Problem]:
    """The problems of one notebook and its twin."""
    py = ipynb.with_suffix(".py")
    if not ipynb.exists():
        return [Problem(py, f"has no paired notebook {ipynb.name}")]
    if (nb := _read(ipynb)) is None:
        return [Problem(ipynb, "cannot be read as a notebook (merge conflict markers?)")]
    problems = [Problem(ipynb, m) for m in dirt(nb)]
    if TWIN_FORMAT not in nb.metadata.get("jupytext", {}).get("formats", "").split(","):
        problems.append(Problem(ipynb, f"not paired with a {TWIN_FORMAT} twin (metadata jupytext.formats "
                                       f"should be \"{PAIRING}\")"))
    if not py.exists():
        problems.append(Problem(ipynb, f"its twin {py.name} is missing"))
    elif why := difference(py, ipynb):
        problems.append(Problem(py, f"out of sync with {ipynb.name} (one was edited without the other): {why}"))
    return problems


def check(directory: Path) -> list[Problem]:
    """Every problem of the notebooks under `directory`; [] when all are paired, in sync and clean."""
    return [p for ipynb in notebooks(directory) for p in check_pair(ipynb)]


def fix_pair(ipynb: Path) -> list[Path]:
    """Strip the notebook and bring its twin in line, from whichever file was saved last; returns files written."""
    import jupytext
    from jupytext.combine import combine_inputs_with_outputs

    py = ipynb.with_suffix(".py")
    old = _read(ipynb) if ipynb.exists() else None
    if py.exists() and (old is None or (
            py.stat().st_mtime_ns > ipynb.stat().st_mtime_ns and difference(py, ipynb) is not None)):
        nb = jupytext.read(py, fmt=TWIN_FORMAT)
        if old is not None:  # keep the cell ids (and whatever else) the notebook had
            nb = combine_inputs_with_outputs(nb, old, fmt=TWIN_FORMAT)
    elif old is not None:
        nb = old
    else:  # an unreadable notebook without a twin: nothing to rebuild it from
        return []
    strip(nb)
    written = []
    text = jupytext.writes(nb, "ipynb").rstrip("\n") + "\n"  # with the final newline Jupyter writes
    if not ipynb.exists() or ipynb.read_text(encoding="utf-8") != text:
        ipynb.write_text(text, encoding="utf-8")
        written.append(ipynb)
    if not py.exists() or difference(py, ipynb):
        jupytext.write(nb, py, fmt=TWIN_FORMAT)
        written.append(py)
    return written


def fix(directory: Path) -> list[Path]:
    """Fix every notebook under `directory` that has a problem; returns the files written."""
    return [f for ipynb in notebooks(directory) if check_pair(ipynb) for f in fix_pair(ipynb)]


def cmd_lint(args) -> int:
    from .project import project_root

    args.directory = args.directory or project_root() / "notebooks"
    if not args.directory.is_dir():  # else a typo would pass as "0 notebooks, all clean"
        from .dataset import DataError
        raise DataError(args.directory, "no such directory of notebooks")
    if args.fix:
        for path in fix(args.directory):
            print(safe(f"fixed {path}"))
    problems = check(args.directory)
    for p in problems:
        print(safe(str(p)))
    count = len(notebooks(args.directory))
    if problems:
        print(f"\n{len(problems)} problem(s) in the notebooks under {args.directory}. Fix: {FIX_COMMAND}\n"
              "(strips outputs, execution counts and volatile metadata; syncs each .ipynb/.py pair from the file "
              "saved last)")
        return 1
    print(f"{count} notebook(s) under {args.directory}: paired with {TWIN_FORMAT} twins, in sync, without outputs")
    return 0


def add_parser(sub) -> None:
    """Register `govreport lint-notebooks`."""
    p = sub.add_parser("lint-notebooks", help="check that notebooks are committed clean and in sync with .py twins",
                       description="Fail (exit status 1) when a notebook is saved with outputs, execution counts or "
                                   "volatile metadata, or its jupytext .py twin is missing or out of sync. "
                                   f"`{FIX_COMMAND}` fixes them.")
    p.add_argument("directory", nargs="?", type=Path,
                   help="directory of notebooks (default: the project's notebooks)")
    p.add_argument("--fix", action="store_true",
                   help="strip outputs and volatile metadata, and sync each pair from the file saved last")
    p.set_defaults(func=cmd_lint)

