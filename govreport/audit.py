"""`govreport audit`: import published reports in memory and run every check of `govreport check` on them.

One line per report (agency, year, errors, warnings, inferred cells), then the findings; `--html` writes
the same as a page (templates/govreport/audit.html.j2). Reports of consecutive years of one agency are
checked across years (R6, R7, W4), as `govreport check` does for data/.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import checks
from .dataset import DataError
from .files import write_atomic
from .importer import Imported, read_report

TEMPLATES = Path(__file__).parent / "templates" / "govreport"


@dataclass
class Audited:
    """One file: what it imported to (or why it was refused) and what the checks found."""

    path: Path
    imported: Imported | None = None
    error: str = ""
    findings: list[checks.Finding] = field(default_factory=list)

    @property
    def counts(self) -> tuple[int, int]:
        errors = sum(f.severity == "error" for f in self.findings)
        return errors, len(self.findings) - errors

    def line(self) -> str:
        if self.imported is None:
            return f"{self.path}: REFUSED: {self.error}"
        d, (errors, warnings) = self.imported.data, self.counts
        return (f"{self.path}: {d.agency.name} {d.year}: {errors} error(s), {warnings} warning(s), "
                f"{len(self.imported.inferred)} inferred cell(s)")


def audit(paths) -> list[Audited]:
    """Import each file and check it, against the report of the year before of the same agency if given."""
    results = []
    for path in map(Path, paths):
        try:
            results.append(Audited(path, read_report(path)))
        except DataError as err:
            results.append(Audited(path, error=str(err).removeprefix(f"{path}: ")))
    by_key = {(a.imported.data.agency.full_name, a.imported.data.year): a.imported.data
              for a in results if a.imported}
    for a in results:
        if a.imported:
            d = a.imported.data
            a.findings = checks.check_agency(d, by_key.get((d.agency.full_name, d.year - 1)))
    return results


def terminal(results: list[Audited]) -> str:
    lines = [a.line() for a in results]
    inferred = [f"  {a.path}: {cell}" for a in results if a.imported for cell in a.imported.inferred]
    if inferred:
        lines += ["", "inferred cells (not read as printed; the rule that fixed each):", *inferred]
    lines += ["", checks.findings_table([f for a in results for f in a.findings])]
    return "\n".join(lines)


def html(results: list[Audited]) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    return env.get_template("audit.html.j2").render(results=results)


def cmd_audit(args) -> int:
    results = audit(args.paths)
    print(terminal(results))
    if args.html:
        write_atomic(args.html, html(results))
        print(f"  open {Path(args.html).resolve()}")
    refused = any(a.imported is None for a in results)
    return 1 if refused or any(checks.has_errors(a.findings) for a in results) else 0


def add_parser(sub) -> None:
    p = sub.add_parser("audit", help="import published reports in memory and check them (nothing is written)",
                       description="Read each published report (.html/.htm, .docx, .pdf, .txt), run every check "
                                   "of `govreport check` on it (R6/R7/W4 between consecutive years of one agency), "
                                   "print one line per report and the findings. Exit status 1 when a report is "
                                   "refused or breaks a rule.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="published report files")
    p.add_argument("--html", type=Path, metavar="FILE", help="also write the results as a web page")
    p.set_defaults(func=cmd_audit)
