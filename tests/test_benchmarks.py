"""The batch benchmark's parts that are quick: the synthetic year, the in-process floor, the memory sampler and
the verdicts. (Timings are printed by benchmarks/batch.py, never asserted.)"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from govreport import checks, dataset
from govreport import format as fmt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import batch  # noqa: E402
import synthetic  # noqa: E402


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_synthetic_year_obeys_every_rule(tmp_path):
    synthetic.write_year(tmp_path, 5)
    cur = dataset.load_year(tmp_path, 2022)
    prev = dataset.load_previous(tmp_path, 2022)
    assert list(cur.agencies) == [f"agency-000{i}" for i in range(1, 6)] == list(prev.agencies)
    assert len({a.name for a in cur.agencies.values()}) == 5
    assert checks.check_year(cur, prev) == []  # R1–R7 and W1–W5, across the two years
    assert checks.check_year(prev) == []
    s1 = [cur.agency(a).narrative["1"] for a in cur.agencies]
    assert all(len(text) > 500 for text in s1) and len(set(s1)) == 5
    for aid in cur.agencies:  # the narrative quotes this agency's own figures
        assert f"申请{cur.s3.loc[(aid, '1'), 'total']}件" in cur.agency(aid).narrative["1"]


def test_synthetic_numbers_vary(tmp_path):
    synthetic.write_year(tmp_path, 12)
    cur = dataset.load_year(tmp_path, 2022)
    received = cur.s3.xs("1", level="row")["total"]
    assert received.nunique() > 3
    assert cur.s2["normative_in_force"].nunique() > 3
    assert (cur.s4["review_total"] > 0).any() or (cur.s4["direct_total"] > 0).any()


def test_synthetic_is_deterministic(tmp_path):
    synthetic.write_year(tmp_path / "a", 3, year=2019)
    subprocess.run([sys.executable, str(Path(synthetic.__file__)), "3", str(tmp_path / "b"), "--year", "2019"],
                   check=True)
    written = files(tmp_path / "a")
    assert "2018/section3.csv" in written and "2019/narrative/agency-0003/s6.md" in written
    assert written == files(tmp_path / "b")


def test_floor_writes_each_report_without_jupyter(tmp_path):
    data = synthetic.write_year(tmp_path / "data", 2)
    seconds = batch.floor(data, 2022, tmp_path / "out", font=False)
    assert seconds["pages"] > 0 and seconds["font"] < seconds["pages"]
    for aid, agency in dataset.load_year(data, 2022).agencies.items():
        page = (tmp_path / "out" / f"{aid}.html").read_text(encoding="utf-8")
        assert f"<title>{agency.name}2022年政府信息公开工作年度报告</title>" in page
        assert all(title in page for title in fmt.SECTION_TITLES.values())
        assert page.count("<svg") == 2 and "@font-face" not in page
    batch.floor(data, 2022, tmp_path / "font", ["agency-0002"])
    assert "@font-face" in (tmp_path / "font" / "agency-0002.html").read_text(encoding="utf-8")
    assert not (tmp_path / "font" / "agency-0001.html").exists()


def test_peak_memory_counts_the_children(tmp_path):
    # a parent whose child holds 200 MB: the tree's peak includes the child's memory
    child = "import time; b = b'x' * (200 * 2**20); time.sleep(1.5)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    proc = subprocess.Popen([sys.executable, "-c", parent])
    memory = batch.PeakMemory(proc.pid)
    memory.start()
    proc.wait()
    assert memory.stop() > 200 * 2**20


def test_spread_picks_evenly():
    assert batch.spread(list(range(100)), 4) == [0, 25, 50, 75]
    assert batch.spread([1, 2], 10) == [1, 2]


def result(loop: float, build: float, floor: float, rebuilt: str = "2022: 50 skipped of 50",
           build_cpu: float | None = None) -> batch.Result:
    """A Result for N=50 with the given seconds per report (CPU as wall unless given); (c) spent 5 s of its
    time on the font."""
    cpu = build if build_cpu is None else build_cpu
    return batch.Result(50, 10, batch.Timing(loop * 10, loop * 10),
                        batch.Build(build * 50, cpu * 50, 400.0, "2022: 50 built of 50"),
                        batch.Build(1.5, 1.5, 300.0, rebuilt), batch.Timing(floor * 50, floor * 50),
                        {"font": 5.0, "pages": floor * 40})


def test_verdicts():
    text = "\n".join(batch.lines(result(loop=3.0, build=0.25, floor=0.2), jobs=2))
    assert "12.0x faster than (a) (CPU: 12.0x)   [target >= 12x: PASS]" in text
    assert "CPU (b)/(c) = 1.25   [target <= 1.5: PASS]   (wall (b)/(c) = 1.25)" in text
    assert "400 MB" in text and "NOT ALL SKIPPED" not in text
    text = "\n".join(batch.lines(result(loop=3.0, build=0.6, floor=0.2, rebuilt="2022: 50 built of 50"), jobs=2))
    assert "5.0x faster than (a) (CPU: 5.0x)   [target >= 12x: FAIL]" in text
    assert "CPU (b)/(c) = 3.00   [target <= 1.5: FAIL]" in text
    assert "NOT ALL SKIPPED" in text
    text = "\n".join(batch.lines(result(loop=3.0, build=0.25, floor=0.2, build_cpu=0.4), jobs=2))
    assert "CPU (b)/(c) = 2.00   [target <= 1.5: FAIL]   (wall (b)/(c) = 1.25)" in text  # CPU decides
    assert "[target <= 2 s: PASS]" in batch.rebuild_line("", 15, batch.Build(1.2, 1, 1, "2022: 15 skipped of 15"), True)
    assert "[target <= 2 s: FAIL]" in batch.rebuild_line("", 15, batch.Build(1.2, 1, 1, "2022: 15 built of 15"), True)


def test_planned_only_is_what_a_no_change_rebuild_skips(tmp_path):
    from govreport import build, config
    data = synthetic.write_year(tmp_path / "data", 3)
    batch.planned_only(data, 2022, tmp_path / "out")
    todo = build.plan(config.load(None, 2022, data_dir=data, output_dir=tmp_path / "out"))
    assert not todo.tasks and [o.status for o in todo.decided] == ["skipped"] * 3
