"""Text for a terminal. An agency's name, a CSV header or a file name comes from data a pull request can
change; printed raw, its control characters could erase or move lines of what a reviewer reads (ESC [2K,
ESC [1A), and bidi overrides could reorder them. Everything govreport prints from data goes through safe()."""
from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # C0 but \t \n, DEL, C1, bidi


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str) -> str:
    """`text` with every control character (C0 except tab and newline, DEL, C1) and every bidi embedding,
    override or isolate (U+202A–U+202E, U+2066–U+2069) shown as a visible escape: \\x1b, \\u202e."""
    return _UNSAFE.sub(_escaped, str(text))
