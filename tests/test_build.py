"""Batch builds for real: worker processes, forked kernels, papermill and nbconvert on copies of the sample."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from govreport import build, config
from govreport.cli import main

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "govreport" / "project" / "notebooks" / "agency_report.ipynb"
GOOD = ["hongsibu-gov-office", "hongsibu-edu-bureau"]
RAISES, BAD_DATA, HANGS = "hongsibu-drc-bureau", "hongsibu-police-branch", "hongsibu-finance-bureau"


def copy_data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REPO / "data", tmp_path / "data"))


def args(data: Path, out: Path, agencies, *more) -> list[str]:
    return ["build", "--year", "2022", "--data", str(data), "--out", str(out),
            *[x for a in agencies for x in ("--agency", a)], *more]


def state(out: Path, agency: str) -> dict:
    return json.loads((out / "2022" / agency / "build.json").read_text(encoding="utf-8"))


def statuses(outcomes) -> dict[str, str]:
    return {o.agency: o.status for o in outcomes}


def test_failures_do_not_stop_the_others(tmp_path, capsys):
    data = copy_data(tmp_path)
    s4 = data / "2022" / "section4.csv"
    s4.write_text(re.sub(rf"^{BAD_DATA},\d+", f"{BAD_DATA},-3", s4.read_text(encoding="utf-8"), flags=re.M),
                  encoding="utf-8")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell(
        f"if agency_id == {RAISES!r}:\n    raise RuntimeError('boom in the notebook')\n"
        f"if agency_id == {HANGS!r}:\n    import time\n    time.sleep(120)"))
    notebook = tmp_path / "faulty.ipynb"
    nbformat.write(nb, notebook)
    out = tmp_path / "out"
    code = main(args(data, out, GOOD + [RAISES, BAD_DATA, HANGS], "--notebook", str(notebook),
                     "--timeout", "5", "-j", "2"))
    printed = capsys.readouterr()
    assert code == 1
    for agency in GOOD:
        assert state(out, agency)["status"] == "built"
        assert (out / "2022" / agency / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    summary = printed.out[printed.out.index("2022: "):]
    assert "2 built" in summary and "3 failed" in summary
    raises = next(line for line in summary.splitlines() if RAISES in line)
    assert "RuntimeError: boom in the notebook" in raises and "cell" in raises and "error.log" in raises
    assert "RuntimeError" in (out / "2022" / RAISES / "error.log").read_text(encoding="utf-8")
    bad = next(line for line in summary.splitlines() if BAD_DATA in line)
    assert "section4.csv" in bad and "negative" in bad
    hangs = next(line for line in summary.splitlines() if HANGS in line)
    assert "Timeout" in hangs or "timed out" in hangs
    for agency in (RAISES, BAD_DATA, HANGS):
        assert not (out / "2022" / agency / "report.html").exists()
        assert state(out, agency)["status"] == "failed"
    index = (out / "2022" / "index.html").read_text(encoding="utf-8")
    assert f'href="{RAISES}/error.log"' in index and f'href="{GOOD[0]}/report.html"' in index
    assert "boom in the notebook" in index


def test_incremental_and_reproducible(tmp_path):
    data = copy_data(tmp_path)
    out = tmp_path / "out"
    agencies = GOOD + [RAISES]
    settings = config.load(None, 2022, data_dir=data, output_dir=out, agencies=agencies, jobs=2)
    assert set(statuses(build.build(settings)).values()) == {"built"}
    first = {a: [(out / "2022" / a / name).read_bytes() for name in ("report.html", "report.ipynb")] for a in agencies}

    started = time.monotonic()
    assert set(statuses(build.build(settings)).values()) == {"skipped"}
    assert time.monotonic() - started < 30  # generous: the figure that matters is in benchmarks/batch.py

    narrative = data / "2022" / "narrative" / GOOD[1] / "s5.md"
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n\n另有一段补充说明。", encoding="utf-8")
    s3 = data / "2022" / "section3.csv"  # a file every agency reads: only the agency whose rows change rebuilds
    s3.write_text(s3.read_text(encoding="utf-8").replace(f"{RAISES},3.1,", f"{RAISES},3.1,1", 1)
                  .replace(f"{RAISES},1,", f"{RAISES},1,1", 1), encoding="utf-8")
    assert statuses(build.build(settings)) == {GOOD[0]: "skipped", GOOD[1]: "built", RAISES: "built"}
    assert "另有一段补充说明" in (out / "2022" / GOOD[1] / "report.html").read_text(encoding="utf-8")

    shutil.copytree(REPO / "data", data, dirs_exist_ok=True)  # back to the original inputs
    forced = config.load(None, 2022, data_dir=data, output_dir=out, agencies=agencies, jobs=2, force=True)
    assert set(statuses(build.build(forced)).values()) == {"built"}
    assert {a: [(out / "2022" / a / name).read_bytes() for name in ("report.html", "report.ipynb")]
            for a in agencies} == first  # the executed notebook too: no clock in it


def test_a_no_change_plan_does_not_load_the_year(tmp_path, monkeypatch):
    """Once planned, a rebuild of the same inputs decides from the plan's memo and build.json alone (each
    report skipped with its findings); a change to any input plans from the data again, as before."""
    data, out = copy_data(tmp_path), tmp_path / "out"
    agencies = GOOD + ["hongsibu-civil-affairs-bureau"]  # its narrative contradicts its table: a finding
    settings = config.load(None, 2022, data_dir=data, output_dir=out, agencies=agencies)
    first = build.plan(settings)
    for task in first.tasks:  # as if built
        build._record(task, build.Made({"report.html": f"<p>{task.agency}</p>"}))

    def loading(*args, **kwargs):
        raise AssertionError("the year's data was loaded")

    monkeypatch.setattr(build, "load_year", loading)
    again = build.plan(settings)
    assert not again.tasks and statuses(again.decided) == {a: "skipped" for a in agencies}
    assert {o.agency: o.findings for o in again.decided} == {t.agency: t.findings for t in first.tasks}
    assert any(o.findings for o in again.decided)
    assert (again.names, again.selected) == (first.names, first.selected)
    monkeypatch.undo()

    (out / "2022" / build.PLAN_MEMO).write_text("{not json", encoding="utf-8")  # a corrupt memo: plan again
    assert set(statuses(build.plan(settings).decided).values()) == {"skipped"}
    narrative = data / "2022" / "narrative" / GOOD[1] / "s5.md"
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n\n另有一段补充说明。", encoding="utf-8")
    changed = build.plan(settings)
    assert [t.agency for t in changed.tasks] == [GOOD[1]]
    assert statuses(changed.decided) == {a: "skipped" for a in agencies if a != GOOD[1]}
    forced = build.plan(config.load(None, 2022, data_dir=data, output_dir=out, agencies=agencies, force=True))
    assert [t.agency for t in forced.tasks] == agencies


def test_a_report_does_not_depend_on_what_ran_before_it(tmp_path):
    """B built right after A in the same worker equals B built alone in an ordinary fresh kernel."""
    out = tmp_path / "pooled"
    settings = config.load(None, 2022, data_dir=REPO / "data", output_dir=out, agencies=GOOD, jobs=1)
    assert set(statuses(build.build(settings)).values()) == {"built"}
    task = next(t for t in build.plan(config.load(None, 2022, data_dir=REPO / "data", output_dir=tmp_path / "fresh",
                                                  agencies=GOOD[1:])).tasks)
    assert build.run_task(task).status == "built"  # in this process: no pool, an ordinary kernel
    assert (tmp_path / "fresh" / "2022" / GOOD[1] / "report.html").read_bytes() == \
        (out / "2022" / GOOD[1] / "report.html").read_bytes()


def test_killed_build_leaves_no_half_report_and_resumes(tmp_path):
    out = tmp_path / "out"
    agencies = GOOD + [RAISES, HANGS]
    command = [sys.executable, "-m", "govreport.cli", *args(REPO / "data", out, agencies, "-j", "1")]
    proc = subprocess.Popen(command, cwd=tmp_path, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while not (out / "2022" / GOOD[0] / "build.json").exists():  # the first report is complete
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)  # somewhere inside the next report
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    for agency in agencies:
        report = out / "2022" / agency / "report.html"
        if report.exists():
            assert report.read_text(encoding="utf-8").rstrip().endswith("</html>")
    rerun = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"skipped  {GOOD[0]}" in rerun.stderr
    for agency in agencies:
        assert state(out, agency)["status"] == "built"
        assert not list((out / "2022" / agency).glob(".*.tmp"))


def test_params_file_and_overrides(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("year: 2021\njobs: 3\nagencies: [a, b]\nparameters:\n  charts: false\n", encoding="utf-8")
    s = config.load(params, None, jobs=1)
    assert (s.year, s.jobs, s.agencies, s.parameters) == (2021, 1, ("a", "b"), {"charts": False})
    params.write_text("year: 2021\njbos: 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown setting.*jbos"):
        config.load(params, None)
    for shipped in (REPO / "params").glob("*.yaml"):
        assert config.load(shipped, None).year == int(shipped.stem)


def test_notebook_parameter_from_params_removes_charts(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text(f"year: 2022\ndata_dir: {REPO / 'data'}\noutput_dir: {tmp_path / 'o'}\n"
                      f"agencies: [{GOOD[0]}]\nparameters:\n  charts: false\n", encoding="utf-8")
    assert main(["build", "--params", str(params)]) == 0
    html = (tmp_path / "o" / "2022" / GOOD[0] / "report.html").read_text(encoding="utf-8")
    assert "<svg" not in html and "charts=False" in html


def test_a_second_build_into_the_same_directory_is_refused_while_one_runs(tmp_path):
    import fcntl
    year_dir = tmp_path / "out" / "2022"
    year_dir.mkdir(parents=True)
    with open(year_dir / ".lock", "w") as lock:  # as a running build holds it
        fcntl.flock(lock, fcntl.LOCK_EX)
        settings = config.load(None, 2022, data_dir=REPO / "data", output_dir=tmp_path / "out", agencies=GOOD[:1])
        with pytest.raises(build.BuildError, match="another govreport build"):
            build.build(settings)
    assert not (year_dir / GOOD[0]).exists()


def test_skipped_reports_keep_their_findings(tmp_path):
    settings = config.load(None, 2022, data_dir=REPO / "data", output_dir=tmp_path, agencies=["hongsibu-edu-bureau"])
    first = build.build(settings)
    again = build.build(settings)
    assert again[0].status == "skipped" and [f.rule for f in again[0].findings] == ["R7"]
    assert again[0].findings == first[0].findings


def test_a_fragment_that_cannot_be_written_fails_that_agency_only(tmp_path):
    """A directory where one report's fragment should go: that agency fails after its page was built, naming
    the fragment and the file; the other agency's fragment is written."""
    out = tmp_path / "out"
    blocked = out / "2022" / GOOD[0] / "report.fragment.html"
    blocked.mkdir(parents=True)
    settings = config.load(None, 2022, data_dir=REPO / "data", output_dir=out, agencies=GOOD, jobs=2, fragment=True)
    outcomes = {o.agency: o for o in build.build(settings)}
    assert outcomes[GOOD[0]].status == "failed"
    assert outcomes[GOOD[0]].error.startswith("fragment: ") and "report.fragment.html" in outcomes[GOOD[0]].error
    assert "Traceback" in (out / "2022" / GOOD[0] / "error.log").read_text(encoding="utf-8")
    assert outcomes[GOOD[1]].status == "built" and (out / "2022" / GOOD[1] / "report.fragment.html").is_file()
