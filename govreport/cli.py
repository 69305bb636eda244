"""The `govreport` command: check data, run one agency's report, build a year's reports."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import build, checks, execute
from .dataset import DataError, load_previous, load_year


def _common(p: argparse.ArgumentParser, year_help: str = "report year, e.g. 2022 (repeatable)",
            year_required: bool = True) -> None:
    p.add_argument("--year", type=int, required=year_required, action="append", help=year_help)
    p.add_argument("--data", type=Path, default=Path("data"), help="data directory holding <year>/ (default: data)")


def _build_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=Path("outputs"), help="output directory (default: outputs)")
    p.add_argument("--notebook", type=Path, default=execute.NOTEBOOK, help="report notebook")
    p.add_argument("--strict", action="store_true", help="build no report for an agency whose data breaks a rule")


def cmd_check(args) -> int:
    findings = [f for y in args.year for f in checks.check_year(load_year(args.data, y), load_previous(args.data, y))]
    print(checks.findings_table(findings))
    return 1 if checks.has_errors(findings) else 0


def _report(outcomes: list[build.Outcome]) -> int:
    failed = [o for o in outcomes if o.error]
    for o in failed:
        print(f"NOT BUILT {o.agency}: {o.error}", file=sys.stderr)
    if any(o.findings for o in outcomes):
        print(checks.findings_table([f for o in outcomes for f in o.findings]))
    built = [o for o in outcomes if o.html]
    print(f"{len(built)} of {len(outcomes)} reports built" + (f"; open {built[0].html}" if len(built) == 1 else ""))
    return 1 if failed else 0


def cmd_run(args) -> int:
    return _report([o for y in args.year
                    for o in build.build_year(args.data, y, args.out, [args.agency], args.notebook, args.strict)])


def cmd_build(args) -> int:
    def progress(o: build.Outcome) -> None:
        print(f"  {'ok  ' if o.html else 'FAIL'} {o.agency}", flush=True)

    years = args.year or sorted(int(d.name) for d in args.data.iterdir() if d.name.isdigit() and d.is_dir())
    outcomes = []
    for year in years:
        print(f"{year}:", flush=True)
        outcomes += build.build_year(args.data, year, args.out, args.agency, args.notebook, args.strict, progress)
    code = _report(outcomes)
    print("open: " + ", ".join(str(args.out.resolve() / str(y) / "<agency>" / "report.html") for y in years))
    return code


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govreport", description="政府信息公开工作年度报告: check data, build HTML reports.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="check a year's data against the format's consistency rules (勾稽关系)",
                       description="Print every finding (errors and warnings); exit status 1 when any error.")
    _common(c)
    c.set_defaults(func=cmd_check)
    r = sub.add_parser("run", help="build one agency's report",
                       description="Execute the report notebook with papermill and write "
                                   "<out>/<year>/<agency>/report.html (and report.ipynb, results.json).")
    _common(r)
    r.add_argument("--agency", required=True, help="agency id (see data/<year>/agencies.csv)")
    _build_opts(r)
    r.set_defaults(func=cmd_run)
    b = sub.add_parser("build", help="build the reports of every agency of a year",
                       description="Build <out>/<year>/<agency>/report.html for each agency (or those given).")
    _common(b, "year to build (repeatable; default: every year under --data)", year_required=False)
    b.add_argument("--agency", action="append", help="only this agency (repeatable)")
    _build_opts(b)
    b.set_defaults(func=cmd_build)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (DataError, KeyError) as e:
        print(f"govreport: error: {e.args[0] if isinstance(e, KeyError) else e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
