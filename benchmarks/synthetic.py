"""A synthetic year of N agencies for benchmarks: data/<year-1>/ and data/<year>/ in the layout of data/README.md.

    python benchmarks/synthetic.py N OUT_DIR [--year 2022] [--seed 0]

Agencies `agency-0001` … are bureaus of invented districts. Their numbers are random (seeded) but obey rules
R1–R7 in both years, with no W1–W5 warning (no 规章, last year's row 四 carried over, changes well within ×5);
their narratives are composed by govreport/sample.py from the sample bureaus' profiles and their own
numbers, so every figure they quote agrees with the tables. The same arguments write the same bytes.
"""
from __future__ import annotations

import argparse
import random
from dataclasses import replace
from pathlib import Path

from govreport import format as fmt
from govreport import sample
from govreport.dataset import AGENCY_COLUMNS

CITY = "示例市"
PORTAL = sample.PORTAL  # its narratives name it too
STEMS = [a + b for a in "青石清金东西南北安永" for b in "山河城阳平川林源宁丰"]  # 100 district names
BUREAUS = [(a[0], a[1].removeprefix("红寺堡区")) for a in sample.AGENCIES
           if a[1].startswith("红寺堡区") and a[3] == "政府部门"]  # (sample id, 发展和改革局), … : 12 bureaus
# Weights of the outcome rows (format.S3_OUTCOME_ROWS order): mostly 予以公开, 部分公开, 本机关不掌握.
OUTCOME_WEIGHTS = dict.fromkeys(fmt.S3_OUTCOME_ROWS, 1) | {"3.1": 30, "3.2": 8, "3.4.1": 8, "3.5.1": 3}
S4_OUTCOMES = ("upheld", "corrected", "other", "pending")


