"""Build settings, declared once as a typed schema: params/<year>.yaml, overridden by command-line flags.

Relative paths: a flag's are relative to the current directory, a params file's to that file's project root,
a default's to the current directory's project root (project.project_root: the nearest directory at or above
holding govreport.toml, else params/ or data/, as git finds .git), so a build gives the same reports from any
subdirectory.
"""
from __future__ import annotations

import ast
import keyword
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, ValidationError

from . import format as fmt
from .dataset import DataError
from .project import notebook as default_notebook
from .project import project_root

RESERVED = ("agency_id", "year", "data_dir", "title_form")  # notebook parameters the build itself sets
PATHS = ("data_dir", "output_dir", "notebook")
MAX_BYTES = 64 * 1024  # a params file is a few hundred bytes


def _identifier(name: str) -> str:
    """A parameter name becomes `name = value` in the kernel: it must be a plain name the build does not set."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError("a notebook parameter's name must be a plain Python identifier, not a keyword")
    if name in RESERVED:
        raise ValueError(f"is set by the build itself; a parameter cannot override {', '.join(RESERVED)}")
    return name


def _plain(value: Any) -> Any:
    """Parameters are data for the kernel: a string, number, true/false, or a list of them."""
    def scalar(v):
        return isinstance(v, (str, int, float, bool))

    if scalar(value) or (isinstance(value, list) and all(map(scalar, value))):
        return value
    raise ValueError(f"must be a string, number, true/false or a list of them, got {value!r}"[:200])


def _agencies(value: Any) -> Any:
    """`all` (or nothing) is every agency; a lone string is refused: it would be read letter by letter."""
    if value is None or value == "all":
        return None
    if not isinstance(value, (list, tuple)):
        hint = f", e.g. [{value}]" if isinstance(value, str) else ""
        raise ValueError(f"must be `all` or a list of agency ids{hint}, got {value!r}"[:200])
    return value


Count = Annotated[int, Field(strict=True, ge=1)]
AgencyIds = Annotated[tuple[Annotated[str, Field(strict=True, min_length=1)], ...], Field(min_length=1),
                      AfterValidator(lambda ids: tuple(dict.fromkeys(ids)))]  # once each: never built twice at once


class Settings(BaseModel):
    """What one build uses. Every field can be set in params/<year>.yaml; flags override it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: Annotated[int, Field(strict=True, ge=1000, le=9999)]
    data_dir: Path = Path("data")  # holds <year>/ (and <year-1>/ for the rules across years)
    output_dir: Path = Path("outputs")  # reports go to <output_dir>/<year>/<agency>/
    notebook: Path | None = None  # None: the project's notebooks/agency_report.ipynb, else govreport's own
    agencies: Annotated[AgencyIds | None, BeforeValidator(_agencies)] = None  # None: every agency
    jobs: Count = Field(default_factory=lambda: os.cpu_count() or 1)  # parallel workers
    scheduler: str | None = None  # a Dask scheduler's address (tcp://HOST:PORT): build there, not here
    timeout: Count = 300  # seconds one notebook cell may run before the report fails
    strict: StrictBool = False  # build no report for an agency whose data breaks a rule (an error, not a warning)
    force: StrictBool = False  # rebuild even when nothing changed
    pdf: StrictBool = False  # also print report.pdf beside each report.html
    docx: StrictBool = False  # also write report.docx (Word, for sign-off) beside each report.html
    fragment: StrictBool = False  # also write report.fragment.html, the article for a CMS (fragment.py)
    title_form: Literal[fmt.TITLE_FORMS] = fmt.TITLE_FORMS[0]  # the title reads {name}{year}年… or …年度…
    parameters: dict[Annotated[str, AfterValidator(_identifier)], Annotated[Any, AfterValidator(_plain)]] = {}


class _Loader(yaml.SafeLoader):
    """YAML without aliases: `*name` is how a 1 KB file expands to billions of values (billion laughs)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.YAMLError(f"line {event.start_mark.line + 1}: YAML aliases (*{event.anchor}) are not allowed")
        return super().compose_node(parent, index)


def read(path: Path) -> dict:
    """The settings a params file sets (not yet checked)."""
    try:
        with open(path, "rb") as f:
            text = f.read(MAX_BYTES + 1)
        if len(text) > MAX_BYTES:
            raise DataError(path, f"the build parameters are larger than {MAX_BYTES // 1024} KB")
        loader = _Loader(text.decode("utf-8"))
        loader.name = str(path)  # for the error's "in <file>, line L, column C"
        try:
            values = loader.get_single_data()
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise DataError(path, f"cannot read the build parameters: {' '.join(str(err).split())}") from None
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise DataError(path, "the build parameters must be a mapping of setting: value")
    return values


# how an error message names a setting given by a flag of `run`, `build` or `preview`
FLAGS = {"data_dir": "--data", "output_dir": "--out", "notebook": "--notebook", "agencies": "--agency",
         "jobs": "--jobs", "scheduler": "--scheduler", "timeout": "--timeout", "year": "--year"}


def add_project_flags(p) -> None:
    """The flags that name a report's inputs and outputs (run, build and preview share them; FLAGS names them)."""
    p.add_argument("--params", type=Path,
                   help="build settings (default: the project's params/<year>.yaml when it exists)")
    p.add_argument("--data", type=Path, help="data directory holding <year>/ (default: the project's data)")
    p.add_argument("--out", type=Path, help="output directory (default: the project's outputs)")
    p.add_argument("--notebook", type=Path,
                   help="report notebook (default: the project's notebooks/agency_report.ipynb, else govreport's own)")
    p.add_argument("--timeout", type=int, help="seconds a notebook cell may run before the report fails")


