"""`govreport diff OLD NEW`: what a change does to every report, for a reviewer.

OLD and NEW are build output directories (holding <year>/<agency>/results.json), or git revisions: a branch,
a tag, a sha, HEAD~1…, or WORKTREE for the working tree as it is (uncommitted changes included). A revision
is exported to a temporary directory (`git archive`, so the repository itself is left alone) and built there
with its own package, notebooks and data.

The comparison reads what each report records about itself, never its HTML: results.json (the tables'
numbers, the narrative sentences computed from them, the check findings) and, for the charts, a digest of
each image/svg+xml output of the executed report.ipynb (matplotlib's version stamp left out).
"""
from __future__ import annotations

import difflib
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby, zip_longest
from pathlib import Path

from . import format as fmt
from . import lint, outputs, pages
from .terminal import safe

WORKTREE = "WORKTREE"
SECTIONS = ("s2", "s3", "s4")  # the results' table sections, in report order
_SECTION_NO = {s: fmt.SECTION_TITLES[s[1]].split("、")[0] for s in SECTIONS}  # "s3" -> "三"
_ORDER = {  # results key -> position in its table, row-major as printed
    "s2": {c: i for i, c in enumerate(fmt.S2_CELLS)},
    "s3": {k: i for i, k in enumerate(f"{r}:{c}" for r in fmt.S3_ROWS for c in fmt.S3_COLUMNS)},
    "s4": {c: i for i, c in enumerate(fmt.S4_CELLS)},
}


class DiffError(Exception):
    """OLD or NEW is neither a build output directory nor a git revision, or nothing was built."""


# ---------------------------------------------------------------- labels
_S3_COLUMNS = {code: "·".join(p) for code, p in fmt.leaf_paths(fmt.S3_COLUMN_TREE).items()}  # 法人或其他组织·其他
_S4 = fmt.leaf_paths(fmt.S4_TREE)


def cell_labels(section: str, key: str) -> tuple[str, str]:
    """The row and column labels of a results key: ("s3", "1:total") -> ("一、本年新收政府信息公开申请数量", "总计")."""
    if section == "s2":
        return fmt.S2_LABELS[key]
    if section == "s3":
        row, col = key.split(":")
        return fmt.S3_ROW_NAMES[row], _S3_COLUMNS[col]
    *row, col = _S4[key]
    return "·".join(row), col


# ---------------------------------------------------------------- what changed
@dataclass(frozen=True)
class Cell:
    """One table cell whose value changed (None: the cell is missing on that side)."""

    section: str  # "s2" | "s3" | "s4"
    key: str  # as in results.json: "normative_issued", "1:total", "review_corrected"
    old: float | None
    new: float | None

    @property
    def labels(self) -> tuple[str, str]:
        return cell_labels(self.section, self.key)

    @property
    def name(self) -> str:
        return "·".join((_SECTION_NO[self.section], *self.labels))


@dataclass
class ReportDiff:
    """One report (one agency, one year) compared."""

    year: int
    agency: str
    name: str
    status: str  # "changed" | "unchanged" | "added" | "removed"
    cells: list[Cell] = field(default_factory=list)
    sentences: list[tuple[str | None, str | None]] = field(default_factory=list)  # (old, new); None: none
    findings_added: list[dict] = field(default_factory=list)
    findings_removed: list[dict] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # the charts that differ: "图1（一、总体情况） changed"
    renamed: tuple[str, str] | None = None

    @property
    def shown(self) -> str:
        """The report's id as printed: the agency's, or `region` for the region's 汇总 report."""
        return "region" if self.agency == outputs.REGION_DIR else self.agency


