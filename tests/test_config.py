"""Build settings: one typed schema; every bad value is one message naming the file and the setting."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from govreport import build, config, narrative
from govreport.dataset import DataError

from conftest import SEED_AGENCY

REPO = Path(__file__).resolve().parent.parent


def params(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path, match: str, **overrides) -> str:
    with pytest.raises(DataError, match=match) as err:
        config.load(path, None, **overrides)
    return str(err.value)


@pytest.mark.parametrize("name", config.RESERVED)
def test_parameters_cannot_override_what_the_build_sets(tmp_path, name):
    path = params(tmp_path, f"year: 2022\nparameters:\n  {name}: hongsibu-edu-bureau\n")
    message = refused(path, f"parameters.{name}: is set by the build itself")
    assert message.startswith(f"{path}: ")


@pytest.mark.parametrize("name", ["'import os; os.system(\"touch x\"); y'", "class", "'1x'", "'a b'"])
def test_a_parameter_name_is_a_plain_identifier_never_code(tmp_path, name):
    refused(params(tmp_path, f"year: 2022\nparameters:\n  {name}: 1\n"), "parameters.*plain Python identifier")


@pytest.mark.parametrize("value", ["null", "{a: 1}", "2022-01-01", "[[1]]", "[{a: 1}]"])
def test_parameter_values_are_plain_data(tmp_path, value):
    refused(params(tmp_path, f"year: 2022\nparameters:\n  charts: {value}\n"),
            "parameters.charts: must be a string, number, true/false or a list of them")


def test_parameters_must_be_declared_by_the_notebook_with_its_types(tmp_path):
    ok = config.load(params(tmp_path, "year: 2022\nparameters:\n  charts: false\n"), None)
    assert ok.parameters == {"charts": False}
    refused(params(tmp_path, "year: 2022\nparameters:\n  charts: \"false\"\n"),
            r"parameters.charts: must be true or false like the notebook's default charts = True, got 'false'")
    refused(params(tmp_path, "year: 2022\nparameters:\n  chart: false\n"),
            r"parameters.chart: the notebook agency_report.ipynb has no such parameter \(its parameters: charts\)")


@pytest.mark.parametrize("text, match", [
    ("year: abc", r"year: Input should be a valid integer, got 'abc'"),
    ("year: 2022\njobs: abc", r"jobs: Input should be a valid integer, got 'abc'"),
    ("year: 2022\njobs: 0", r"jobs: Input should be greater than or equal to 1"),
    ("year: 2022\ntimeout: 0", r"timeout: Input should be greater than or equal to 1"),
    ("year: 2022\ntimeout: -5", r"timeout: Input should be greater than or equal to 1"),
    ("year: 2022\npdf: \"false\"", r"pdf: Input should be a valid boolean, got 'false'"),
    ("year: 2022\nstrict: 1", r"strict: Input should be a valid boolean, got 1"),
    ("year: 2022\nagencies: 5", r"agencies: must be `all` or a list of agency ids"),
    ("year: 2022\nagencies: some-id", r"agencies: must be `all` or a list of agency ids, e.g. \[some-id\]"),
    ("year: 2022\nagencies: [1]", r"agencies\[0\]: Input should be a valid string"),
    ("year: 2022\nagencies: []", r"agencies: .*at least 1 item"),
    ("year: 2022\nparameters:", r"parameters: Input should be a valid dictionary, got None"),
    ("year: 2022\nparameters: [a]", r"parameters: Input should be a valid dictionary"),
    ("year: 2022\ntitle_form: 年份", r"title_form: Input should be '年' or '年度'"),
    ("year: 2022\noutput_dir: 5", r"output_dir: Input is not a valid path"),
    ("year: 2022\njbos: 3", r"unknown setting\(s\) jbos \(known: year, "),
    ("- year: 2022", r"must be a mapping of setting: value"),
])
def test_each_bad_setting_is_one_line_naming_the_file_and_the_key(tmp_path, text, match):
    path = params(tmp_path, text + "\n")
    message = refused(path, match)
    assert message.startswith(f"{path}: ") and "\n" not in message


def test_a_bad_flag_is_named_as_the_flag(tmp_path):
    for timeout in (0, -5):
        with pytest.raises(DataError, match=r"^--timeout: Input should be greater than or equal to 1"):
            config.load(None, 2022, {"timeout": "--timeout"}, timeout=timeout)
    (tmp_path / "afile").write_text("x")
    for out in (tmp_path / "afile", tmp_path / "afile" / "sub"):
        with pytest.raises(DataError, match=rf"^--out: {tmp_path / 'afile'} is a file, not a directory"):
            config.load(None, 2022, {"output_dir": "--out"}, output_dir=out)


def test_an_output_directory_that_cannot_be_written_is_refused(tmp_path):
    """An immutable directory (chattr +i): unwritable even for root, as tests run in CI."""
    locked = tmp_path / "locked"
    locked.mkdir()
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available on this file system")
    try:
        with pytest.raises(DataError, match=r"output_dir: .*locked is not writable"):
            config.load(None, 2022, output_dir=locked / "out")
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)


def test_agencies_all_a_list_and_no_agency_twice(tmp_path):
    assert config.load(params(tmp_path, "year: 2022\nagencies: all\n"), None).agencies is None
    assert config.load(None, 2022, agencies=["x", "y", "x"]).agencies == ("x", "y")
    settings = config.load(None, 2022, data_dir=REPO / "data", output_dir=tmp_path,
                           agencies=["hongsibu-gov-office", "hongsibu-gov-office"])
    assert [t.agency for t in build.plan(settings).tasks] == ["hongsibu-gov-office"]


def test_a_home_directory_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config.load(params(tmp_path, "year: 2022\noutput_dir: ~/x\n"), None).output_dir == tmp_path / "home" / "x"
    assert config.load(None, 2022, output_dir=Path("~/y")).output_dir == tmp_path / "home" / "y"


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for sub in ("params", "data", "sub/deeper"):
        (root / sub).mkdir(parents=True)
    return root


def test_a_params_files_paths_are_relative_to_its_project_root(tmp_path, monkeypatch):
    root = project(tmp_path)
    path = root / "params" / "2022.yaml"
    path.write_text("year: 2022\ndata_dir: data\noutput_dir: out\nnotebook: nb.ipynb\n", encoding="utf-8")
    (root / "nb.ipynb").write_text("{}")
    monkeypatch.chdir(tmp_path)  # not where the file is
    settings = config.load(Path("project/params/2022.yaml"), None)
    assert (settings.data_dir, settings.output_dir, settings.notebook) == \
        (root / "data", root / "out", root / "nb.ipynb")


def test_defaults_and_flags_from_a_subdirectory(tmp_path, monkeypatch):
    root = project(tmp_path)
    monkeypatch.chdir(root / "sub" / "deeper")
    assert config.project_root() == root
    settings = config.load(None, 2022)
    assert (settings.data_dir, settings.output_dir) == (root / "data", root / "outputs")
    assert settings.notebook == REPO / "govreport" / "project" / "notebooks" / "agency_report.ipynb"  # the package's
    assert config.load(None, 2022, data_dir=Path("d")).data_dir == root / "sub" / "deeper" / "d"  # a flag: the cwd
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert config.project_root(outside) == outside  # no project above: the directory itself


def billion_laughs() -> str:
    """The classic alias bomb: nine levels of nine references, 9**9 (387 million) strings once expanded."""
    lines = ["year: 2022", "parameters:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, ref in zip("bcdefghi", "abcdefgh"):
        lines.append(f"  {name}: &{name} [{','.join([f'*{ref}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_fails_at_once_with_a_message(tmp_path):
    path = params(tmp_path, billion_laughs())
    assert len(path.read_bytes()) < 1024
    # in a subprocess: before the fix, this build never ended
    done = subprocess.run([sys.executable, "-m", "govreport.cli", "build", "--params", str(path)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == f"govreport: error: {path}: cannot read the build parameters: line 4: " \
                          "YAML aliases (*a) are not allowed\n"


def test_a_huge_params_file_is_refused(tmp_path):
    refused(params(tmp_path, "year: 2022\n" + "# padding\n" * 10_000), "larger than 64 KB")


def test_title_form(tmp_path):
    assert narrative.title(SEED_AGENCY, 2022) == "红寺堡区人民政府办公室2022年政府信息公开工作年度报告"
    assert narrative.title(SEED_AGENCY, 2022, "年度") == "红寺堡区人民政府办公室2022年度政府信息公开工作年度报告"
    settings = config.load(params(tmp_path, f"year: 2022\ndata_dir: {REPO / 'data'}\noutput_dir: out\n"
                                            "agencies: [hongsibu-gov-office]\ntitle_form: 年度\n"), None)
    task = build.plan(settings).tasks[0]
    assert task.title == "红寺堡区人民政府办公室2022年度政府信息公开工作年度报告"
    assert task.parameters["title_form"] == task.provenance["parameters"]["title_form"] == "年度"
    assert config.load(None, 2022).title_form == "年"
