"""Office Open XML packages (.xlsx, .docx) made reproducible: the same content gives the same bytes.

openpyxl and python-docx stamp the save time into docProps/core.xml and each zip entry; `fixed` rewrites the
package with one given time everywhere (the data's, not the clock's), entries in the order they were written."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

CORE = "docProps/core.xml"
_W3CDTF = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def fixed(package: bytes, when: datetime) -> bytes:
    """`package` with every entry dated `when` and its document properties created and modified at `when`."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == CORE:
                data = _W3CDTF.sub(rf"\g<1>{stamp}\g<2>", data.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, when.timetuple()[:6])
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()
