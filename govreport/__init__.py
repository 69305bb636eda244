"""govreport: 政府信息公开工作年度报告 for every agency at once. This is its API for your own notebook:

    import govreport as gr
    r = gr.load_report("data", 2022, "hongsibu-gov-office")
    r                      # the whole report; or a part: r.tables["3"], r.charts["yoy"], r.narrative["summary"]
    gr.check("data", 2022)  # the check findings of every agency of the year

Arguments come in one order everywhere: data directory, year, agency. The modules behind these names are
private. Each name is imported on first use (PEP 562), so `import govreport` loads neither pandas nor
matplotlib, IPython or papermill.
"""
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("govreport")
except PackageNotFoundError:  # a source checkout on sys.path, never installed
    __version__ = "0+unknown"

_PUBLIC = {  # name -> (module, attribute)
    "load_year": ("dataset", "load_year"),
    "load_report": ("report", "load"),
    "check": ("report", "check"),
    "Report": ("report", "Report"),
    "DataError": ("dataset", "DataError"),
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name not in _PUBLIC:  # AttributeError also lets `from govreport import charts` import the module
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _PUBLIC[name]
    value = globals()[name] = getattr(import_module(f".{module}", __name__), attribute)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
