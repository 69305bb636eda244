"""The loader of data/<year>/ (govreport.dataset) and the sample data shipped in data/."""
from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import SEED_AGENCY, make_agency_data

from govreport import build, checks, config
from govreport import format as fmt
from govreport.checks import check_year
from govreport.cli import main
from govreport.dataset import (AGENCY_COLUMNS, MAX_ID_LENGTH, DataError, DataErrors, YearData, load_previous,
                               load_previous_agency, load_region, load_year, previous_agency, value_problem)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SEED = SEED_AGENCY.id
RULE7_AGENCY = "hongsibu-edu-bureau"  # data/README.md: its 2022 现行有效件数 was recounted
MISQUOTE_AGENCY = "hongsibu-civil-affairs-bureau"  # data/README.md: its 2022 s1 quotes 12 applications, not 14
AID = "hongsibu-police-branch"  # the agency the bad-input tests damage
AID_LINE = "line 5"  # its line in agencies.csv
SECTIONS = ("section2.csv", "section3.csv", "section4.csv")
RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # never in a message


@pytest.fixture(scope="module")
def years() -> dict[int, YearData]:
    return {year: load_year(DATA, year) for year in (2021, 2022)}


def copy_year(tmp_path: Path, year: int = 2022) -> Path:
    return Path(shutil.copytree(DATA / str(year), tmp_path / str(year)))


# ---------------------------------------------------------------- the sample data
def test_sample_years_have_the_same_agencies(years):
    ids = list(years[2022].agencies)
    assert len(ids) >= 12
    assert list(years[2021].agencies) == ids
    assert years[2021].agencies == years[2022].agencies  # same names and contact details
    assert {a.level for a in years[2022].agencies.values()} <= set(fmt.LEVELS)


def test_seed_agency_2022_is_the_seed_report(years):
    got, want = years[2022].agency(SEED), make_agency_data()
    assert got.agency == dataclasses.replace(SEED_AGENCY, group="部门")  # the sample's groups: towns 乡镇, the others 部门
    assert got.s2.to_dict() == want.s2.to_dict()  # SEED_S2, everything else 0
    pd.testing.assert_frame_equal(got.s3, want.s3, check_names=False)  # SEED_S3 and its totals
    pd.testing.assert_series_equal(got.s4, want.s4, check_names=False)
    assert "全年受理政府信息公开申请5件，办结5件，办结率100%" in got.narrative["1"]
    assert "未收取信息处理费" in got.narrative["6"]


@pytest.mark.parametrize("year", [2021, 2022])
def test_sample_tables_add_up(years, year):
    """Rules R1–R5, computed here with pandas, for every agency."""
    yd = years[year]
    s3, s4 = yd.s3, yd.s4
    assert (s3 >= 0).all().all() and (s4 >= 0).all().all() and (yd.s2 >= 0).all().all()
    assert (yd.s2[[c for c in fmt.S2_CELLS if c.startswith("rules_")]] == 0).all().all()  # no rule-making power
    assert s3[list(fmt.S3_APPLICANT_COLUMNS)].sum(axis=1).equals(s3["total"])  # R2
    row = s3.index.get_level_values("row")
    outcomes = s3[row.isin(fmt.S3_OUTCOME_ROWS)].groupby(level="agency_id", sort=False).sum()
    rows = {r: s3.xs(r, level="row") for r in ("1", "2", "3.7", "4")}
    pd.testing.assert_frame_equal(outcomes, rows["3.7"])  # R3
    pd.testing.assert_frame_equal(rows["1"] + rows["2"], rows["3.7"] + rows["4"])  # R4
    for g in fmt.S4_GROUPS:  # R5
        parts = s4[[f"{g}_{o}" for o in ("upheld", "corrected", "other", "pending")]].sum(axis=1)
        assert parts.equals(s4[f"{g}_total"]), g


def test_sample_carry_over_rule_6(years):
    pd.testing.assert_frame_equal(years[2022].s3.xs("2", level="row"), years[2021].s3.xs("4", level="row"))
    assert years[2021].s3.xs("4", level="row").loc[SEED].eq(0).all()


