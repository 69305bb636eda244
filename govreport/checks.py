"""The consistency rules (勾稽关系) and plausibility warnings of format.RULES, evaluated on loaded data.

`check_agency` / `check_year` return Findings; `findings_table` renders them for the terminal and
`findings_records` as JSON-ready dicts. Rules R2–R5 are read from format.EQUATIONS; the narrative figures
of W1 are declared in QUOTES; every label comes from format.py.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import asdict, dataclass, fields
from numbers import Real
from typing import Callable, NamedTuple

from . import format as fmt
from .dataset import AgencyData, YearData, previous_agency, value_problem
from .terminal import safe


@dataclass(frozen=True)
class Finding:
    """One broken rule at one agency: the cells involved, what they should hold and what they hold."""

    rule: str  # an id of format.RULES
    severity: str  # "error" | "warning"
    agency: str  # agency id
    cells: tuple[str, ...]  # human-readable cell names, e.g. "三·（七）总计·自然人"
    expected: str
    found: str
    message: str  # one line, Chinese

    @classmethod
    def from_record(cls, record: dict) -> Finding:
        """The Finding that findings_records() wrote as `record`."""
        return cls(**{f.name: record[f.name] for f in fields(cls)} | {"cells": tuple(record["cells"])})

    @property
    def rule_zh(self) -> str:
        return fmt.RULES[self.rule].zh

    @property
    def rule_en(self) -> str:
        return fmt.RULES[self.rule].en


def _finding(rule: str, d: AgencyData, cells, expected, found, message: str) -> Finding:
    return Finding(rule, fmt.RULES[rule].severity, d.agency.id, tuple(cells), str(expected), str(found), message)


# ---------------------------------------------------------------- cells: references, names, values
Ref = tuple[str, ...]  # ("s2", cell) | ("s3", row, column) | ("s4", cell)
ALL_CELLS: tuple[Ref, ...] = (
    *(("s2", c) for c in fmt.S2_CELLS),
    *(("s3", r, c) for r in fmt.S3_ROWS for c in fmt.S3_COLUMNS),
    *(("s4", c) for c in fmt.S4_CELLS),
)


_SECTION_NO = {k: title.split("、")[0] for k, title in fmt.SECTION_TITLES.items()}
_S4_NAMES = {code: "·".join(p) for code, p in fmt.leaf_paths(fmt.S4_TREE).items()}
_NAMES = {
    "s2": lambda code: "·".join(fmt.S2_LABELS[code]),
    "s3": lambda row, col: f"{fmt.S3_ROW_NAMES[row]}·{fmt.S3_COLUMN_LABELS[col]}",
    "s4": _S4_NAMES.__getitem__,
}


def cell_name(ref: Ref, year: int | None = None) -> str:
    """A cell's human-readable name, e.g. "三·（七）总计·自然人" (prefixed "2021年·" when `year` is given)."""
    name = f"{_SECTION_NO[ref[0].removeprefix('s')]}·{_NAMES[ref[0]](*ref[1:])}"
    return f"{year}年·{name}" if year is not None else name


def _value(d: AgencyData, ref: Ref):
    return d.cells[ref]


def _is_amount(ref: Ref) -> bool:
    return ref[0] == "s2" and ref[1] in fmt.S2_AMOUNT_CELLS


def _values(d: AgencyData, refs) -> list | None:
    """The cells' values, or None when any breaks R1 (that rule reports it; nothing else can use it)."""
    values = [_value(d, r) for r in refs]
    return None if any(value_problem(v, _is_amount(r)) for r, v in zip(refs, values)) else values


