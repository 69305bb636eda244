"""`govreport check`: the findings table, and bad data named without a traceback."""
from __future__ import annotations

import shutil
from pathlib import Path

from govreport.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def test_check_the_sample_shows_its_two_warnings(capsys):
    assert main(["check", "--year", "2022", "--data", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "hongsibu-edu-bureau" in out and "R7" in out and "W1" in out and "0 error(s), 2 warning(s)" in out


def test_check_names_bad_data_and_fails(tmp_path, capsys):
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    s3 = data / "2022" / "section3.csv"
    s3.write_text(s3.read_text(encoding="utf-8").replace("hongsibu-police-branch,1,112,", "hongsibu-police-branch,1,abc,"),
                  encoding="utf-8")
    assert main(["check", "--year", "2022", "--data", str(data)]) == 1
    out = capsys.readouterr().out
    assert "section3.csv: agency hongsibu-police-branch, row 1, column natural, 'abc' is not a number" in out
    assert "Traceback" not in out