def test_sample_rule_7_breaks_only_at_the_designated_agency(years):
    before, now = years[2021].s2, years[2022].s2
    broken = set()
    for doc in ("rules", "normative"):
        expected = before[f"{doc}_in_force"] + now[f"{doc}_issued"] - now[f"{doc}_repealed"]
        broken |= set(now.index[now[f"{doc}_in_force"] != expected])
    assert broken == {RULE7_AGENCY}
    assert before.loc[SEED, "normative_in_force"] == 14 - 3 + 11


def test_sample_is_varied(years):
    yd = years[2022]
    received = yd.s3.xs("1", level="row")
    assert received["total"].max() >= 100 and received["total"].min() <= 5
    assert (received[list(fmt.S3_APPLICANT_COLUMNS[1:])].sum(axis=1) > 0).sum() >= 3  # legal persons apply
    refusals = yd.s3[yd.s3.index.get_level_values("row").str.startswith("3.3.")]
    assert (refusals["total"] > 0).groupby(level="row").any().sum() >= 4  # several reasons for refusal
    assert (yd.s4["review_total"] > 0).sum() >= 3 and (yd.s4["direct_total"] > 0).sum() >= 2
    assert yd.s4[[f"{g}_corrected" for g in fmt.S4_GROUPS]].to_numpy().sum() >= 2
    assert yd.s2["penalty_decisions"].max() >= 1000 and (yd.s2["fees_amount"] > 0).sum() >= 2
    assert (yd.s3.xs("4", level="row")["total"] > 0).sum() >= 3  # carried into 2023


@pytest.mark.parametrize("year", [2021, 2022])
def test_sample_narratives(years, year):
    yd = years[year]
    other = years[2021 if year == 2022 else 2022]
    for aid, text in yd.narrative.items():
        assert all(f"（{n}）" in text["1"] for n in "一二三四五"), aid
        assert "信息处理费" in text["6"], aid
        assert len(text["5"]) > 100, aid
        assert text != other.narrative[aid], aid
        assert "\n\n" in text["1"] and not text["1"].startswith("#"), aid
        quoted = re.search(r"受理政府信息公开申请(\d+)件", text["1"])
        received = yd.s3.loc[(aid, "1"), "total"]
        if (aid, year) == (MISQUOTE_AGENCY, 2022):
            assert (int(quoted[1]), received) == (12, 14)
        else:
            assert int(quoted[1]) == received, aid
        in_force = re.search(r"现行有效行政规范性文件(\d+)件", text["1"])
        assert in_force is None or int(in_force[1]) == yd.s2.loc[aid, "normative_in_force"], aid


def test_sample_data_script_regenerates_the_committed_files(tmp_path):
    subprocess.run([sys.executable, "-m", "govreport.sample", str(tmp_path)], check=True)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    kept = sorted(p.relative_to(DATA) for year in ("2021", "2022") for p in (DATA / year).rglob("*") if p.is_file())
    assert made == kept
    assert all((tmp_path / p).read_bytes() == (DATA / p).read_bytes() for p in made)


# ---------------------------------------------------------------- the loader
def test_types_and_order(years):
    yd = years[2022]
    assert yd.year == 2022 and yd.path == DATA / "2022"
    assert list(yd.s2.columns) == list(fmt.S2_CELLS) and list(yd.s2.index) == list(yd.agencies)
    assert yd.s2["fees_amount"].dtype == "float64"
    assert (yd.s2.drop(columns="fees_amount").dtypes == "int64").all()
    assert (yd.s3.dtypes == "int64").all() and (yd.s4.dtypes == "int64").all()
    assert list(yd.s3.columns) == list(fmt.S3_COLUMNS) and list(yd.s4.columns) == list(fmt.S4_CELLS)
    assert list(yd.s3.index) == [(a, r) for a in yd.agencies for r in fmt.S3_ROWS]
    assert yd.s2.loc["hongsibu-natural-resources-bureau", "fees_amount"] == 12.35


def test_agency_returns_its_own_data(years):
    yd = years[2022]
    data = yd.agency(AID)
    assert data.year == 2022 and data.agency is yd.agencies[AID]
    assert type(data.s2["penalty_decisions"]) is int and data.s2["penalty_decisions"] == 3105
    assert type(data.s2["fees_amount"]) is float
    assert list(data.s3.index) == list(fmt.S3_ROWS) and data.s3.loc["1", "total"] == 128
    assert data.s4["review_total"] == 4 and data.narrative is yd.narrative[AID]
    with pytest.raises(KeyError, match="no-such-agency"):
        yd.agency("no-such-agency")


