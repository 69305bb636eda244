"""govreport.datastore: whole-year atomic writes into data/<year>/, byte-compatible with the sample data."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace as with_
from pathlib import Path

import pytest

from govreport import cli, datastore
from govreport.dataset import REGION_FILE, REGION_NARRATIVE, DataError, load_year

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = {year: load_year(DATA, year) for year in (2021, 2022)}


def agencies(year: int, ids=None):
    data = SAMPLE[year]
    return [data.agency(a) for a in (ids if ids is not None else data.agencies)]


def snapshot(root: Path, hidden: bool = True, region: bool = True) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None) under root, by relative path; `hidden`: dot entries too;
    `region`: the region's files (region.csv, region/) too, which agencies' writes neither make nor touch."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not region and (path.name == REGION_FILE or REGION_NARRATIVE in rel.parts):
            continue
        if not hidden and any(part.startswith(".") for part in rel.parts):
            continue
        out[str(rel)] = path.read_bytes() if path.is_file() else None
    return out


def sample_year(tmp_path: Path, year: int) -> Path:
    shutil.copytree(DATA / str(year), tmp_path / str(year))
    return tmp_path


def test_writing_the_sample_reproduces_its_bytes(tmp_path):
    for year in (2021, 2022):
        result = datastore.write_year(tmp_path, year, agencies(year))
        assert result.added == tuple(SAMPLE[year].agencies) and result.replaced == () and result.backup is None
    expected = {k: v for k, v in snapshot(DATA, region=False).items() if k != "README.md"}
    assert snapshot(tmp_path) == expected


def test_other_agencies_are_kept_and_a_replaced_agency_keeps_its_place(tmp_path):
    ids = list(SAMPLE[2022].agencies)
    datastore.write_year(tmp_path, 2022, agencies(2022, ids[:6]))
    datastore.write_year(tmp_path, 2022, agencies(2022, ids[6:]))
    before = snapshot(tmp_path / "2022")
    assert before == snapshot(DATA / "2022", region=False)
    changed = agencies(2022, ids[2:3])[0]
    changed.s4 = changed.s4 + 1
    changed.narrative = {**changed.narrative, "5": "改了。"}
    result = datastore.write_year(tmp_path, 2022, [changed], replace=True)
    assert result.replaced == (ids[2],) and result.added == ()
    assert result.backup.parent == tmp_path / ".backup" and result.backup.name.startswith("2022-")
    assert snapshot(result.backup) == before  # the previous year, whole
    after = snapshot(tmp_path / "2022")
    changed_files = {k for k in after if after[k] != before.get(k)}
    assert changed_files == {"section4.csv", f"narrative/{ids[2]}/s5.md"}
    lines = after["section4.csv"].decode().splitlines()
    assert lines[3].startswith(f"{ids[2]},1,1,")  # still the agency's own line, its numbers changed
    assert load_year(tmp_path, 2022).agency(ids[2]).narrative["5"] == "改了。"


def test_rows_of_kept_agencies_survive_other_encodings(tmp_path):
    """A GBK agencies.csv with CRLF (Excel's plain CSV) keeps its rows' text; the file becomes UTF-8."""
    sample_year(tmp_path, 2022)
    path = tmp_path / "2022" / "agencies.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gbk"))
    one = agencies(2022, ["hongsibu-edu-bureau"])
    datastore.write_year(tmp_path, 2022, one, replace=True)
    assert path.read_bytes() == (DATA / "2022" / "agencies.csv").read_bytes()


def test_present_agencies_are_all_named_and_nothing_is_written(tmp_path):
    sample_year(tmp_path, 2022)
    before = snapshot(tmp_path)
    ids = ["hongsibu-edu-bureau", "taiyangshan-town-gov"]
    with pytest.raises(DataError) as err:
        datastore.write_year(tmp_path, 2022, agencies(2022, ids))
    assert "2 agencies already have data for 2022: hongsibu-edu-bureau, taiyangshan-town-gov" in str(err.value)
    assert "agencies.csv" in str(err.value)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("case, problem", [
    ("year", "the data is for 2022, not 2021"),
    ("twice", "the same agency given twice: hongsibu-edu-bureau"),
    ("unsafe", "unsafe agency id '../x'"),
    ("negative", "refusing to write data that does not load"),
    ("empty", "no agency to write"),
])
def test_bad_input_writes_nothing(tmp_path, case, problem):
    sample_year(tmp_path, 2021)
    before = snapshot(tmp_path)
    one = agencies(2022, ["hongsibu-edu-bureau"])
    year, given = 2022, one
    if case == "year":
        year = 2021
    elif case == "twice":
        given = one * 2
    elif case == "unsafe":
        given = [with_(one[0], agency=with_(one[0].agency, id="../x"))]
    elif case == "negative":
        one[0].s4 = one[0].s4 - 1
    else:
        given = []
    with pytest.raises(DataError, match=problem.replace("(", r"\(").replace(".", r"\.")):
        datastore.write_year(tmp_path, year, given)
    assert snapshot(tmp_path) == before


def test_amounts_keep_two_to_six_decimals(tmp_path):
    written = []
    for fees in (0.0, 3, 12.5, 1.234567, 100.10):
        one = agencies(2022, ["hongsibu-edu-bureau"])
        one[0].s2 = one[0].s2.copy()
        one[0].s2["fees_amount"] = fees
        datastore.write_year(tmp_path, 2022, one, replace=True)
        line = (tmp_path / "2022" / "section2.csv").read_text().splitlines()[1]
        written.append(line.rsplit(",", 1)[1])
        assert load_year(tmp_path, 2022).s2.at["hongsibu-edu-bureau", "fees_amount"] == fees
    assert written == ["0.00", "3.00", "12.50", "1.234567", "100.10"]


def test_a_yes_no_field_is_written_as_shi_fou():
    assert (datastore._text(True), datastore._text(False), datastore._text("0953")) == ("是", "否", "0953")


def test_backups_and_staging_folders_are_invisible_to_loads_and_builds(tmp_path, monkeypatch):
    sample_year(tmp_path, 2022)
    datastore.write_year(tmp_path, 2022, agencies(2022, ["hongsibu-edu-bureau"]), replace=True)
    (tmp_path / ".staging-2022-dead").mkdir()  # as a killed write would leave it (removed by the next write)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    years = []
    monkeypatch.setattr(cli.build, "build", lambda settings: years.append(settings.year) or [])
    monkeypatch.setattr(cli, "_summary", lambda settings, outcomes: 0)
    assert cli.main(["build", "--data", str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    assert years == [2022]
    assert list(load_year(tmp_path, 2022).agencies) == list(SAMPLE[2022].agencies)


# ---------------------------------------------------------------- killed writes
_CHILD = """
import os, sys, time
from pathlib import Path
from govreport import datastore
from govreport.dataset import load_year
stop, exchange = sys.argv[1], sys.argv[2] == "exchange"
def step(name):
    if name == stop:
        print("paused", flush=True)
        time.sleep(600)
datastore._step = step
if not exchange:
    datastore._exchange = lambda a, b: False
sample = load_year(sys.argv[3], 2022)
one = sample.agency("hongsibu-edu-bureau")
one.s4 = one.s4 + 1
datastore.write_year(Path(sys.argv[4]), 2022, [one], replace=True)
print("done", flush=True)
"""

STEPS_BEFORE_SWAP = ("wrote section3.csv", "built", "journaled")


def test_the_swap_is_one_exchange_here(tmp_path):
    """renameat2 RENAME_EXCHANGE works on this file system (else the kill tests below only test the fallback)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x").touch()
    assert datastore._exchange(tmp_path / "a", tmp_path / "b")
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["x"] and not any((tmp_path / "a").iterdir())


@pytest.mark.parametrize("step, how", [*((s, h) for s in (*STEPS_BEFORE_SWAP, "swapped")
                                          for h in ("exchange", "two renames")), ("moved old", "two renames")])
def test_a_write_killed_at_any_step_leaves_the_old_year_or_the_new(tmp_path, step, how):
    data = sample_year(tmp_path / "data", 2022)
    before = snapshot(data)
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(_CHILD), step,
                              "exchange" if how == "exchange" else "renames", str(DATA), str(data)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "paused"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    visible = snapshot(data, hidden=False)
    if step == "swapped":  # completely new
        assert visible != before and set(visible) == set(before)
        assert load_year(data, 2022).agency("hongsibu-edu-bureau").s4.iloc[0] == 1
    elif step == "moved old":  # the fallback's one window: data/2022 is absent until the next write recovers it
        assert visible == {}
    else:  # exactly as before
        assert visible == before
    leftovers = datastore.recover(data)
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".staging-2022-")
    after = snapshot(data)
    if step == "swapped":  # finished: the new year, and the old one as the backup
        backups = list((data / ".backup").iterdir())
        assert len(backups) == 1 and snapshot(backups[0]) == snapshot(DATA / "2022")
        assert {k for k in after if not k.startswith(".")} == set(before)
    else:  # rolled back: byte for byte as before, nothing left over
        assert after == before
