"""govreport as an office uses it: installed from a wheel, a project made by `govreport init`, commands run from
anywhere inside it, and the project's notebook opened in JupyterLab."""
from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from govreport import config, project, sample
from govreport.cli import main

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("govreport", "pyproject.toml", "README.md")  # what a wheel is built from
SEED_NAME = next(a[1] for a in sample.AGENCIES if a[0] == sample.SEED)


def _reports(out: Path) -> dict[str, bytes]:
    """Every report page of a build (report.html per agency, index.html per year), by its relative path."""
    pages = sorted([*out.glob("*/index.html"), *out.glob("*/*/report.html")])
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in pages}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ of a fresh venv holding govreport from a wheel of this checkout (its dependencies borrowed from
    the test environment through a .pth file): no editable install, no checkout on the path."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    for name in SOURCES:
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy2
        copy(REPO / name, src / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                         if (REPO / name).is_dir() else {}))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp / "dist"), str(src)],
                   check=True, capture_output=True)
    wheel = next((tmp / "dist").glob("govreport-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    (venv / "share").mkdir()  # and their data files, as pip installs them: nbconvert's templates, the kernel spec
    (venv / "share" / "jupyter").symlink_to(Path(sys.prefix) / "share" / "jupyter")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", str(wheel)],
                   check=True, capture_output=True, cwd=tmp, env=_env())
    where = subprocess.run([python, "-c", "import sys, govreport.project as p, govreport; "
                                          "print(p.__file__); print(*govreport.__path__); print(*sys.path)"],
                           check=True, capture_output=True, text=True, cwd=tmp, env=_env()).stdout.splitlines()
    assert where[0].startswith(site) and all(p.startswith(site) for p in where[1].split())
    assert str(REPO) not in where[2].split()
    return venv / "bin"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def _govreport(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([bin_dir / "govreport", *args], cwd=cwd, env=_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def test_an_installed_wheel_makes_a_project_and_builds_it_from_any_subdirectory(installed, tmp_path):
    _govreport(installed, "init", "office", cwd=tmp_path)
    root = tmp_path / "office"
    assert "no findings" in _govreport(installed, "check", "--year", "2022", cwd=root).stdout
    _govreport(installed, "build", cwd=root)
    first = _reports(root / "outputs")
    shutil.move(root / "outputs", tmp_path / "first")

    _govreport(installed, "check", "--year", "2022", cwd=root / "data" / "2022")
    _govreport(installed, "build", cwd=root / "notebooks")
    assert not (root / "notebooks" / "outputs").exists()
    assert sorted(first) == sorted([f"{y}/{sample.SEED}/report.html" for y in sample.YEARS] +
                                   [f"{y}/index.html" for y in sample.YEARS])
    assert _reports(root / "outputs") == first
    assert SEED_NAME in first[f"2022/{sample.SEED}/report.html"].decode()


def test_the_project_notebook_runs_in_jupyterlab_with_its_default_parameters(tmp_path, monkeypatch):
    project.init(tmp_path / "office")
    monkeypatch.chdir(tmp_path)  # the kernel's working directory is the notebook's alone
    notebooks = tmp_path / "office" / "notebooks"
    nb = nbformat.read(notebooks / "agency_report.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(notebooks)}}).execute()
    shown = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", ()))
    assert SEED_NAME in shown and "2022" in shown


def test_init_writes_a_project_whose_example_agency_passes_the_checks(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    assert main(["init", "empty"]) == 0
    root = tmp_path / "empty"
    for name in (project.MARKER, "README.md", ".gitignore", ".gitattributes", ".pre-commit-config.yaml",
                 "notebooks/agency_report.ipynb", "notebooks/agency_report.py",
                 *(f"params/{y}.yaml" for y in sample.YEARS)):
        assert (root / name).is_file(), name
    assert "/outputs/" in (root / ".gitignore").read_text(encoding="utf-8").split()
    assert (root / "notebooks" / "agency_report.ipynb").read_bytes() == \
        project.package_file("notebooks/agency_report.ipynb").read_bytes()
    for year in sample.YEARS:
        agencies = (root / "data" / str(year) / "agencies.csv").read_text(encoding="utf-8").splitlines()
        assert [line.split(",")[0] for line in agencies[1:]] == [sample.SEED]
    monkeypatch.chdir(root / "data")
    capsys.readouterr()
    assert main(["check", "--year", "2022"]) == 0
    assert "no findings" in capsys.readouterr().out


def test_init_from_sample_writes_the_sample_data_byte_for_byte(tmp_path):
    project.init(tmp_path, from_sample=True)
    for year in sample.YEARS:
        same = filecmp.dircmp(tmp_path / "data" / str(year), REPO / "data" / str(year))
        assert not (same.left_only or same.right_only or same.diff_files)
        assert filecmp.cmpfiles(tmp_path / "data" / str(year), REPO / "data" / str(year),
                                ["agencies.csv", "section2.csv", "section3.csv", "section4.csv"], shallow=False)[0]


@pytest.mark.parametrize("existing", ["a file", "a non-empty directory"])
def test_init_refuses_to_write_over_anything(tmp_path, monkeypatch, capsys, existing):
    target = tmp_path / "office"
    if existing == "a file":
        target.write_text("mine\n", encoding="utf-8")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["init", "office"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("govreport: error: office: ") and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == (["office"] if existing == "a file" else
                                                            ["notes.txt", "office"])


def test_the_marker_finds_the_project_root_before_any_data_folder(tmp_path, monkeypatch):
    project.init(tmp_path / "office")
    root = tmp_path / "office"
    inner = root / "analysis" / "scratch"
    (inner / "data").mkdir(parents=True)  # a folder named data/ inside the project is not another project
    assert config.project_root(inner) == root
    monkeypatch.chdir(inner)
    settings = config.load(None, 2022)
    assert (settings.data_dir, settings.output_dir, settings.notebook) == \
        (root / "data", root / "outputs", root / "notebooks" / "agency_report.ipynb")
    (root / project.MARKER).unlink()
    assert config.project_root(inner) == inner  # without the marker, the nearest data/ wins


def test_without_its_own_notebook_a_project_uses_the_one_shipped_with_govreport(tmp_path, monkeypatch):
    project.init(tmp_path)
    shutil.rmtree(tmp_path / "notebooks")
    monkeypatch.chdir(tmp_path / "data")
    assert config.load(None, 2022).notebook == project.package_file("notebooks/agency_report.ipynb")
    assert config.load(None, 2022).notebook.is_file()


def test_this_repository_uses_the_files_init_writes(tmp_path):
    """One copy of each: the repository's own build settings and git attributes are those of a new project."""
    project.init(tmp_path)
    for name in [".gitattributes", *(f"params/{y}.yaml" for y in sample.YEARS)]:
        assert (REPO / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_lint_notebooks_checks_the_projects_notebooks_from_any_subdirectory(tmp_path, monkeypatch, capsys):
    project.init(tmp_path)
    monkeypatch.chdir(tmp_path / "data")
    assert main(["lint-notebooks"]) == 0
    assert str(tmp_path / "notebooks") in capsys.readouterr().out
    shutil.rmtree(tmp_path / "notebooks")
    assert main(["lint-notebooks"]) == 2
    assert capsys.readouterr().err == f"govreport: error: {tmp_path / 'notebooks'}: no such directory of notebooks\n"


def test_template_writes_into_the_project_from_any_subdirectory(tmp_path, monkeypatch):
    project.init(tmp_path)
    monkeypatch.chdir(tmp_path / "notebooks")
    assert main(["template", "--year", "2023"]) == 0
    assert [p.name for p in (tmp_path / "templates").iterdir()] == [f"{SEED_NAME}-2023.xlsx"]
    assert not (tmp_path / "notebooks" / "templates").exists()