def test_files_hashes_every_file_read(years):
    yd = years[2022]
    on_disk = {p.relative_to(yd.path).as_posix(): p for p in yd.path.rglob("*") if p.is_file()}
    region = load_region(DATA, 2022).files  # the region's files are load_region's, every other one load_year's
    assert set(yd.files) == set(on_disk) - set(region) and set(region) < set(on_disk)
    assert all(region[k] == hashlib.sha256(on_disk[k].read_bytes()).hexdigest() for k in region)
    assert all(v == hashlib.sha256(on_disk[k].read_bytes()).hexdigest() for k, v in yd.files.items())


def test_load_previous(tmp_path):
    assert load_previous(DATA, 2022).year == 2021
    assert load_previous(DATA, 2021) is None  # no data/2020
    copy_year(tmp_path)
    assert load_previous(tmp_path, 2023).year == 2022
    assert load_previous(tmp_path, 2022) is None


@pytest.mark.parametrize("encoding, newline", [("utf-8", "\n"), ("utf-8-sig", "\n"), ("gbk", "\r\n")])
def test_encodings_load_identically(tmp_path, years, encoding, newline):
    """Excel on Chinese Windows writes GBK with CRLF; "CSV UTF-8" adds a BOM."""
    folder = copy_year(tmp_path)
    for path in folder.rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_text("utf-8").replace("\n", newline).encode(encoding))
    got, want = load_year(tmp_path, 2022), years[2022]
    assert got.agencies == want.agencies and got.narrative == want.narrative
    for table in ("s2", "s3", "s4"):
        pd.testing.assert_frame_equal(getattr(got, table), getattr(want, table))
    assert set(got.files) == set(want.files)


def test_lenient_number_forms(tmp_path):
    """Excel's thousands separators, full-width digits and surrounding spaces read as the number they show."""
    folder = copy_year(tmp_path)
    set_cell("section2.csv", "penalty_decisions", "3,210")(folder)
    set_cell("section2.csv", "fees_amount", " 0.5 ")(folder)
    set_cell("section4.csv", "review_upheld", "３")(folder)
    yd = load_year(tmp_path, 2022)
    assert yd.s2.loc[AID, "penalty_decisions"] == 3210 and yd.s2.loc[AID, "fees_amount"] == 0.5
    assert yd.s4.loc[AID, "review_upheld"] == 3


def test_missing_year_directory(tmp_path):
    with pytest.raises(DataError, match="2030"):
        load_year(tmp_path, 2030)


# ---------------------------------------------------------------- bad input: one DataError naming the place
def edit(name: str, change):
    """A damage: apply `change` to the CSV file `name` as a frame of strings."""
    def damage(folder: Path) -> None:
        path = folder / name
        frame = change(pd.read_csv(path, dtype=str, keep_default_na=False))
        frame.to_csv(path, index=False)
    return damage


def set_cell(name: str, column: str, value: str, row: str | None = None, agency: str = AID):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        where = frame["agency_id"] == agency
        if row is not None:
            where &= frame["row"] == row
        assert where.sum() == 1
        frame.loc[where, column] = value
        return frame
    return edit(name, change)


def drop_rows(name: str, row: str | None = None, agency: str = AID):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        where = frame["agency_id"] == agency
        return frame[~(where & (frame["row"] == row))] if row else frame[~where]
    return edit(name, change)


def add_row(name: str, **values):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        extra = frame[frame["agency_id"] == AID].head(1).assign(**values)
        return pd.concat([frame, extra], ignore_index=True)
    return edit(name, change)


def write(name: str, content: bytes):
    def damage(folder: Path) -> None:
        (folder / name).write_bytes(content)
    return damage


def unlink(name: str):
    return lambda folder: (folder / name).unlink()


def ghost_narrative(folder: Path) -> None:
    (folder / "narrative" / "ghost").mkdir()
    (folder / "narrative" / "ghost" / "s1.md").write_text("无。", encoding="utf-8")