def _num(value) -> str:
    """A number as a report prints it: 5, 12.5, 83.33; anything else as is."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(x):
        return str(value)
    return str(int(x)) if x.is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- R1, R2–R5 (one year's tables)
def _r1(d: AgencyData) -> list[Finding]:
    out = []
    for ref in ALL_CELLS:
        value = _value(d, ref)
        if value_problem(value, _is_amount(ref)):
            expected = "非负金额" if _is_amount(ref) else "非负整数"
            found = _num(value) if isinstance(value, Real) else repr(value)  # '5' (text) is not 5
            name = cell_name(ref)
            out.append(_finding("R1", d, [name], expected, found, f"{name}为{found}，应为{expected}。"))
    return out


def _equation_cases(eq: fmt.Equation):
    """(lhs refs, rhs refs) for each row or column of the section the equation holds on."""
    if eq.section == "s4":
        yield [("s4", c) for c in eq.lhs], [("s4", c) for c in eq.rhs]
    elif eq.axis == "row":
        for r in fmt.S3_ROWS:
            yield [("s3", r, c) for c in eq.lhs], [("s3", r, c) for c in eq.rhs]
    else:
        for c in fmt.S3_COLUMNS:
            yield [("s3", r, c) for r in eq.lhs], [("s3", r, c) for r in eq.rhs]


def _common(names: list[str]) -> tuple[str, list[str]]:
    """Split "·"-joined names into their shared parts (the context) and what is left of each."""
    parts = [n.split("·") for n in names]
    head = 0
    while all(len(p) > head + 1 and p[head] == parts[0][head] for p in parts):
        head += 1
    tail = 0
    while all(len(p) > head + tail + 1 and p[-1 - tail] == parts[0][-1 - tail] for p in parts):
        tail += 1
    context = parts[0][:head] + parts[0][len(parts[0]) - tail:]
    return "·".join(context), ["·".join(p[head:len(p) - tail]) for p in parts]


def _terms(names: list[str]) -> str:
    return "＋".join(names) if len(names) <= 4 else f"{names[0]}至{names[-1]}之和"


def _equations(d: AgencyData) -> list[Finding]:
    """R2–R5, evaluated from format.EQUATIONS: the lhs cells summed (found) equal the rhs summed (expected)."""
    out = []
    for eq in fmt.EQUATIONS:
        for lhs, rhs in _equation_cases(eq):
            left, right = _values(d, lhs), _values(d, rhs)
            if left is None or right is None or sum(left) == sum(right):
                continue
            names = [cell_name(r) for r in lhs + rhs]
            context, short = _common(names)
            message = (f"{context}：{_terms(short[:len(lhs)])}＝{_num(sum(left))}，"
                       f"{_terms(short[len(lhs):])}＝{_num(sum(right))}，二者应相等。")
            out.append(_finding(eq.rule, d, names, _num(sum(right)), _num(sum(left)), message))
    return out


# ---------------------------------------------------------------- R6, R7 (across years)
def _r6(cur: AgencyData, prev: AgencyData) -> list[Finding]:
    out = []
    for col in fmt.S3_COLUMNS:
        now, before = ("s3", "2", col), ("s3", "4", col)
        c, p = _values(cur, [now]), _values(prev, [before])
        if c is None or p is None or c[0] == p[0]:
            continue
        message = (f"三·{fmt.S3_COLUMN_LABELS[col]}：{cur.year}年“{fmt.S3_ROW_LABELS['2']}”为{_num(c[0])}，"
                   f"{prev.year}年“{fmt.S3_ROW_LABELS['4']}”为{_num(p[0])}，二者应相等。")
        out.append(_finding("R6", cur, [cell_name(now, cur.year), cell_name(before, prev.year)],
                            _num(p[0]), _num(c[0]), message))
    return out


def _r7(cur: AgencyData, prev: AgencyData) -> list[Finding]:
    out = []
    issued_label, repealed_label, in_force_label = (c.label for c in fmt.S2_BLOCKS[0].columns)
    for row in fmt.S2_BLOCKS[0].rows:
        in_force, issued, repealed = (("s2", f"{row.code}_{c}") for c in ("in_force", "issued", "repealed"))
        c, p = _values(cur, [in_force, issued, repealed]), _values(prev, [in_force])
        if c is None or p is None:
            continue
        expected = p[0] + c[1] - c[2]
        if c[0] == expected:
            continue
        message = (f"二·{row.label}：{cur.year}年{in_force_label}为{_num(c[0])}，而{prev.year}年{in_force_label}"
                   f"{_num(p[0])}＋{issued_label}{_num(c[1])}－{repealed_label}{_num(c[2])}＝{_num(expected)}。")
        cells = [cell_name(in_force, cur.year), cell_name(in_force, prev.year),
                 cell_name(issued, cur.year), cell_name(repealed, cur.year)]
        out.append(_finding("R7", cur, cells, _num(expected), _num(c[0]), message))
    return out


# ---------------------------------------------------------------- W1: figures quoted in the narrative
class Quote(NamedTuple):
    """A figure the narrative may quote: a regex whose group "n" is the figure (no group: the figure is 0),
    the cells it derives from, and the values it may rightly take given theirs (default: their sum)."""

    pattern: str
    cells: tuple[Ref, ...]
    values: Callable[..., tuple] = lambda *v: (sum(v),)


_NEW, _CARRIED, _DONE = ("s3", "1", "total"), ("s3", "2", "total"), ("s3", "3.7", "total")
_REVIEW = ("s4", "review_total")
_SUITS = (("s4", "direct_total"), ("s4", "after_review_total"))
_N = r"(?P<n>\d+)"
_GAP = r"(?:(?!结转)[^\d,.;:!?。、件]){0,12}?"  # a few words, no punctuation, no 结转 (carried over)
_DOCS = r"(?:行政)?规范性文件(?:共)?"

# Patterns match text after _normalize (NFKC: ASCII digits and punctuation, spaces dropped).
QUOTES = (
    # 受理 usually means 新收, but some agencies count the carried-over too: either figure is right.
    Quote(rf"(?:受理|收到|新收){_GAP}申请(?:共|合计|数量为?)?{_N}件", (_NEW, _CARRIED),
          lambda new, carried: (new, new + carried)),
    Quote(rf"办结{_GAP}{_N}件", (_DONE,)),
    Quote(r"办结率(?:为|达到?)?(?P<n>\d+(?:\.\d+)?)%", (_DONE, _NEW, _CARRIED),
          lambda done, new, carried: (100 * done / (new + carried),) if new + carried else ()),
    Quote(rf"现行有效的?{_DOCS}{_N}件", (("s2", "normative_in_force"),)),
    Quote(rf"现行有效的?规章(?:共)?{_N}件", (("s2", "rules_in_force"),)),
    Quote(rf"(?:制发|印发|出台){_DOCS}{_N}件", (("s2", "normative_issued"),)),
    Quote(rf"废止{_DOCS}{_N}件", (("s2", "normative_repealed"),)),
    Quote(rf"行政复议(?:案件)?(?:共)?{_N}[件起]", (_REVIEW,)),
    Quote(rf"行政诉讼(?:案件)?(?:共)?{_N}[件起]", _SUITS),
    # "无因政府信息公开申请引起的行政复议、行政诉讼" (but not "…行政诉讼被纠错": that says nothing of the count)
    Quote(r"(?:无|没有|未发生|未出现)[^,;。]{0,20}?行政复议[、和或及]行政诉讼(?![^,;。]*(?:纠错|纠正|败诉))",
          (_REVIEW, *_SUITS)),
)


def _normalize(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC); whitespace dropped unless between two digits."""
    return re.sub(r"(?<!\d)\s+|\s+(?!\d)", "", unicodedata.normalize("NFKC", text))