def chart_digests(notebook: Path) -> list[tuple[str, str]] | None:
    """(name, digest) of each chart the executed notebook shows, in order; None without the notebook.

    A chart is named by its place: 图1（一、总体情况）, after the section title shown before it."""
    if not notebook.exists():
        return None
    section, charts = "", []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if titles := re.findall(r'<h2 id="s(\d)"', _joined(data.get("text/html", ""))):
                section = fmt.SECTION_TITLES.get(titles[-1], "")
            if svg := _joined(data.get("image/svg+xml", "")):
                svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
                name = f"图{len(charts) + 1}" + (f"（{section}）" if section else "")
                charts.append((name, hashlib.sha256(svg.encode()).hexdigest()))
    return charts


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def load(directory: Path, years=None, agencies=None) -> dict[tuple[int, str], dict]:
    """(year, agency) -> the report's results, plus "charts" (chart_digests), for each report under `directory`."""
    out = {}
    for path in sorted(directory.glob(f"*/*/{outputs.RESULTS}")):
        year, agency = path.parent.parent.name, path.parent.name
        if not year.isdigit() or (years and int(year) not in years) or (agencies and agency not in agencies):
            continue
        results = outputs.read_results(path.parent)
        if results is not None:  # an unreadable one: no report there
            out[int(year), agency] = {**results, "charts": chart_digests(path.parent / outputs.NOTEBOOK)}
    return out


def _sentences(old: list[str], new: list[str]) -> list[tuple[str | None, str | None]]:
    """The sentences that differ, paired old -> new where one replaces another."""
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op != "equal":
            out += zip_longest(old[i1:i2], new[j1:j2])
    return out


def _finding_key(f: dict) -> str:
    return json.dumps(f, ensure_ascii=False, sort_keys=True)


def _charts(old: list | None, new: list | None) -> list[str]:
    """The charts that differ: "图1（一、总体情况） changed" (or added, removed)."""
    if old is None or new is None:  # a side without report.ipynb: charts unknown
        return []
    return [f"{(n or o)[0]} {'added' if o is None else 'removed' if n is None else 'changed'}"
            for o, n in zip_longest(old, new) if o is None or n is None or o[1] != n[1]]


def compare_report(year: int, agency: str, old: dict | None, new: dict | None) -> ReportDiff:
    """What changed in one report between two results (None: no such report on that side)."""
    name = (new or old)["name"]
    if old is None or new is None:
        return ReportDiff(year, agency, name, "added" if old is None else "removed")
    d = ReportDiff(year, agency, name, "unchanged")
    for s in SECTIONS:
        a, b = old.get(s, {}), new.get(s, {})
        keys = sorted(a.keys() | b.keys(), key=lambda k: (_ORDER[s].get(k, -1), k))  # in table order
        d.cells += [Cell(s, k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]
    d.sentences = _sentences(old.get("sentences", []) + old.get("text", []),  # computed, then the agency's own
                             new.get("sentences", []) + new.get("text", []))
    before = {_finding_key(f): f for f in old.get("findings", [])}
    after = {_finding_key(f): f for f in new.get("findings", [])}
    d.findings_added = [f for k, f in after.items() if k not in before]
    d.findings_removed = [f for k, f in before.items() if k not in after]
    d.charts = _charts(old.get("charts"), new.get("charts"))
    d.renamed = (old["name"], new["name"]) if old["name"] != new["name"] else None
    if d.cells or d.sentences or d.findings_added or d.findings_removed or d.charts or d.renamed:
        d.status = "changed"
    return d


def compare(old: dict, new: dict) -> list[ReportDiff]:
    """Every report of either side compared, by year then agency."""
    return [compare_report(*key, old.get(key), new.get(key)) for key in sorted(old.keys() | new.keys())]


# ---------------------------------------------------------------- OLD and NEW: directories or revisions
@dataclass
class Side:
    """One side of the comparison: what it is, where its reports are, what went wrong building it."""

    label: str  # as shown: the directory, or the revision and its commit
    directory: Path
    problems: str = ""  # the build's error output, when it failed for some (or every) report
    kept: bool = True  # the directory outlives the command (a temporary build is gone after the comparison)


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if proc.returncode:
        raise DiffError(proc.stderr.strip() or f"git {' '.join(args)} failed")
    return proc.stdout.strip()


def is_output_dir(path: Path) -> bool:
    """Whether `path` is a build output directory: it holds <year>/<agency>/results.json."""
    return path.is_dir() and any(p.parent.parent.name.isdigit() for p in path.glob(f"*/*/{outputs.RESULTS}"))


def build(source: Path, out: Path, years=None, agencies=None) -> str:
    """Build the reports of the source tree `source` (its data, notebook and package) into `out`, with
    `govreport build` run by this Python; returns, when it failed, its lines about failures (else its last lines)."""
    cmd = [sys.executable, "-m", "govreport.cli", "build", "--data", str(source / "data"), "--out", str(out)]
    # no --notebook: run in `source`, the build uses its project notebook, else its package's own
    cmd += [f"--year={y}" for y in years or ()] + [f"--agency={a}" for a in agencies or ()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(source), os.environ.get("PYTHONPATH"))))}
    proc = subprocess.run(cmd, cwd=source, env=env, capture_output=True, text=True)
    if proc.returncode == 0:
        return ""
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return "\n".join([x.strip() for x in lines if re.search(r"\bfail|^\S*: error:", x.strip(), re.I)] or lines[-30:])


