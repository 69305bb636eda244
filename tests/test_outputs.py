"""govreport.outputs: the one home of the output file names and of the results.json / build.json schemas."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import get_type_hints

import pytest
from pydantic import TypeAdapter

from conftest import make_agency_data
from govreport import build, checks, outputs, report

PACKAGE = Path(outputs.__file__).resolve().parent
NAMES = {outputs.REPORT, outputs.NOTEBOOK, outputs.RESULTS, outputs.STATE, outputs.LOG, outputs.PDF, outputs.INDEX,
         outputs.WORKER_LOG, outputs.LOCK, outputs.DIFF, outputs.RESULTS_MIMETYPE}


def test_no_other_module_spells_an_output_file_name():
    """Every module names the files through outputs.py (a docstring may mention them in prose)."""
    found = [f"{path.name}:{node.lineno} {node.value!r}"
             for path in sorted(PACKAGE.rglob("*.py")) if path.name != "outputs.py"
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and node.value in NAMES]
    assert found == []


def _imports(path: Path) -> set[str]:
    """The govreport modules `path` imports anywhere (in a function, under TYPE_CHECKING too)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            out |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("govreport."):
            out.add(node.module.split(".")[1])
    return out


def test_no_import_cycles():
    """Today's layers: outputs and dataset at the bottom, checks above dataset, index and diff beside build,
    never importing it (a cycle hidden in a function or under TYPE_CHECKING counts as one)."""
    graph = {p.stem: _imports(p) for p in PACKAGE.glob("*.py")}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(d == goal or (d not in seen and not seen.add(d) and reaches(d, goal, seen))
                   for d in graph.get(start, ()))

    assert [m for m in sorted(graph) if reaches(m, m, set())] == []
    assert "checks" not in graph["dataset"] and "build" not in graph["index"] and "build" not in graph["diff"]


@pytest.mark.parametrize("module, absent", [("govreport.index", "govreport.build"),  # dataset: test_dataset.py
                                            ("govreport.render", "govreport.report")])
def test_a_module_loads_without_the_one_it_used_to_import(module, absent):
    code = f"import sys, {module}; print({absent!r} in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_results_schema_is_what_a_report_publishes():
    """report.results (made in the kernel) has exactly the keys and types of outputs.Results."""
    cur, prev = make_agency_data(), make_agency_data(year=2021)
    findings = checks.check_agency(make_agency_data(s4={"review_upheld": 1, "review_total": 2}), prev)
    assert findings  # so that the findings' records are checked too
    made = dict(report.Report(cur, prev, findings).results())
    assert set(made) == set(get_type_hints(outputs.Results))
    assert set(made["findings"][0]) == set(get_type_hints(outputs.FindingRecord))
    TypeAdapter(outputs.Results).validate_python(made, strict=True)


def test_build_state_schema_is_what_the_build_writes(tmp_path):
    outcome = build.Outcome("a", "failed", checks.check_agency(make_agency_data(s2={"rules_issued": 1})), "boom",
                            outputs.LOG)
    build._write_state(tmp_path, outcome, "k")
    state = outputs.read_state(tmp_path)
    assert set(state) == set(get_type_hints(outputs.BuildState)) and state["findings"]
    TypeAdapter(outputs.BuildState).validate_python(state, strict=True)
    assert [checks.Finding.from_record(f) for f in state["findings"]] == outcome.findings


def test_readers_give_none_for_a_missing_or_damaged_file(tmp_path):
    assert outputs.read_results(tmp_path) is None and outputs.read_state(tmp_path) is None
    (tmp_path / outputs.RESULTS).write_text('{"agency": "a", ', encoding="utf-8")  # cut short
    (tmp_path / outputs.STATE).write_bytes(b"\xff\xfe")
    assert outputs.read_results(tmp_path) is None and outputs.read_state(tmp_path) is None
    outputs.write_results(tmp_path, {"agency": "甲", "year": 2022})
    assert outputs.read_results(tmp_path) == {"agency": "甲", "year": 2022}
    assert "甲" in (tmp_path / outputs.RESULTS).read_text(encoding="utf-8")  # readable UTF-8, not \u escapes


def test_layout():
    assert outputs.agency_dir(Path("out"), 2022, "a") == Path("out/2022/a")
    assert outputs.year_dir("out", 2022) == Path("out/2022")
