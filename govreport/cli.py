"""The `govreport` command: start a project, check data, run one agency's report, build a year's reports."""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from . import build, checks, config, outputs, project
from .dataset import DataError, DataErrors, load_previous, load_year, previous_agency
from .terminal import safe


def cmd_init(args) -> int:
    files = project.init(args.directory, args.from_sample)
    print(safe(f"a new govreport project in {args.directory.resolve()}: {len(files)} files"))
    print(safe(f"next: cd {args.directory} && govreport check --year 2022 && govreport build"))
    return 0


def cmd_check(args) -> int:
    findings, bad = [], []
    data = args.data or config.project_root() / "data"
    for year in args.year:
        year_data = load_year(data, year, tolerant=True)
        prev = load_previous(data, year, tolerant=True)
        bad += [problem for errors in year_data.invalid.values() for problem in errors.errors]
        for agency in year_data.agencies:
            if agency in year_data.invalid:
                continue
            try:
                before = previous_agency(prev, agency)
            except DataErrors as err:  # last year's data of the agency: as the build, an error
                bad += err.errors
                continue
            findings += checks.check_agency(year_data.agency(agency), before)
    for err in dict.fromkeys(map(str, bad)):  # a year checked, and the year after's previous year: once
        print(safe(f"error: {err}"))
    print(checks.findings_table(findings))
    return 1 if bad or checks.has_errors(findings) else 0


# how an error message names a setting given as a flag
def _settings(args, year: int | None) -> config.Settings:
    return config.from_flags(args.params, year, data_dir=args.data, output_dir=args.out, notebook=args.notebook,
                             agencies=args.agency, jobs=args.jobs, timeout=args.timeout,
                             scheduler=args.scheduler or os.environ.get("GOVREPORT_SCHEDULER") or None,
                             strict=args.strict or None, force=args.force or None, pdf=args.pdf or None,
                             docx=args.docx or None, fragment=args.fragment or None)


def _summary(settings: config.Settings, outcomes: list[build.Outcome]) -> int:
    findings = [f for o in outcomes for f in o.findings]
    if findings:
        print(checks.findings_table(findings))
    failed = [o for o in outcomes if not o.ok]
    counts = {s: sum(o.status == s for o in outcomes) for s in ("built", "skipped", "failed", "refused")}
    year_dir = outputs.year_dir(settings.output_dir, settings.year)
    print(f"{settings.year}: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + f" of {len(outcomes)}")
    for o in failed:
        where = f" (full log: {year_dir / o.agency / o.log})" if o.log else ""
        print(safe(f"  FAILED {o.agency}: {o.error}{where}"))
    print(safe(f"  open {year_dir.resolve() / outputs.INDEX}"))
    return 1 if failed else 0


def _years(data: Path) -> list[int]:
    """Every year under the data directory, for a build given neither --year nor --params."""
    years = sorted(int(d.name) for d in data.iterdir() if d.name.isdigit() and d.is_dir()) if data.is_dir() else []
    if not years:
        raise DataError(data, "no data directory with <year>/ folders: give --data DIR or --year")
    return years


def cmd_build(args) -> int:
    years = args.year or ([None] if args.params else _years(args.data or config.project_root() / "data"))
    code = 0
    for year in years:
        settings = _settings(args, year)
        code |= _summary(settings, build.build(settings))
    return code


def _add_build_options(p: argparse.ArgumentParser) -> None:
    config.add_project_flags(p)
    p.add_argument("-j", "--jobs", type=int, help="parallel workers (default: number of cores)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="build on this Dask scheduler's workers (default: $GOVREPORT_SCHEDULER, else here)")
    p.add_argument("--strict", action="store_true", help="build no report for an agency whose data breaks a rule")
    p.add_argument("--force", action="store_true", help="rebuild reports whose inputs did not change")
    p.add_argument("--pdf", action="store_true", help="also write report.pdf beside each report.html")
    p.add_argument("--docx", action="store_true", help="also write report.docx (Word) beside each report.html")
    p.add_argument("--fragment", action="store_true",
                   help="also write report.fragment.html, the article with inline styles for a CMS editor")


BUILT_IN = ("init", "check", "build", "run")  # the commands of this module
# the other commands: name -> the module that adds its parser (add_parser(sub)) and runs it
COMMANDS = {"lint-notebooks": ".lint", "diff": ".diff", "template": ".excel", "ingest": ".excel_ingest",
            "import": ".importer.command", "audit": ".audit", "preview": ".preview"}


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command's, or given the command named, the built-in ones and that one."""
    p = argparse.ArgumentParser(prog="govreport", description="政府信息公开工作年度报告: check data, build HTML reports.")
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("init", help="start a project for an office: data, params, notebook, README",
                       description="Write a new project into DIR (new or empty): govreport.toml (marks the project "
                                   "root), data/<year>/ with one example agency, params/<year>.yaml, "
                                   "notebooks/agency_report.ipynb and its .py twin (your copy to change), README.md, "
                                   ".gitignore, .gitattributes and .pre-commit-config.yaml.")
    i.add_argument("directory", type=Path, metavar="DIR", help="the new project's directory (new or empty)")
    i.add_argument("--from-sample", action="store_true",
                   help="all of the sample data shipped with govreport (15 agencies), not one example agency")
    i.set_defaults(func=cmd_init)
    c = sub.add_parser("check", help="check a year's data against the format's consistency rules (勾稽关系)",
                       description="Print every finding (errors and warnings); exit status 1 when any error.")
    c.add_argument("--year", type=int, action="append", required=True, help="year to check (repeatable)")
    c.add_argument("--data", type=Path, help="data directory holding <year>/ (default: the project's data)")
    c.set_defaults(func=cmd_check)
    b = sub.add_parser("build", help="build every agency's report (parallel, incremental)",
                       description="Build <out>/<year>/<agency>/report.html for every agency (or those given with "
                                   "--agency) and <out>/<year>/index.html. Unchanged reports are skipped; one "
                                   "agency's failure does not stop the others; exit status 1 if any failed.")
    b.add_argument("--year", type=int, action="append",
                   help="year to build (repeatable; default: the params file's, else every year under --data)")
    b.add_argument("--agency", action="append", help="only this agency (repeatable)")
    _add_build_options(b)
    b.set_defaults(func=cmd_build)
    r = sub.add_parser("run", help="build one agency's report",
                       description="Execute the report notebook with papermill for one agency and write "
                                   "<out>/<year>/<agency>/report.html (with report.ipynb and results.json).")
    r.add_argument("--year", type=int, action="append", required=True, help="report year (repeatable)")
    r.add_argument("--agency", action="append", required=True, help="agency id (see data/<year>/agencies.csv)")
    _add_build_options(r)
    r.set_defaults(func=cmd_build, jobs=1)
    for name, module in COMMANDS.items():  # the others' modules (openpyxl, lxml, watchfiles…) only when named
        if command in (None, name):
            importlib.import_module(module, __package__).add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv and argv[0] in (*BUILT_IN, *COMMANDS) else None
    args = parser(command).parse_args(argv)
    try:
        return args.func(args)
    except (DataError, KeyError, build.BuildError) as e:
        for line in str(e.args[0] if isinstance(e, KeyError) else e).splitlines():  # DataErrors: one per problem
            print(safe(f"govreport: error: {line}"), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
