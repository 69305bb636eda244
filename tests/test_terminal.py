"""Nothing from data reaches the terminal raw: control characters and bidi overrides in an agency's name, a CSV
header or cell, a sentence, are printed as visible escapes by `govreport check`, `govreport diff` and the
build's summary."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

from govreport import checks
from govreport.terminal import safe

REPO = Path(__file__).resolve().parent.parent
HOSTILE = "\x1b[2K\x1b[1A\u202e"  # erase the line, go up one, then reverse what follows
SHOWN = "\\x1b[2K\\x1b[1A\\u202e"
RAW = ("\x1b", "\u202e", "\r")


def govreport(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govreport.cli", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8")


def test_safe_escapes_controls_and_bidi_and_keeps_the_rest():
    assert safe("名称\x1b[2K\t甲\n乙\r\x00\x7f\x85\u202a\u202e\u2066\u2069\u200d") == \
        "名称\\x1b[2K\t甲\n乙\\x0d\\x00\\x7f\\x85\\u202a\\u202e\\u2066\\u2069\u200d"


def test_findings_table_escapes_what_the_data_holds():
    finding = checks.Finding("R7", "warning", f"agency{HOSTILE}", (f"三·总计{HOSTILE}",), "1", f"2{HOSTILE}", "m")
    table = checks.findings_table([finding])
    assert not any(c in table for c in RAW)
    assert table.count("\\x1b[2K\\x1b[1A") == 3  # agency, cells, found (each wrapped within its column)


def test_check_prints_a_hostile_csv_header_and_cell_escaped(tmp_path):
    data = Path(shutil.copytree(REPO / "data", tmp_path / "data"))
    s3 = data / "2022" / "section3.csv"
    s3.write_text(s3.read_text(encoding="utf-8").replace("hongsibu-police-branch,1,112,",
                                                         f"hongsibu-police-branch,1,112{HOSTILE},"), encoding="utf-8")
    proc = govreport("check", "--year", "2022", "--data", str(data), cwd=tmp_path)
    assert proc.returncode == 1 and "hongsibu-police-branch" in proc.stdout and SHOWN in proc.stdout
    assert not any(c in proc.stdout + proc.stderr for c in RAW)

    s2 = data / "2022" / "section2.csv"
    header, rest = s2.read_text(encoding="utf-8").split("\n", 1)
    s2.write_text(f"{header},note{HOSTILE}\n{rest}", encoding="utf-8")
    proc = govreport("check", "--year", "2022", "--data", str(data), cwd=tmp_path)
    assert proc.returncode == 2 and f"note{SHOWN}" in proc.stderr and "Traceback" not in proc.stderr
    assert not any(c in proc.stdout + proc.stderr for c in RAW)


def test_diff_prints_a_hostile_name_and_sentence_escaped(tmp_path):
    """Two output directories whose results.json differ by an agency's name and a sentence holding escapes."""
    results = {"name": "区教育局", "s2": {"rules_issued": 1}, "sentences": ["本年新收申请5件。"], "text": [],
               "findings": []}
    for side, name, sentence in (("old", "区教育局", "本年新收申请5件。"), ("new", f"区教育局{HOSTILE}", f"新{HOSTILE}。")):
        path = tmp_path / side / "2022" / "hongsibu-edu-bureau" / "results.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps({**results, "name": name, "sentences": [sentence]}), encoding="utf-8")
    proc = govreport("diff", str(tmp_path / "old"), str(tmp_path / "new"), "--html", "", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"区教育局{SHOWN}" in proc.stdout and f"+ 新{SHOWN}。" in proc.stdout
    assert not any(c in proc.stdout + proc.stderr for c in RAW)


def test_the_build_progress_and_summary_escape_an_error(tmp_path, capsys):
    from govreport import build, cli, config
    stream = io.StringIO()
    failed = build.Outcome("hongsibu-edu-bureau", "failed", error=f"'12{HOSTILE}' is not a number", log="error.log")
    build.Progress(1, "2022", stream)(failed)
    settings = config.load(None, 2022, data_dir=REPO / "data", output_dir=tmp_path)
    assert cli._summary(settings, [failed]) == 1
    printed = stream.getvalue() + capsys.readouterr().out
    assert printed.count(f"'12{SHOWN}'") == 2 and not any(c in printed for c in RAW)
