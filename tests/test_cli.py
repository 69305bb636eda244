"""`govreport check` and `build`: the findings table, bad data and bad settings named without a traceback."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govreport.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def test_check_the_sample_shows_its_two_warnings(capsys):
    assert main(["check", "--year", "2022", "--data", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "hongsibu-edu-bureau" in out and "R7" in out and "W1" in out and "0 error(s), 2 warning(s)" in out


def test_check_names_bad_data_and_fails(tmp_path):
    """The real command, in a process of its own: a traceback would go to its stderr."""
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    s3 = data / "2022" / "section3.csv"
    s3.write_text(s3.read_text(encoding="utf-8").replace("hongsibu-police-branch,1,112,", "hongsibu-police-branch,1,abc,"),
                  encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "govreport.cli", "check", "--year", "2022", "--data", str(data)],
                          capture_output=True, text=True)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1
    assert "section3.csv: agency hongsibu-police-branch, row 1, column natural, 'abc' is not a number" in proc.stdout


# -- build settings and paths: one line on stderr, exit status 2, naming the file (or flag) and the key --
AGENCY = "hongsibu-edu-bureau"  # has a finding (R7), so its build.json and index entry carry one


def error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("govreport: error: ") and "Traceback" not in err, err
    return err.strip()


def test_build_without_a_data_directory_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    for data in ("afile", "nodata"):
        assert main(["build", "--data", data]) == 2
        assert error_line(capsys) == f"govreport: error: {data}: no data directory with <year>/ folders: " \
                                     "give --data DIR or --year"
    assert main(["build"]) == 2  # no data/ here or above
    assert f"{tmp_path / 'data'}: no data directory" in error_line(capsys)


def test_an_output_directory_that_is_a_file_is_one_line(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    for out in ("afile", "afile/sub"):
        assert main(["build", "--year", "2022", "--data", str(DATA), "--out", str(tmp_path / out)]) == 2
        assert error_line(capsys) == f"govreport: error: --out: {tmp_path / 'afile'} is a file, not a directory"
    assert not list(tmp_path.glob("afile*/**"))


@pytest.mark.parametrize("text, where", [
    ("jobs: abc", "jobs: Input should be a valid integer"),
    ("year: abc", "year: Input should be a valid integer"),
    ("agencies: 5", "agencies: must be `all` or a list of agency ids"),
    ("parameters:", "parameters: Input should be a valid dictionary"),
    ("parameters: [a]", "parameters: Input should be a valid dictionary"),
    (f"parameters:\n  agency_id: {AGENCY}", "parameters.agency_id: is set by the build itself"),
])
def test_a_bad_params_file_is_one_line(tmp_path, capsys, text, where):
    params = tmp_path / "p.yaml"
    params.write_text(("" if text.startswith("year") else "year: 2022\n") + text + "\n", encoding="utf-8")
    assert main(["build", "--params", str(params), "--out", str(tmp_path / "out")]) == 2
    assert error_line(capsys).startswith(f"govreport: error: {params}: {where}")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("timeout", ["0", "-5"])
def test_a_timeout_of_zero_or_less_is_refused(tmp_path, capsys, timeout):
    assert main(["build", "--year", "2022", "--timeout", timeout, "--out", str(tmp_path)]) == 2
    assert error_line(capsys).startswith("govreport: error: --timeout: Input should be greater than or equal to 1")


def outputs(year_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(year_dir)): p.read_bytes() for p in sorted(year_dir.rglob("*"))
            if p.is_file() and p.name not in ("workers.log", ".lock")}


def test_the_same_build_from_a_subdirectory_uses_the_projects_settings_and_gives_the_same_reports(
        tmp_path, monkeypatch, capsys):
    root = tmp_path / "project"
    shutil.copytree(DATA, root / "data")
    (root / "params").mkdir()
    (root / "params" / "2022.yaml").write_text(f"year: 2022\nagencies: [{AGENCY}]\njobs: 1\nparameters:\n"
                                               "  charts: false\n", encoding="utf-8")
    (root / "docs" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(root)
    assert main(["build", "--year", "2022"]) == 0
    at_root = outputs(root / "outputs" / "2022")
    assert f"{AGENCY}/report.html" in at_root and b"<svg" not in at_root[f"{AGENCY}/report.html"]  # the params
    shutil.rmtree(root / "outputs")
    monkeypatch.chdir(root / "docs" / "deeper")
    assert main(["build", "--year", "2022"]) == 0
    again = outputs(root / "outputs" / "2022")
    assert again.pop(f"{AGENCY}/report.ipynb") and at_root.pop(f"{AGENCY}/report.ipynb")  # papermill's timings
    assert again == at_root
    assert not (root / "docs" / "deeper" / "outputs").exists()


def test_no_machine_path_in_what_a_build_writes(tmp_path, capsys):
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    s4, bad = data / "2022" / "section4.csv", "hongsibu-police-branch"
    s4.write_text(re.sub(rf"^{bad},\d+", f"{bad},-3", s4.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--year", "2022", "--agency", AGENCY, "--agency", bad, "--data", str(data),
                 "--out", str(out)]) == 1
    written = outputs(out / "2022")
    assert {f"{AGENCY}/{name}" for name in ("report.html", "report.ipynb", "results.json", "build.json")} \
        | {"index.html", f"{bad}/build.json"} <= set(written)
    assert [name for name, content in written.items() if str(tmp_path).encode() in content] == [f"{bad}/error.log"]
    assert "<code>data_dir=data</code>" in written[f"{AGENCY}/report.html"].decode()
    assert json.loads(written[f"{bad}/build.json"])["error"].startswith(f"data/2022/section4.csv: agency {bad}")
