"""`govreport import`: published reports into data/<year>/, through datastore.write_year (atomic, no silent
overwrite, a backup on --replace). A report's agency id and level are not printed in it: they come from
--agency and the agencies already in the data directory (matched by name), the level else from the name."""
from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from .. import format as fmt
from ..dataset import Agency, DataError
from ..project import project_root
from . import Imported, read_report


def known_agencies(data_dir: Path, year: int) -> list[dict]:
    """agencies.csv rows of every year in data_dir, the given year's first, then the nearest."""
    years = sorted((int(p.name) for p in Path(data_dir).glob("[0-9]*") if p.name.isdigit()),
                   key=lambda y: abs(y - year))
    rows = []
    for y in years:
        path = Path(data_dir) / str(y) / "agencies.csv"
        if path.is_file():
            rows += list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    return rows


def identify(imported: Imported, data_dir: Path, agency_id: str | None) -> Imported:
    """The import with the agency's id, level and group (none is printed in a report): from --agency, else the
    known agency of the same name."""
    a: Agency = imported.data.agency
    rows = known_agencies(data_dir, imported.data.year)
    match = next((r for r in rows if r["agency_id"] == agency_id), None) if agency_id else \
        next((r for r in rows if (r["full_name"], r["name"]) == (a.full_name, a.name)), None) or \
        next((r for r in rows if r["full_name"] == a.full_name or r["name"] == a.name), None)
    if agency_id is None and match is None:
        raise DataError(imported.source, f"no agency named {a.name} ({a.full_name}) in {data_dir}: "
                                         "give its id with --agency")
    level = match["level"] if match else a.level
    rule_making = fmt.RULE_MAKING.get((match or {}).get("rule_making", ""), level in fmt.RULE_MAKING_LEVELS)
    agency = replace(a, id=agency_id or match["agency_id"], level=level, rule_making=rule_making,
                     group=(match or {}).get("group", a.group))
    imported.data.agency = agency
    return imported


def cmd_import(args) -> int:
    from ..datastore import write_year

    args.data = args.data or project_root() / "data"
    if args.agency and len(args.paths) > 1:
        raise DataError(args.paths[1], "--agency names the agency of one report: import the others separately")
    ready, failed = [], 0
    for path in args.paths:
        try:
            imported = identify(read_report(path), args.data, args.agency)
            d = imported.data
            if d.year != args.year:
                raise DataError(path, f"the report is of {d.year}, not --year {args.year}", agency=d.agency.id)
            for cell in imported.inferred:
                print(f"{path}: inferred {cell}")
            if imported.inferred and not args.accept_inferred:
                raise DataError(path, f"{len(imported.inferred)} cell(s) inferred, not read (listed above): "
                                      "check them against the report, then give --accept-inferred", agency=d.agency.id)
            ready.append(imported)
            print(f"{path}: {d.agency.id} {d.agency.name} {d.year}: read")
        except DataError as err:
            print(f"govreport: error: {err}")
            failed += 1
    if ready:
        result = write_year(args.data, args.year, [i.data for i in ready], replace=args.replace)
        print(f"wrote {result.path}: added {', '.join(result.added) or 'none'}; "
              f"replaced {', '.join(result.replaced) or 'none'}"
              + (f" (previous data kept in {result.backup})" if result.backup else ""))
    return 1 if failed else 0


def add_parser(sub) -> None:
    p = sub.add_parser("import", help="read published reports (.html/.htm, .docx, .pdf, .txt) into data/<year>/",
                       description="Read each report's sections 二–四, names, contact details and narrative exactly "
                                   "and write them into <data>/<year>/ (atomic; an agency already there needs "
                                   "--replace, which keeps a backup). A report that cannot be read exactly is "
                                   "refused; cells recovered from the format's arithmetic need --accept-inferred.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="published report files")
    p.add_argument("--year", type=int, required=True, help="the reports' year (each must say so in its title)")
    p.add_argument("--data", type=Path, help="data directory holding <year>/ (default: the project's data/)")
    p.add_argument("--agency", help="agency id of the (one) report (default: the known agency of its name)")
    p.add_argument("--replace", action="store_true", help="overwrite the agency's data for the year (backup kept)")
    p.add_argument("--accept-inferred", action="store_true",
                   help="write cells inferred from the format's arithmetic (each is listed)")
    p.set_defaults(func=cmd_import)