def from_flags(params: Path | None, year: int | None, **flags) -> Settings:
    """Settings as a command's flags give them: `params`, else the project's params/<year>.yaml when it exists,
    then the flags that are not None."""
    default = project_root() / "params" / f"{year}.yaml"
    if params is None and year is not None and default.is_file():
        params = default
    return load(params, year, FLAGS, **flags)


def load(path: str | Path | None, year: int | None, names: dict[str, str] | None = None, **overrides) -> Settings:
    """Settings from a params YAML file (if any), then `overrides` that are not None (from flags, named in
    error messages as `names` gives, e.g. {"output_dir": "--out"})."""
    overrides = {k: v for k, v in overrides.items() if v is not None} | ({"year": year} if year is not None else {})
    from_file = read(Path(path)) if path is not None else {}

    def where(key: str) -> str:
        return (names or {}).get(key, key) if key in overrides else f"{path}: {key}"

    unknown = sorted(map(str, set(from_file) - set(Settings.model_fields)))
    if unknown:
        raise DataError(path, f"unknown setting(s) {', '.join(unknown)} "
                              f"(known: {', '.join(Settings.model_fields)})")
    values = from_file | overrides
    if "year" not in values:
        raise DataError(path or "params", "no year: give --year or set `year:` in the parameters file")
    try:
        settings = Settings(**values)
    except ValidationError as err:
        raise DataError(*_first_problem(err, where)) from None
    bases = {"file": project_root(Path(path).parent) if path is not None else None,
             "flag": Path.cwd(), "default": project_root()}
    settings = settings.model_copy(update={
        key: Path(os.path.abspath(bases[_source(key, from_file, overrides)] / getattr(settings, key).expanduser()))
        for key in PATHS if getattr(settings, key) is not None})
    if settings.notebook is None:
        settings = settings.model_copy(update={"notebook": default_notebook(bases["default"])})
    _check_files(settings, where)
    return settings


def _source(key: str, from_file: dict, overrides: dict) -> str:
    return "flag" if key in overrides else "file" if key in from_file else "default"


def _first_problem(err: ValidationError, where) -> tuple[str, str]:
    """(where, what) for the first problem pydantic found, in words, naming the setting."""
    e = err.errors()[0]
    key, *inner = [part for part in e["loc"] if part != "[key]"]
    what = str(e["ctx"]["error"]) if e["type"] == "value_error" else f"{e['msg']}, got {e['input']!r}"[:200]
    return where(key) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in inner), what


def _check_files(settings: Settings, where) -> None:
    """What can be told before building: the notebook exists and takes the parameters; reports can be written."""
    out = settings.output_dir
    existing = next(d for d in (out, *out.parents) if d.exists())
    if not existing.is_dir():
        raise DataError(where("output_dir"), f"{existing} is a file, not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise DataError(where("output_dir"), f"{existing} is not writable")
    if not settings.notebook.is_file():
        raise DataError(where("notebook"), f"no notebook {settings.notebook}")
    if settings.parameters:
        _check_parameters(settings, where("parameters"))


KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "a string", list: "a list"}


def notebook_parameters(notebook: Path) -> dict[str, Any]:
    """The parameters the notebook's `parameters` cell declares, with their default values (None: unknown)."""
    import papermill

    def value(source: str) -> Any:
        try:
            return ast.literal_eval(source)
        except (ValueError, SyntaxError):
            return None

    return {name: value(p["default"]) for name, p in papermill.inspect_notebook(str(notebook)).items()}


def _check_parameters(settings: Settings, where: str) -> None:
    """Each parameter must be declared by the notebook, and of its default's type: `charts: "false"` is no
    bool, and would mean true."""
    try:
        declared = notebook_parameters(settings.notebook)
    except Exception as err:  # nbformat's and papermill's errors for a notebook they cannot read
        raise DataError(settings.notebook, f"cannot read the notebook's parameters: {err}") from None
    for name, value in settings.parameters.items():
        if name not in declared:
            known = ", ".join(n for n in declared if n not in RESERVED) or "none"
            raise DataError(f"{where}.{name}", f"the notebook {settings.notebook.name} has no such parameter "
                                               f"(its parameters: {known})")
        default = declared[name]
        if default is not None and not _same_kind(value, default):
            kind = KINDS.get(type(default), type(default).__name__)
            raise DataError(f"{where}.{name}", f"must be {kind} like the notebook's default {name} = {default!r}, "
                                               f"got {value!r}")


def _same_kind(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return type(value) is type(default)
    return isinstance(value, (int, float) if isinstance(default, float) else type(default))