def agency_row(i: int) -> tuple:
    """agencies.csv row of agency i (0-based)."""
    stem = STEMS[i // len(BUREAUS) % len(STEMS)]
    lap = i // (len(BUREAUS) * len(STEMS))  # beyond 1200 agencies names repeat: number the district
    district = f"{stem}{lap + 1 if lap else ''}区"
    name = district + BUREAUS[i % len(BUREAUS)][1]
    return (f"agency-{i + 1:04d}", name, CITY + name, "政府部门", *PORTAL, f"{CITY}{district}人民路{i % 200 + 1}号",
            "100000", f"010-{5000000 + i:07d}", f"010-{6000000 + i:07d}", f"agency{i + 1:04d}@example.gov.cn")


def _spread(rng: random.Random, n: int, weights: dict) -> dict:
    """n items drawn into the keys of `weights`: {key: count}, zero counts left out."""
    out: dict = {}
    for key in rng.choices(list(weights), list(weights.values()), k=n):
        out[key] = out.get(key, 0) + 1
    return out


def _section3_spec(rng: random.Random, new: dict, carried: dict) -> dict:
    """Sparse section 三 of one year: row 1 = `new`, the outcomes of what was received, a little left open."""
    spec: dict = {"1": dict(new)}
    for column in fmt.S3_APPLICANT_COLUMNS:
        received = new.get(column, 0) + carried.get(column, 0)
        left = min(received, rng.choice((0, 0, 0, 1, 2)))
        for row, n in _spread(rng, received - left, OUTCOME_WEIGHTS).items():
            spec.setdefault(row, {})[column] = n
    return spec


def _s4(rng: random.Random) -> dict:
    """Section 四 with its 总计 cells: a few cases at some agencies."""
    s4 = dict.fromkeys(fmt.S4_CELLS, 0)
    for group, chance in (("review", 0.3), ("direct", 0.12), ("after_review", 0.06)):
        if rng.random() < chance:
            for outcome, n in _spread(rng, rng.randint(1, 3), {"upheld": 6, "corrected": 2, "other": 1,
                                                                "pending": 1}).items():
                s4[f"{group}_{outcome}"] = n
        s4[f"{group}_total"] = sum(s4[f"{group}_{o}"] for o in S4_OUTCOMES)
    return s4


def agency_numbers(i: int, seed: int = 0) -> list[tuple[dict, dict, dict]]:
    """[(s2, s3, s4) of last year, (s2, s3, s4) of this year] of agency i, as sample.tables() has them."""
    rng = random.Random(f"{seed}-{i}")
    scale = rng.choice((1, 1, 1, 2, 3, 8))  # a few busy agencies
    new = {"natural": rng.randint(1, 12) * scale}
    for column, chance in (("business", 0.4), ("legal", 0.2), ("nonprofit", 0.1), ("research", 0.05),
                           ("other", 0.1)):
        if rng.random() < chance:
            new[column] = rng.randint(1, 3) * scale
    carried = {c: rng.choice((0, 0, 0, 1)) if c in new else 0 for c in fmt.S3_APPLICANT_COLUMNS}
    in_force = rng.randint(3, 30)
    decisions = [rng.choice((0, rng.randint(10, 400) * scale)) for _ in range(3)]
    fees = round(rng.uniform(0.1, 30), 2) if rng.random() < 0.2 else 0.0
    years = []
    for this_year in (False, True):
        issued = rng.randint(0, 5)
        repealed = rng.randint(0, min(3, in_force + issued))
        if this_year:  # rule R7; row 二 is last year's row 四 (rule R6); figures change within ×0.7–1.4
            in_force += issued - repealed
            new = {c: max(1, round(n * rng.uniform(0.7, 1.4))) for c, n in new.items()}
            decisions = [round(d * rng.uniform(0.8, 1.25)) for d in decisions]
        s3 = sample.section3(_section3_spec(rng, new, carried), carried)
        s2 = dict.fromkeys(fmt.S2_CELLS, 0) | dict(
            normative_issued=issued, normative_repealed=repealed, normative_in_force=in_force,
            license_decisions=decisions[0], penalty_decisions=decisions[1], enforcement_decisions=decisions[2],
            fees_amount=fees)
        years.append((s2, s3, _s4(rng)))
        carried = {c: s3["4", c] for c in fmt.S3_APPLICANT_COLUMNS}
    return years


def profile(i: int, year: int, seed: int = 0) -> sample.Profile:
    """The narrative profile of agency i: its sample bureau's, for `year` - 1 and `year`, with its own counts."""
    base = sample.PROFILES[BUREAUS[i % len(BUREAUS)][0]]
    rng = random.Random(f"{seed}-profile-{i}")
    by_year = {name: {year - 1: getattr(base, name)[2021], year: getattr(base, name)[2022]}
               for name in ("highlight", "points", "motions")}
    published = {y: round(n * rng.uniform(0.5, 2)) for y, n in zip((year - 1, year), base.published.values())}
    return replace(base, published=published, **by_year)


def write_year(out_dir: str | Path, n: int, year: int = 2022, seed: int = 0) -> Path:
    """Write out_dir/<year-1>/ and out_dir/<year>/ for n agencies; returns out_dir."""
    out = Path(out_dir)
    rows = [agency_row(i) for i in range(n)]
    numbers = [agency_numbers(i, seed) for i in range(n)]
    profiles = [profile(i, year, seed) for i in range(n)]
    for k, y in enumerate((year - 1, year)):
        folder = out / str(y)
        folder.mkdir(parents=True, exist_ok=True)
        sample._write_csv(folder / "agencies.csv", AGENCY_COLUMNS, rows)
        data = [years[k] for years in numbers]
        sample._write_csv(folder / "section2.csv", ("agency_id", *fmt.S2_CELLS),
                          [(a[0], *(sample._cell(c, s2[c]) for c in fmt.S2_CELLS))
                           for a, (s2, _, _) in zip(rows, data)])
        sample._write_csv(folder / "section3.csv", ("agency_id", "row", *fmt.S3_COLUMNS),
                          [(a[0], r, *(s3[r, c] for c in fmt.S3_COLUMNS))
                           for a, (_, s3, _) in zip(rows, data) for r in fmt.S3_ROWS])
        sample._write_csv(folder / "section4.csv", ("agency_id", *fmt.S4_CELLS),
                          [(a[0], *(s4[c] for c in fmt.S4_CELLS)) for a, (_, _, s4) in zip(rows, data)])
        for i, (a, p, tables) in enumerate(zip(rows, profiles, data)):
            texts = {"1": sample.s1_text(i, a, p, y, *tables), "5": sample.s5_text(i, a, p, y),
                     "6": sample.s6_text(i, a, p, y)}
            narrative = folder / "narrative" / a[0]
            narrative.mkdir(parents=True, exist_ok=True)
            for section, text in texts.items():
                (narrative / f"s{section}.md").write_text(text + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of agencies")
    parser.add_argument("out_dir", type=Path, help="directory to write <year-1>/ and <year>/ into")
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_year(args.out_dir, args.n, args.year, args.seed)
