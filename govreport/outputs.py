"""What a build writes, in one place: the output layout and file names, and the schemas of results.json (what
a report records about itself) and build.json (how its build went), with their readers and writers.

    <out>/<year>/index.html                      the year's index page (index.py)
    <out>/<year>/workers.log                     the build's worker processes' stderr
    <out>/<year>/<agency>/report.html            the report (and report.pdf with --pdf, report.docx with --docx,
                                                 report.fragment.html with --fragment)
    <out>/<year>/<agency>/report.ipynb           the executed notebook
    <out>/<year>/<agency>/results.json           Results: read by the index page and `govreport diff`
    <out>/<year>/<agency>/build.json             BuildState: the build's incremental key and outcome
    <out>/<year>/<agency>/error.log              the full story of a failed build
    <out>/<year>/region.html                     the region's 汇总 report (and region.pdf, region.docx,
                                                 region.fragment.html)
    <out>/<year>/_region/                        its report.ipynb, results.json, build.json, error.log

The build writes these, the index page and `govreport diff` read them; none of them imports another to learn
a name. This module imports nothing of ours but files.write_atomic.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from typing_extensions import TypedDict  # typing's, before Python 3.12, is one pydantic cannot validate

from .files import write_atomic

REPORT = "report.html"
NOTEBOOK = "report.ipynb"
RESULTS = "results.json"
STATE = "build.json"
LOG = "error.log"
PDF = "report.pdf"
DOCX = "report.docx"
FRAGMENT = "report.fragment.html"  # the report's article for a CMS (fragment.py)
INDEX = "index.html"
WORKER_LOG = "workers.log"
LOCK = ".lock"
DIFF = "diff.html"  # `govreport diff --html`'s default name
REGION_REPORT = "region.html"
REGION_PDF = "region.pdf"
REGION_DOCX = "region.docx"
REGION_FRAGMENT = "region.fragment.html"
_REGION_NAMES = {PDF: REGION_PDF, DOCX: REGION_DOCX, FRAGMENT: REGION_FRAGMENT}
REGION_DIR = "_region"  # no agency id starts with "_" (dataset._SAFE_ID): never an agency's directory
RESULTS_MIMETYPE = "application/vnd.govreport.results+json"  # how the notebook publishes Results


def year_dir(output_dir: Path, year: int) -> Path:
    return Path(output_dir) / str(year)


def agency_dir(output_dir: Path, year: int, agency: str) -> Path:
    return year_dir(output_dir, year) / agency


def page(output_dir: Path, year: int, agency: str) -> Path:
    """A report's page: the agency's report.html, or the region's region.html beside the year's index."""
    if agency == REGION_DIR:
        return year_dir(output_dir, year) / REGION_REPORT
    return agency_dir(output_dir, year, agency) / REPORT


def beside(page: Path, name: str) -> Path:
    """What is made from a report page (PDF, DOCX, FRAGMENT), beside it: region.pdf … beside region.html."""
    return page.with_name(_REGION_NAMES[name] if page.name == REGION_REPORT else name)


def stale(page: Path, made: Path) -> bool:
    """`made` from a page (its PDF, document, fragment) is missing, or older than the page."""
    return not made.is_file() or made.stat().st_mtime_ns < page.stat().st_mtime_ns


def region_dir(output_dir: Path, year: int) -> Path:
    """Where the region's build keeps its notebook, results and state (its report is beside the year's index)."""
    return year_dir(output_dir, year) / REGION_DIR


# ---------------------------------------------------------------- schemas
class FindingRecord(TypedDict):
    """One check finding as JSON (checks.findings_records)."""

    rule: str
    severity: Literal["error", "warning"]
    agency: str
    cells: list[str]
    expected: str
    found: str
    message: str
    rule_zh: str
    rule_en: str


class Results(TypedDict):
    """results.json: one report's key results, machine-readable (made in the kernel by report.results)."""

    agency: str
    name: str
    year: int
    figures: dict[str, int | float | None]  # narrative.figures: received, concluded, completion_rate, …
    s2: dict[str, int | float]  # format.S2_CELLS -> value (fees_amount in 万元)
    s3: dict[str, int]  # "row:column" (format.S3_ROWS, S3_COLUMNS) -> count
    s4: dict[str, int]  # format.S4_CELLS -> count
    sentences: list[str]  # computed from the tables (narrative.sentences)
    text: list[str]  # the agency's own narrative, sentence by sentence
    findings: list[FindingRecord]


Status = Literal["built", "skipped", "failed", "refused"]  # skipped: unchanged; refused: --strict


class BuildState(TypedDict):
    """build.json: how the agency's last build went (build.Outcome) and the key of the inputs it built from."""

    agency: str
    status: Status
    findings: list[FindingRecord]
    error: str  # why there is no new report: one line (bad data: one line a problem)
    log: str  # file with the full traceback (LOG), relative to the agency's directory; "" if none
    key: str  # build.input_key of a built report; "" otherwise


# ---------------------------------------------------------------- readers and writers
def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def dumps(record: dict) -> str:
    """How results.json and build.json are written (a worker makes the text, the build writes it)."""
    return json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True)


def _write(path: Path, record: dict) -> None:
    write_atomic(path, dumps(record))


def read_results(directory: Path) -> Results | None:
    """The agency directory's results.json; None when missing or unreadable. A build by older code may lack
    keys added since (`govreport diff` compares revisions): readers of optional parts use .get()."""
    return _read(Path(directory) / RESULTS)


def write_results(directory: Path, results: Results) -> None:
    _write(Path(directory) / RESULTS, results)


def read_state(directory: Path) -> BuildState | None:
    """The agency directory's build.json; None when missing or unreadable (never built, or killed first)."""
    return _read(Path(directory) / STATE)


def write_state(directory: Path, state: BuildState) -> None:
    _write(Path(directory) / STATE, state)
