"""Read published annual reports (web page, Word, PDF, text) into AgencyData: see core.py."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from ..dataset import DataError
from .core import Imported, Inferred, interpret

READERS = {".txt": "text", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}

__all__ = ["Imported", "Inferred", "read_report", "READERS"]


def read_report(path: str | Path, agency_id: str | None = None, level: str | None = None) -> Imported:
    """The report in the file at `path` (its format by suffix); DataError when it cannot be read exactly."""
    path = Path(path)
    module = READERS.get(path.suffix.lower())
    if module is None:
        raise DataError(path, f"cannot import a {path.suffix or 'suffix-less'} file "
                              f"(known: {', '.join(sorted(READERS))})")
    if not path.is_file():
        raise DataError(path, "no such file")
    doc = import_module(f".{module}", __name__).read(path)
    return interpret(doc, path, agency_id, level)