def _w1(d: AgencyData) -> list[Finding]:
    out = []
    for key in fmt.NARRATIVE_SECTIONS:
        text, seen = _normalize(d.narrative.get(key) or ""), set()
        for quote in QUOTES:
            values = _values(d, quote.cells)
            allowed = quote.values(*values) if values is not None else ()
            for m in re.finditer(quote.pattern, text):
                figure = m.groupdict().get("n") or "0"
                decimals = len(figure.partition(".")[2])
                if not allowed or any(abs(float(figure) - v) <= 0.5 * 10 ** -decimals for v in allowed):
                    continue
                if (quote.pattern, m.group(0)) in seen:
                    continue
                seen.add((quote.pattern, m.group(0)))
                names = [cell_name(r) for r in quote.cells]
                table = "，".join(f"{n}为{_num(v)}" for n, v in zip(names, values))
                expected = "或".join(dict.fromkeys(_num(v) for v in allowed))
                out.append(_finding("W1", d, [fmt.SECTION_TITLES[key], *names], expected, figure,
                                    f"{fmt.SECTION_TITLES[key]}正文“{m.group(0)}”与统计表不符：{table}。"))
    return out


# ---------------------------------------------------------------- W2–W5
def _w2_w3(d: AgencyData) -> list[Finding]:
    out = []
    problems = (d.narrative.get("5") or "").strip()
    if problems.rstrip("。.") in ("", "无"):
        title = fmt.SECTION_TITLES["5"]
        found = problems or "（空）"
        out.append(_finding("W2", d, [title], "存在的问题及改进措施", found, f"{title}仅为“{found}”。"))
    other = d.narrative.get("6") or ""
    if "信息处理费" not in other:
        title = fmt.SECTION_TITLES["6"]
        out.append(_finding("W3", d, [title], "说明信息处理费收取情况", "未提及信息处理费",
                            f"{title}未说明信息处理费收取情况。"))
    return out


KEY_FIGURES = ((_NEW,), (_DONE,), (_REVIEW,), _SUITS)  # each: cells summed
JUMP_FACTOR = 5
JUMP_FLOOR = 5  # only when both years reach this: 1 → 6 is noise, 10 → 60 is worth a look


def _w4(cur: AgencyData, prev: AgencyData) -> list[Finding]:
    out = []
    for refs in KEY_FIGURES:
        c, p = _values(cur, refs), _values(prev, refs)
        if c is None or p is None:
            continue
        c, p = sum(c), sum(p)
        if min(c, p) < JUMP_FLOOR or max(c, p) <= JUMP_FACTOR * min(c, p):
            continue
        name = "＋".join(cell_name(r) for r in refs)
        cells = [cell_name(r, cur.year) for r in refs] + [cell_name(r, prev.year) for r in refs]
        out.append(_finding(
            "W4", cur, cells, f"{_num(p / JUMP_FACTOR)}至{_num(p * JUMP_FACTOR)}", _num(c),
            f"{name}由{prev.year}年的{_num(p)}变为{cur.year}年的{_num(c)}，变化超过{JUMP_FACTOR}倍。"))
    return out