def export(repo: Path, commit: str, target: Path) -> None:
    """Write the files of `commit` into `target` (a checkout that leaves the repository untouched)."""
    archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit], capture_output=True)
    if archive.returncode:
        raise DiffError(archive.stderr.decode(errors="replace").strip())
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")


@contextmanager
def side(spec: str, role: str, repo: Path, years=None, agencies=None, keep: Path | None = None) -> Iterator[Side]:
    """OLD or NEW as a directory of reports: `spec` itself when it is a build output directory; otherwise the
    revision `spec` of `repo`, built into `keep`/<role> (or a temporary directory, removed afterwards)."""
    if is_output_dir(Path(spec)):
        yield Side(spec, Path(spec))
        return
    try:
        top = Path(_git(repo, "rev-parse", "--show-toplevel"))
        commit = None if spec == WORKTREE else _git(repo, "rev-parse", "--verify", f"{spec}^{{commit}}")
    except DiffError as e:
        raise DiffError(f"{spec} is neither a build output directory (<year>/<agency>/results.json) "
                        f"nor a git revision of {repo}: {e}") from None
    label = f"{spec} (uncommitted working tree of {top})" if commit is None else f"{spec} ({commit[:10]})"
    with tempfile.TemporaryDirectory(prefix=f"govreport-diff-{role}-") as tmp:
        out = keep / role if keep else Path(tmp) / "outputs"
        shutil.rmtree(out, ignore_errors=True)
        source = top
        if commit is not None:
            source = Path(tmp) / "src"
            export(top, commit, source)
        notebooks = {d.resolve() for d in (source / "notebooks", source / "govreport" / "project" / "notebooks")
                     if d.is_dir()}  # a project's own, the package's (this repository links the first to the second)
        if problems := [p for d in notebooks for p in lint.check(d)]:  # e.g. a .py twin edited, not its .ipynb
            print(f"warning: {role.upper()}'s notebooks fail the notebook check; the build runs each .ipynb as it is "
                  f"(fix: {lint.FIX_COMMAND}):", *map(safe, problems), sep="\n  ", file=sys.stderr)
        print(safe(f"building {role.upper()} {label} …"), file=sys.stderr, flush=True)
        started = time.monotonic()
        problems = build(source, out, years, agencies)
        print(f"  {role.upper()} built in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        yield Side(label, out, problems, kept=keep is not None)


@dataclass
class Comparison:
    old: Side
    new: Side
    reports: list[ReportDiff]


def run(old: str, new: str, repo: Path = Path("."), years=None, agencies=None, keep: Path | None = None) -> Comparison:
    """Compare OLD and NEW (build output directories, or revisions of `repo` built for the occasion)."""
    with side(old, "old", repo, years, agencies, keep) as a, side(new, "new", repo, years, agencies, keep) as b:
        reports = compare(load(a.directory, years, agencies), load(b.directory, years, agencies))
    if not reports:
        raise DiffError("no reports on either side" + "".join(
            f"\n{s.label}: {s.problems}" for s in (a, b) if s.problems))
    return Comparison(a, b, reports)


# ---------------------------------------------------------------- text
def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def counts(reports: list[ReportDiff]) -> str:
    """What changed in these reports, counted: "1 table cell, 3 sentences, 2 findings added, 1 chart"."""
    def total(attr: str) -> int:
        return sum(len(getattr(r, attr)) for r in reports)

    parts = [(total("cells"), "table cell"), (total("sentences"), "sentence"),
             (total("findings_added"), "finding added", "findings added"),
             (total("findings_removed"), "finding removed", "findings removed"), (total("charts"), "chart")]
    renamed = sum(r.renamed is not None for r in reports)
    return ", ".join([_n(*p) for p in parts if p[0]] + ([_n(renamed, "name")] if renamed else []))


def summary(reports: list[ReportDiff]) -> str:
    """One line: "1 of 30 reports change; 1 table cell, 3 sentences, 1 chart", or "no changes: …"."""
    changed = [r for r in reports if r.status != "unchanged"]
    if not changed:
        return f"no changes: {_n(len(reports), 'report')} compared, all identical"
    parts = [counts(changed)] if counts(changed) else []
    parts += [_n(sum(r.status == s for r in reports), f"report {s}", f"reports {s}")
              for s in ("added", "removed") if any(r.status == s for r in reports)]
    return f"{len(changed)} of {_n(len(reports), 'report')} change; " + ", ".join(parts)


def _value(v) -> str:
    if v is None:
        return "—"
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


def _finding(f: dict) -> str:
    return f"{'错误' if f['severity'] == 'error' else '提示'} [{f['rule']}] {f['message']}"


def _what(c: Comparison, r: ReportDiff) -> str:
    """How a report changed, in a few words."""
    if r.status == "unchanged":
        return "unchanged"
    if r.status in ("added", "removed"):
        role, s = ("OLD", c.old) if r.status == "added" else ("NEW", c.new)
        return f"{r.status} (no report in {role}{'; its build failed' if r.agency in s.problems else ''})"
    return counts([r])


def _in_order(reports: list[ReportDiff]) -> Iterator[tuple[int, list[ReportDiff]]]:
    """Per year, the reports that changed first, then the unchanged ones."""
    for year, group in groupby(reports, key=lambda r: r.year):
        yield year, sorted(group, key=lambda r: r.status == "unchanged")


def to_text(c: Comparison) -> str:
    """The comparison for a terminal: a summary, then one block per changed report, one line per unchanged;
    control characters of names, sentences or file names escaped (terminal.safe)."""
    lines = [f"OLD  {c.old.label}", f"NEW  {c.new.label}", "", summary(c.reports)]
    for role, s in (("OLD", c.old), ("NEW", c.new)):
        if s.problems:
            lines += ["", f"{role} did not build every report:", *("  " + x for x in s.problems.splitlines())]
    marks = {"changed": "~", "unchanged": "=", "added": "+", "removed": "-"}
    for year, reports in _in_order(c.reports):
        lines += ["", str(year)]
        for r in reports:
            lines.append(f"  {marks[r.status]} {r.shown} {r.name}: {_what(c, r)}")
            if r.renamed:
                lines.append(f"      name      {r.renamed[0]} → {r.renamed[1]}")
            lines += [f"      cell      {x.name}: {_value(x.old)} → {_value(x.new)}" for x in r.cells]
            for old, new in r.sentences:
                label = "sentence"
                for sign, text in (("−", old), ("+", new)):
                    if text:
                        lines.append(f"      {label:<9} {sign} {text}")
                        label = ""
            lines += [f"      finding   + {_finding(f)}" for f in r.findings_added]
            lines += [f"      finding   − {_finding(f)}" for f in r.findings_removed]
            lines += [f"      chart     {chart}" for chart in r.charts]
    return safe("\n".join(lines) + "\n")


# ---------------------------------------------------------------- HTML (diff.html.j2)
def _marked(old: str, new: str) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    """Both sentences as (changed, text) parts: the characters that differ are marked changed."""
    a, b = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        a += [(op != "equal", old[i1:i2])] if i2 > i1 else []
        b += [(op != "equal", new[j1:j2])] if j2 > j1 else []
    return a, b


def _links(c: Comparison, r: ReportDiff, base: Path) -> list[tuple[str, str]]:
    """(role, href relative to `base`) of each side's report page that outlives the command."""
    out = []
    for role, s in (("OLD", c.old), ("NEW", c.new)):
        page = outputs.page(s.directory, r.year, r.agency)
        if s.kept and page.exists():
            out.append((role, Path(os.path.relpath(page.resolve(), base.resolve())).as_posix()))
    return out


def _view(c: Comparison, r: ReportDiff, base: Path) -> dict:
    """What the page shows of one report, its values formatted as the text output formats them."""
    sentences = []
    for old, new in r.sentences:
        a, b = _marked(old or "", new or "")
        sentences.append((a if old else None, b if new else None))
    return {"report": r, "what": _what(c, r), "links": _links(c, r, base), "sentences": sentences,
            "cells": [(_SECTION_NO[x.section], *x.labels, _value(x.old), _value(x.new), x.key) for x in r.cells],
            "findings": [("added", "+", _finding(f)) for f in r.findings_added]
                        + [("removed", "−", _finding(f)) for f in r.findings_removed]}


def to_html(c: Comparison, base: Path = Path(".")) -> str:
    """The comparison as a standalone page; links to the reports are relative to the directory `base`."""
    years = [(year, [_view(c, r, base) for r in reports]) for year, reports in _in_order(c.reports)]
    return pages.render("diff.html.j2", summary=summary(c.reports), old=c.old, new=c.new, years=years)


# ---------------------------------------------------------------- command line
def cmd_diff(args) -> int:
    try:
        c = run(args.old, args.new, args.repo, args.year, args.agency, args.keep)
    except DiffError as e:
        print(safe(f"govreport diff: error: {e}"), file=sys.stderr)
        return 2
    print(to_text(c), end="")
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(to_html(c, args.html.parent), encoding="utf-8")
        print(f"\nwrote {args.html}")
    changed = any(r.status != "unchanged" for r in c.reports) or bool(c.old.problems or c.new.problems)
    return 1 if args.exit_code and changed else 0


def add_parser(sub) -> None:
    """Register `govreport diff`."""
    p = sub.add_parser(
        "diff", help="what a change does to every report: table cells, sentences, findings, charts",
        description="Compare the reports of OLD and NEW. Each is a build output directory (holding "
                    "<year>/<agency>/results.json) or a git revision (a branch, a sha, HEAD~1, or WORKTREE for the "
                    "uncommitted working tree), built in a temporary directory with its own code, notebooks and "
                    "data. Prints the changes and writes them as an HTML page. Exit status 0 whether or not "
                    "something changed, unless --exit-code; 2 on error.")
    p.add_argument("old", metavar="OLD", help="build output directory or git revision")
    p.add_argument("new", metavar="NEW", help="build output directory or git revision (WORKTREE: uncommitted)")
    p.add_argument("--year", type=int, action="append", help="only this year (repeatable; default: every year)")
    p.add_argument("--agency", action="append", help="only this agency (repeatable; default: every agency)")
    p.add_argument("--html", type=lambda s: Path(s) if s else None, default=Path("outputs") / outputs.DIFF,
                   help=f"write the page here (default: outputs/{outputs.DIFF}; '' for none)")
    p.add_argument("--exit-code", action="store_true", help="exit with status 1 when something changed (for CI)")
    p.add_argument("--repo", type=Path, default=Path("."), help="the git repository of revisions (default: .)")
    p.add_argument("--keep", type=Path, metavar="DIR",
                   help="build revisions into DIR/old and DIR/new (replaced) and keep them; diff.html links to them")
    p.set_defaults(func=cmd_diff)