R1 = fmt.RULES["R1"].zh
BAD = {
    "missing file": (unlink("section3.csv"), ["section3.csv", "missing file"]),
    "missing column": (edit("section3.csv", lambda f: f.drop(columns="legal")),
                       ["section3.csv", "column legal", "missing column"]),
    "unknown column": (edit("section2.csv", lambda f: f.assign(remarks="")),
                       ["section2.csv", "column remarks", "unknown column"]),
    "unknown row code": (set_cell("section3.csv", "row", "3.8", row="3.7"),
                         ["section3.csv", f"agency {AID}", "row 3.8", "unknown row code"]),
    "missing row": (drop_rows("section3.csv", row="3.4.2"),
                    ["section3.csv", f"agency {AID}", "row 3.4.2", "missing row"]),
    "duplicated row": (add_row("section3.csv", row="3.1"), ["section3.csv", f"agency {AID}", "row 3.1", "duplicate"]),
    "text count": (set_cell("section3.csv", "natural", "五", row="3.1"),
                   ["section3.csv", f"agency {AID}", "row 3.1", "column natural", "'五' is not a number", R1]),
    "negative count": (set_cell("section4.csv", "review_upheld", "-1"),
                       ["section4.csv", f"agency {AID}", "column review_upheld", "-1 is negative", R1]),
    "fraction count": (set_cell("section2.csv", "license_decisions", "12.5"),
                       ["section2.csv", f"agency {AID}", "column license_decisions", "not a whole number", R1]),
    "blank count": (set_cell("section3.csv", "total", "", row="4"),
                    ["section3.csv", f"agency {AID}", "row 4", "column total", "empty cell; write 0"]),
    "slash count": (set_cell("section2.csv", "rules_issued", "/"),
                    ["section2.csv", f"agency {AID}", "column rules_issued", "empty cell; write 0"]),
    "huge count": (set_cell("section4.csv", "review_total", "9" * 30), ["section4.csv", "column review_total", "too large"]),
    "negative amount": (set_cell("section2.csv", "fees_amount", "-1.5"),
                        ["section2.csv", "column fees_amount", "-1.5 is negative"]),
    "text amount": (set_cell("section2.csv", "fees_amount", "约12万元"),
                    ["section2.csv", "column fees_amount", "not a number"]),
    "duplicate agency id": (add_row("agencies.csv"), ["agencies.csv", f"agency {AID}", "duplicate agency id"]),
    "unsafe id ../x": (set_cell("agencies.csv", "agency_id", "../x"), ["agencies.csv", "unsafe agency id '../x'"]),
    "unsafe id a/b": (set_cell("agencies.csv", "agency_id", "a/b"), ["agencies.csv", "unsafe agency id 'a/b'"]),
    "empty id": (set_cell("agencies.csv", "agency_id", ""), ["agencies.csv", "unsafe agency id ''"]),
    "empty level": (set_cell("agencies.csv", "level", ""),
                    ["agencies.csv", AID_LINE, f"agency {AID}", "column level", "empty cell"]),
    "empty name": (set_cell("agencies.csv", "name", ""), ["agencies.csv", f"agency {AID}", "column name", "empty"]),
    "bad rule_making": (set_cell("agencies.csv", "rule_making", "可以"),
                        ["agencies.csv", AID_LINE, f"agency {AID}", "column rule_making", "'可以'", "是 or 否"]),
    "300-character id": (set_cell("agencies.csv", "agency_id", "a" * 300),
                         ["agencies.csv", AID_LINE, "agency id 'aaaa", "300 characters long", "at most 64"]),
    "65-character id": (set_cell("agencies.csv", "agency_id", "b" * 65),
                        ["agencies.csv", AID_LINE, "65 characters long", "at most 64"]),
    "ESC in a name": (set_cell("agencies.csv", "name", "红寺堡区\x1b[8m公安分局"),
                      ["agencies.csv", AID_LINE, f"agency {AID}", "column name", "control character U+001B"]),
    "NUL in an address": (set_cell("agencies.csv", "address", "红寺堡大街\x00101号"),
                          ["agencies.csv", AID_LINE, f"agency {AID}", "column address", "control character U+0000"]),
    "line break in a name": (set_cell("agencies.csv", "full_name", "吴忠市\n公安局"),
                             ["agencies.csv", f"agency {AID}", "column full_name", "control character U+000A"]),
    "ESC in a CSV header": (edit("agencies.csv", lambda f: f.rename(columns={"fax": "fax\x1b[2J"})),
                            ["agencies.csv", "line 1", "column fax\\x1b[2J", "control character U+001B in a column name"]),
    "bidi override in a section header": (edit("section4.csv", lambda f: f.rename(columns={"review_other": "\u202ereview"})),
                                          ["section4.csv", "line 1", "control character U+202E in a column name"]),
    "ESC in a narrative": (write(f"narrative/{AID}/s1.md", "第一段。\n\n第二段\x1b[2J。\n".encode()),
                           [f"narrative/{AID}/s1.md", "line 3", f"agency {AID}", "control character U+001B at character 4",
                            "only tabs and line breaks"]),
    "NUL in a narrative": (write(f"narrative/{AID}/s5.md", "无。\x00\r\n无\x00。".encode("gbk")),
                           [f"narrative/{AID}/s5.md", "line 1", "control character U+0000 at character 3",
                            "also on line 2"]),
    "agency without section 二": (drop_rows("section2.csv"), ["section2.csv", f"agency {AID}", "no numbers"]),
    "agency without section 三": (drop_rows("section3.csv"), ["section3.csv", f"agency {AID}", "no numbers"]),
    "agency without section 四": (drop_rows("section4.csv"), ["section4.csv", f"agency {AID}", "no numbers"]),
    "duplicate section 四 row": (add_row("section4.csv"), ["section4.csv", f"agency {AID}", "duplicate row"]),
    "numbers for unknown agency": (add_row("section4.csv", agency_id="ghost"),
                                   ["section4.csv", "agency ghost", "not in agencies.csv"]),
    "section 三 rows for unknown agency": (add_row("section3.csv", agency_id="ghost"),
                                          ["section3.csv", "agency ghost", "not in agencies.csv"]),
    "agency without narrative": (unlink(f"narrative/{AID}/s5.md"), [f"narrative/{AID}/s5.md", "missing file"]),
    "narrative for unknown agency": (ghost_narrative, ["narrative/ghost", "agency ghost", "not in agencies.csv"]),
    "undecodable file": (write("section2.csv", b"agency_id\n\xff\xfe\xfa\n"),
                         ["section2.csv", "neither UTF-8 nor GBK"]),
    "undecodable narrative": (write(f"narrative/{AID}/s1.md", b"\xff\xff"), [f"narrative/{AID}/s1.md", "decode"]),
    "empty file": (write("section4.csv", b""), ["section4.csv", "not a readable CSV"]),
    "no agency": (write("agencies.csv", ",".join(AGENCY_COLUMNS).encode() + b"\n"), ["agencies.csv", "no agency"]),
    "ragged line": (write("agencies.csv", (DATA / "2022" / "agencies.csv").read_bytes() + b"a,b,c,d,e,f,g,h,i,j,k,l,m,n\n"),
                    ["agencies.csv", "not a readable CSV"]),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_raises_one_data_error(tmp_path, case):
    damage, fragments = BAD[case]
    damage(copy_year(tmp_path))
    with pytest.raises(DataError) as caught:
        load_year(tmp_path, 2022)
    message = str(caught.value)
    assert any(all(f in line for f in fragments) for line in message.splitlines()), message  # on one line
    assert not RAW_CONTROL.search(message), message  # escaped: a message cannot drive the terminal
    assert caught.value.__context__ is None or caught.value.__suppress_context__  # no pandas traceback attached


# ---------------------------------------------------------------- tolerant and single-agency loads
def test_tolerant_load_isolates_an_agency_with_bad_data(tmp_path, years):
    base = copy_year(tmp_path)
    (base / f"narrative/{AID}/s6.md").unlink()
    s4 = base / "section4.csv"
    s4.write_text(re.sub(rf"^{AID},\d+", f"{AID},-3", s4.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    with pytest.raises(DataError):
        load_year(tmp_path, 2022)
    got = load_year(tmp_path, 2022, tolerant=True)
    assert list(got.invalid) == [AID]
    lines = str(got.invalid[AID]).splitlines()  # every problem, in the order found
    assert len(lines) == 2 and "section4.csv" in lines[0] and "negative" in lines[0] and "s6.md" in lines[1]
    with pytest.raises(DataErrors, match="review_upheld(.|\n)*s6.md: agency hongsibu-police-branch, missing file"):
        got.agency(AID)
    other = SEED_AGENCY.id
    assert got.agency(other).s3.equals(years[2022].agency(other).s3)


def test_tolerant_load_still_fails_on_a_whole_file_problem(tmp_path):
    base = copy_year(tmp_path)
    (base / "section2.csv").unlink()
    with pytest.raises(DataError, match="section2.csv"):
        load_year(tmp_path, 2022, tolerant=True)


def test_only_one_agency(tmp_path, years):
    base = copy_year(tmp_path)
    s3 = base / "section3.csv"
    s3.write_text(re.sub(rf"^{AID},3\.1,\d+", f"{AID},3.1,x", s3.read_text(encoding="utf-8"), flags=re.M),
                  encoding="utf-8")
    one = load_year(tmp_path, 2022, only=SEED_AGENCY.id)  # another agency's bad cell is not converted
    assert list(one.agencies) == [SEED_AGENCY.id]
    assert one.agency(SEED_AGENCY.id).s3.equals(years[2022].agency(SEED_AGENCY.id).s3)
    assert set(one.narrative) == {SEED_AGENCY.id}
    with pytest.raises(DataError, match="row 3.1"):
        load_year(tmp_path, 2022, only=AID)


# ---------------------------------------------------------------- every problem at once (lazy, as pandera's)
THREE_BAD_CELLS = (set_cell("section3.csv", "natural", "五", row="3.1"), set_cell("section4.csv", "review_upheld", "-1"),
                   set_cell("section2.csv", "fees_amount", "约12万元", agency=SEED))


def test_three_bad_cells_in_two_agencies_are_reported_in_one_run(tmp_path):
    base = copy_year(tmp_path)
    for damage in THREE_BAD_CELLS:
        damage(base)
    with pytest.raises(DataErrors) as caught:
        load_year(tmp_path, 2022)
    assert isinstance(caught.value, DataError)  # callers catching DataError keep working
    assert [(e.file.rsplit("/", 1)[1], e.agency, e.row, e.column) for e in caught.value.errors] == [
        ("section2.csv", SEED, None, "fees_amount"), ("section3.csv", AID, "3.1", "natural"),
        ("section4.csv", AID, None, "review_upheld")]
    lines = str(caught.value).splitlines()  # one line per problem, each naming file, agency, row, column, problem
    assert len(lines) == 3
    assert "section2.csv: agency hongsibu-gov-office, column fees_amount, '约12万元' is not a number" in lines[0]
    assert "section3.csv: agency hongsibu-police-branch, row 3.1, column natural, '五' is not a number" in lines[1]
    assert "section4.csv: agency hongsibu-police-branch, column review_upheld, -1 is negative" in lines[2]
    got = load_year(tmp_path, 2022, tolerant=True)  # the others load; each bad agency keeps all its problems
    assert {aid: len(errors.errors) for aid, errors in got.invalid.items()} == {SEED: 1, AID: 2}
    with pytest.raises(DataErrors) as one:
        got.agency(AID)
    assert str(one.value).splitlines() == lines[1:]
    assert got.agency(RULE7_AGENCY).agency.id == RULE7_AGENCY


def test_a_bad_file_does_not_hide_the_problems_of_the_others(tmp_path):
    base = copy_year(tmp_path)
    (base / "section2.csv").unlink()
    edit("section3.csv", lambda f: f.drop(columns="legal").assign(remarks=""))(base)
    set_cell("section4.csv", "review_upheld", "-1")(base)
    (base / f"narrative/{AID}/s5.md").write_bytes(b"\xff\xff")
    for tolerant in (False, True):  # a whole file's problem fails even a tolerant load, with every problem
        with pytest.raises(DataErrors) as caught:
            load_year(tmp_path, 2022, tolerant=tolerant)
        lines = str(caught.value).splitlines()
        assert [line.split(f"{tmp_path}/2022/")[1] for line in lines] == [
            "section2.csv: missing file",
            "section3.csv: column legal, missing column",
            "section3.csv: column remarks, unknown column (expected: agency_id, row, natural, business, research, "
            "nonprofit, legal, other, total)",
            f"section4.csv: agency {AID}, column review_upheld, -1 is negative (rule R1: {R1})",
            f"narrative/{AID}/s5.md: agency {AID}, cannot decode the file: it is neither UTF-8 nor GBK"]


def test_without_a_usable_agencies_csv_the_other_headers_are_still_checked(tmp_path):
    base = copy_year(tmp_path)
    edit("agencies.csv", lambda f: f.drop(columns="name"))(base)
    edit("section4.csv", lambda f: f.drop(columns="review_other"))(base)
    with pytest.raises(DataErrors) as caught:
        load_year(tmp_path, 2022)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2 and "agencies.csv: column name, missing column" in lines[0]
    assert "section4.csv: column review_other, missing column" in lines[1]


def test_an_unknown_agency_is_reported_once_per_file(tmp_path):
    base = copy_year(tmp_path)
    add_row("section3.csv", agency_id="ghost")(base)
    add_row("section3.csv", agency_id="ghost", row="3.2")(base)
    with pytest.raises(DataErrors) as caught:
        load_year(tmp_path, 2022)
    assert [(e.agency, e.problem) for e in caught.value.errors] == [("ghost", "not in agencies.csv")]


def test_a_refused_id_is_not_reported_again_in_every_file(tmp_path):
    """The sections' rows of an id refused in agencies.csv add nothing to its one line."""
    base = copy_year(tmp_path)
    for path in [base / name for name in ("agencies.csv", *SECTIONS)]:
        path.write_text(path.read_text(encoding="utf-8").replace(AID, "x" * 300), encoding="utf-8")
    shutil.rmtree(base / "narrative" / AID)  # a folder cannot have such a name
    with pytest.raises(DataErrors) as caught:
        load_year(tmp_path, 2022)
    assert len(caught.value.errors) == 1, str(caught.value)
    assert f"agencies.csv: {AID_LINE}, agency id 'xxxxxxxxxxxxxxxx'… is 300 characters long (at most 64)" in str(caught.value)


# ---------------------------------------------------------------- ids, levels, rule-making, narrative text
def test_an_id_of_the_longest_length_builds_folders(tmp_path):
    base = copy_year(tmp_path)
    long_id = "a" * MAX_ID_LENGTH
    for path in [base / name for name in ("agencies.csv", *SECTIONS)]:
        path.write_text(path.read_text(encoding="utf-8").replace(AID, long_id), encoding="utf-8")
    (base / "narrative" / AID).rename(base / "narrative" / long_id)
    assert load_year(tmp_path, 2022).agency(long_id).s2["penalty_decisions"] == 3105


def test_level_is_open_and_rule_making_is_its_own_column(tmp_path):
    base = copy_year(tmp_path)
    set_cell("agencies.csv", "level", "综合实验区管委会")(base)
    set_cell("agencies.csv", "level", "设区的市政府", agency=SEED)(base)
    set_cell("agencies.csv", "rule_making", "", agency=SEED)(base)  # blank: from the level
    set_cell("agencies.csv", "rule_making", "是", agency=RULE7_AGENCY)(base)  # a 政府部门 said to have the power
    got = load_year(tmp_path, 2022).agencies
    assert (got[AID].level, got[AID].rule_making) == ("综合实验区管委会", False)
    assert (got[SEED].level, got[SEED].rule_making) == ("设区的市政府", True)
    assert (got[RULE7_AGENCY].level, got[RULE7_AGENCY].rule_making) == ("政府部门", True)
    assert [f.name for f in dataclasses.fields(got[AID])][-2:] == ["rule_making", "group"]  # group: a default


def test_an_older_agencies_csv_without_rule_making_derives_it_from_the_level(tmp_path, years):
    base = copy_year(tmp_path)
    edit("agencies.csv", lambda f: f.drop(columns="rule_making"))(base)
    set_cell("agencies.csv", "level", "省级政府", agency=SEED)(base)
    got = load_year(tmp_path, 2022).agencies
    assert got[SEED].rule_making is True
    assert got[AID] == years[2022].agencies[AID] and got[AID].rule_making is False


def test_cr_only_line_breaks_separate_paragraphs(tmp_path):
    """Old Mac and Excel exports end lines with CR alone: the paragraphs stay apart; a tab is text."""
    base = copy_year(tmp_path)
    (base / f"narrative/{AID}/s5.md").write_bytes("第一段。\r\r第二段\t完。\r".encode("gbk"))
    (base / f"narrative/{AID}/s6.md").write_bytes("甲。\r\n\r\n乙。\r\n".encode())
    got = load_year(tmp_path, 2022).narrative[AID]
    assert got["5"] == "第一段。\n\n第二段\t完。" and got["6"] == "甲。\n\n乙。"


# ---------------------------------------------------------------- what the commands print for bad data
def two_problems(tmp_path: Path) -> Path:
    base = copy_year(tmp_path / "data")
    set_cell("section4.csv", "review_upheld", "-1")(base)
    set_cell("agencies.csv", "name", "公安\x1b[2J分局")(base)
    return tmp_path / "data"


def test_check_prints_every_problem_of_an_agency(tmp_path, capsys):
    assert main(["check", "--year", "2022", "--data", str(two_problems(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert re.search(rf"^error: .*agencies.csv: {AID_LINE}, agency {AID}, column name, control character U\+001B$",
                     out, re.M), out
    assert re.search(rf"^error: .*section4.csv: agency {AID}, column review_upheld, -1 is negative", out, re.M), out
    assert "\x1b" not in out


def test_build_names_every_problem_of_an_agency(tmp_path, capsys):
    data, out = two_problems(tmp_path), tmp_path / "out"
    assert main(["build", "--year", "2022", "--data", str(data), "--out", str(out), "--agency", AID]) == 1
    printed = capsys.readouterr()
    summary = printed.out[printed.out.index(f"FAILED {AID}"):].splitlines()
    assert "agencies.csv: line 5, agency hongsibu-police-branch, column name, control character U+001B" in summary[0]
    assert summary[1].startswith("    ") and "section4.csv: agency hongsibu-police-branch, column review_upheld" in summary[1]
    log = (out / "2022" / AID / "error.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 2 and "\x1b" not in printed.out + printed.err


# ---------------------------------------------------------------- the year before: one lookup, one behaviour
LAST_YEAR_PROBLEM = f"2021/section4.csv: agency {AID}, column review_upheld, -1 is negative"


def bad_last_year(tmp_path: Path) -> Path:
    """data/2021 and data/2022, with a negative count in AID's 2021 numbers."""
    data = tmp_path / "data"
    set_cell("section4.csv", "review_upheld", "-1")(copy_year(data, 2021))
    copy_year(data, 2022)
    return data


def test_previous_agency_is_none_without_the_year_or_the_agency(years):
    assert previous_agency(None, SEED) is None
    assert previous_agency(years[2021], SEED).year == 2021
    newcomer = dataclasses.replace(years[2021], agencies={k: v for k, v in years[2021].agencies.items() if k != SEED})
    assert previous_agency(newcomer, SEED) is None  # an agency new this year
    assert load_previous_agency(DATA, 2022, SEED).agency == years[2021].agencies[SEED]
    assert load_previous_agency(DATA, 2021, SEED) is None  # no data/2020


def test_invalid_data_of_the_year_before_is_an_error_for_check_build_and_report(tmp_path, capsys):
    data = bad_last_year(tmp_path)
    prev = load_previous(data, 2022, tolerant=True)
    lookups = {"previous_agency": lambda: previous_agency(prev, AID),
               "load_previous_agency (a report)": lambda: load_previous_agency(data, 2022, AID),
               "check_year": lambda: check_year(load_year(data, 2022, tolerant=True), prev)}
    for name, lookup in lookups.items():
        with pytest.raises(DataErrors, match=re.escape(LAST_YEAR_PROBLEM)):
            lookup()
            pytest.fail(name)
    assert previous_agency(prev, SEED).year == 2021  # the other agencies keep their year before

    assert main(["check", "--year", "2022", "--data", str(data)]) == 1
    assert f"error: {data / LAST_YEAR_PROBLEM}" in capsys.readouterr().out
    assert main(["check", "--year", "2021", "--year", "2022", "--data", str(data)]) == 1
    assert capsys.readouterr().out.count(LAST_YEAR_PROBLEM) == 1  # 2021's own problem, and 2022's year before

    settings = config.load(None, 2022, data_dir=data, output_dir=tmp_path / "out", agencies=[AID, SEED])
    plan = build.plan(settings)
    assert [(o.agency, o.status) for o in plan.decided] == [(AID, "failed")]
    assert LAST_YEAR_PROBLEM in plan.decided[0].error and [t.agency for t in plan.tasks] == [SEED]


def test_the_loader_needs_nothing_of_the_checks():
    """R1's value rule lives in the loader; the checks use it from there (no import cycle)."""
    code = "import sys, govreport.dataset; print('govreport.checks' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
    assert checks.value_problem is value_problem
    assert [value_problem(v) for v in (0, 3, -1, 1.5, "5", True, float("nan"))] == [
        None, None, "-1 is negative", "1.5 is not a whole number", "'5' is not a number", "True is not a number",
        "nan is not a number"]
    assert value_problem(1.5, amount=True) is None