def _w5(d: AgencyData) -> list[Finding]:
    if d.agency.rule_making:
        return []
    out = []
    for col in fmt.S2_BLOCKS[0].columns:
        ref = ("s2", f"rules_{col.code}")
        values = _values(d, [ref])
        if values is not None and values[0] > 0:
            out.append(_finding("W5", d, [cell_name(ref)], "0", _num(values[0]),
                                f"{d.agency.name}（{d.agency.level}）无规章制定权，{cell_name(ref)}却为{_num(values[0])}。"))
    return out


# ---------------------------------------------------------------- entry points
def check_agency(cur: AgencyData, prev: AgencyData | None = None) -> list[Finding]:
    """Every rule for one agency: R1–R5 and W1–W3, W5 on `cur`; R6, R7, W4 against `prev` (the year before)."""
    findings = _r1(cur) + _equations(cur) + _w1(cur) + _w2_w3(cur) + _w5(cur)
    if prev is not None:
        if prev.year != cur.year - 1:
            raise ValueError(f"previous data is of {prev.year}, not {cur.year - 1}")
        findings += _r6(cur, prev) + _r7(cur, prev) + _w4(cur, prev)
    return sorted(findings, key=lambda f: list(fmt.RULES).index(f.rule))


def check_year(cur: YearData, prev: YearData | None = None) -> list[Finding]:
    """check_agency for every agency of `cur`, against the same agency in `prev` (dataset.previous_agency)."""
    findings = []
    for agency_id in cur.agencies:
        findings += check_agency(cur.agency(agency_id), previous_agency(prev, agency_id))
    return findings


def has_errors(findings) -> bool:
    return any(f.severity == "error" for f in findings)


def findings_records(findings) -> list[dict]:
    """JSON-ready dicts: every field of Finding plus rule_zh and rule_en."""
    return [{**asdict(f), "cells": list(f.cells), "rule_zh": f.rule_zh, "rule_en": f.rule_en} for f in findings]


# ---------------------------------------------------------------- the terminal table
_COLUMNS = (("severity", 8), ("agency", 24), ("rule", 40), ("cells", 44), ("expected", 20), ("found", 20))
_MAX_CELLS = 4  # cells listed per finding in the table (findings_records has them all)


def _width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_NO_LINE_START = set("，。、；：！？）》”’")  # closing punctuation stays on its line, a column wider if need be


def _wrap(text: str, width: int) -> list[str]:
    """Lines of about `width` columns: breaks between CJK characters and between ASCII words."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for token in re.findall(r"[!-~]+ *| +|.", paragraph):
            for piece in [token] if _width(token.rstrip()) <= width else list(token):
                if line and _width(line + piece.rstrip()) > width and piece not in _NO_LINE_START:
                    lines.append(line.rstrip())
                    line = piece.lstrip()
                else:
                    line += piece
        lines.append(line.rstrip())
    return lines


def _row(f: Finding) -> list[str]:
    cells = list(f.cells[:_MAX_CELLS]) + ([f"…共{len(f.cells)}格"] if len(f.cells) > _MAX_CELLS else [])
    return [f.severity, f.agency, f"{f.rule} {f.rule_zh}\n{f.rule_en}", "\n".join(cells), f.expected, f.found]


def findings_table(findings) -> str:
    """A fixed-width plain-text table (severity, agency, rule, cells, expected, found), CJK-aware, with any
    control character of the data escaped (terminal.safe)."""
    findings = list(findings)
    if not findings:
        return "no findings"
    rows = [[_wrap(safe(text), limit) for text, (_, limit) in zip(_row(f), _COLUMNS)] for f in findings]
    widths = [max([_width(name)] + [_width(line) for r in rows for line in r[i]])
              for i, (name, _) in enumerate(_COLUMNS)]

    def line(texts) -> str:
        return "  ".join(t + " " * (w - _width(t)) for t, w in zip(texts, widths)).rstrip()

    out = [line(name for name, _ in _COLUMNS), line("-" * w for w in widths)]
    for r in rows:
        out += [line(col[i] if i < len(col) else "" for col in r) for i in range(max(map(len, r)))]
        out.append("")
    errors = sum(f.severity == "error" for f in findings)
    out.append(f"{errors} error(s), {len(findings) - errors} warning(s)")
    return "\n".join(out)
