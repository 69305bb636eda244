"""govreport lint-notebooks: the repository's notebooks pass; a dirty or out-of-sync pair fails, then the
documented fix command repairs it."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml

from govreport import lint
from govreport.cli import main

ROOT = Path(__file__).resolve().parent.parent
NAME = "agency_report"


def test_the_repositorys_notebooks_pass(capsys):
    assert lint.check(ROOT / "govreport" / "project" / "notebooks") == []
    assert main(["lint-notebooks", str(ROOT / "govreport" / "project" / "notebooks")]) == 0
    assert "in sync, without outputs" in capsys.readouterr().out


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the notebooks/ directory, as the working directory's notebooks/."""
    shutil.copytree(ROOT / "govreport" / "project" / "notebooks", tmp_path / "notebooks")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "notebooks"


def run_fix_command(capsys) -> int:
    """The fix command exactly as the failure message (and README) gives it, run in the project directory."""
    program, *argv = lint.FIX_COMMAND.split()
    assert program == "govreport"
    code = main(argv)
    capsys.readouterr()
    return code


def fails_naming_the_fix(capsys, *words: str) -> None:
    assert main(["lint-notebooks"]) == 1
    out = capsys.readouterr().out
    assert f"Fix: {lint.FIX_COMMAND}" in out
    for word in words:
        assert word in out


def test_a_notebook_saved_with_outputs_fails_until_fixed(project, capsys):
    ipynb, py = project / f"{NAME}.ipynb", project / f"{NAME}.py"
    clean, twin = ipynb.read_bytes(), py.read_bytes()
    nb = nbformat.read(ipynb, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"][1]
    code.outputs = [nbformat.v4.new_output("display_data", {"text/html": "<h1>报告</h1>"})]
    code.execution_count = 2
    code.metadata["execution"] = {"iopub.execute_input": "2024-03-01T10:00:00Z"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nbformat.write(nb, ipynb)

    problems = lint.check(project)
    assert {p.path for p in problems} == {ipynb}  # the twin is still in sync: same sources
    assert re.search(r"outputs \(cell \d\).*execution counts \(cell \d\).*language_info.*execution",
                     "; ".join(p.message for p in problems))
    fails_naming_the_fix(capsys, "saved with outputs")

    assert run_fix_command(capsys) == 0
    assert lint.check(project) == []
    assert ipynb.read_bytes() == clean and py.read_bytes() == twin  # exactly the committed files again


def test_a_twin_edited_alone_fails_until_fixed(project, capsys):
    ipynb, py = project / f"{NAME}.ipynb", project / f"{NAME}.py"
    ids = [c.id for c in nbformat.read(ipynb, as_version=4).cells]
    py.write_text(py.read_text(encoding="utf-8").replace('data_dir = None', 'data_dir = None  # edited'),
                  encoding="utf-8")

    problems = lint.check(project)
    assert [p.path for p in problems] == [py]
    assert "out of sync" in problems[0].message and '+data_dir = None  # edited' in problems[0].message
    fails_naming_the_fix(capsys, "out of sync")

    assert run_fix_command(capsys) == 0
    assert lint.check(project) == []
    nb = nbformat.read(ipynb, as_version=4)
    assert 'data_dir = None  # edited' in nb.cells[1].source
    assert [c.id for c in nb.cells] == ids  # the cells keep their ids: a small diff


def test_a_notebook_edited_alone_updates_its_twin(project, capsys):
    ipynb, py = project / f"{NAME}.ipynb", project / f"{NAME}.py"
    nb = nbformat.read(ipynb, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("新增的说明"))
    nbformat.write(nb, ipynb)
    fails_naming_the_fix(capsys, f"{NAME}.py: out of sync")
    assert run_fix_command(capsys) == 0
    assert lint.check(project) == [] and "# 新增的说明" in py.read_text(encoding="utf-8")


def test_a_notebook_left_with_merge_conflict_markers_is_rebuilt_from_its_twin(project, capsys):
    ipynb = project / f"{NAME}.ipynb"
    text = ipynb.read_text(encoding="utf-8")
    line = ' "nbformat": 4,'
    conflict = text.replace(line, f"<<<<<<< HEAD\n{line}\n=======\n{line}\n>>>>>>> theirs")
    assert conflict != text
    ipynb.write_text(conflict, encoding="utf-8")
    fails_naming_the_fix(capsys, "cannot be read as a notebook")
    assert run_fix_command(capsys) == 0
    assert lint.check(project) == [] and 'data_dir = None' in nbformat.read(ipynb, as_version=4).cells[1].source


def test_a_py_without_its_notebook_and_an_unpaired_notebook(project, capsys):
    (project / f"{NAME}.ipynb").rename(project / "copy.ipynb")  # now copy.ipynb has no twin, agency_report.py no .ipynb
    nb = nbformat.read(project / "copy.ipynb", as_version=4)
    del nb.metadata["jupytext"]
    nbformat.write(nb, project / "copy.ipynb")
    messages = [str(p) for p in lint.check(project)]
    assert any(m.endswith(f"{NAME}.py: has no paired notebook {NAME}.ipynb") for m in messages)
    assert any("copy.ipynb: not paired" in m for m in messages) and any("copy.py is missing" in m for m in messages)
    assert run_fix_command(capsys) == 0
    assert lint.check(project) == [] and (project / f"{NAME}.ipynb").exists() and (project / "copy.py").exists()


@pytest.mark.parametrize("config_file, notebooks", [
    (".pre-commit-config.yaml", "govreport/project/notebooks"),  # this repository: the notebook it ships
    ("govreport/project/pre-commit-config.yaml", "notebooks"),  # a project's, written by `govreport init`
])
def test_pre_commit_runs_the_fix_command_on_notebooks(config_file, notebooks):
    config = yaml.safe_load((ROOT / config_file).read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    hook = next(h for h in hooks if h["id"] == "lint-notebooks")
    assert hook["entry"].split() == [*lint.FIX_COMMAND.split(), *([notebooks] if "/" in notebooks else [])]
    assert hook["pass_filenames"] is False
    assert all(re.search(hook["files"], f"{notebooks}/{NAME}.{ext}") for ext in ("ipynb", "py"))


def test_git_diffs_notebooks_with_nbdime_and_the_readme_says_how():
    attrs = subprocess.run(["git", "-C", str(ROOT), "check-attr", "diff", "--", f"govreport/project/notebooks/{NAME}.ipynb"],
                           capture_output=True, text=True)
    if attrs.returncode:
        pytest.skip("not a git checkout")
    assert attrs.stdout.strip().endswith("diff: jupyternotebook")
    contributing = (ROOT / "README.md").read_text(encoding="utf-8").split("## Contributing", 1)[1]
    assert "nbdime config-git --enable" in contributing and lint.FIX_COMMAND in contributing
    assert "govreport diff" in contributing
