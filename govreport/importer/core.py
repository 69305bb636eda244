"""From a published report's text and tables to `dataset.AgencyData`, keyed by format.py.

Each input format (text.py, html.py, docx.py, pdf.py) turns a file into a `Document`: paragraphs and
tables (rows of cell texts, merged cells expanded). `interpret` finds the title, the preamble's contact
details, the six sections, and reads the numbers of sections 二, 三 and 四: rows are matched to the
format's rows by their labels (tolerant of variants, typos and spaces), numbers are placed in the row's
cells, and where a row does not read one way only (a lost cell, digits run together) the format's own
arithmetic (format.EQUATIONS) decides. Every cell not read as printed is reported as an `Inferred` with
the rule that fixed it; when no reading or more than one satisfies every rule, a `DataError` names the
table, the row and the candidates.
"""
from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .. import format as fmt
from .. import narrative
from ..checks import _equation_cases, cell_name
from ..dataset import Agency, AgencyData, DataError


# ---------------------------------------------------------------- the document a reader produces
@dataclass
class Paragraph:
    text: str
    scope: tuple = ()  # the containers it sits in, outermost first (HTML); a section's text stays in its scope


@dataclass
class Table:
    rows: list[list[str | None]]  # cell texts; None where a merged cell continues (its text is in its first cell)
    scope: tuple = ()


@dataclass
class Document:
    blocks: list[Paragraph | Table]
    text_lines: bool = False  # a .txt: every line is a Paragraph, the tables' rows among them


@dataclass(frozen=True)
class Inferred:
    """A cell not read as printed: its value, the rule that fixed it and why it had to be inferred."""

    ref: tuple[str, ...]
    value: object
    rule: str  # ids of format.RULES, e.g. "R2" or "R3, R4"
    reason: str  # "lost" (missing from the text), "split" (digits run together), "placed" (which cell it is in)

    def __str__(self) -> str:
        return f"{cell_name(self.ref)} = {self.value} ({self.reason}; rule {self.rule})"


@dataclass
class Imported:
    data: AgencyData
    inferred: list[Inferred] = field(default_factory=list)
    source: str = ""


# ---------------------------------------------------------------- text normalisation
_VARIANTS = (("情形", "情况"), ("内部", "内容"))  # typos seen in published labels: both read as one


def label_key(text: str) -> str:
    """A label as compared: NFKC (full-width digits), no spaces or punctuation, known variants folded."""
    key = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text or ""))
    for a, b in _VARIANTS:
        key = key.replace(a, b)
    return key


def _squeeze(text: str) -> str:
    """NFKC without whitespace: how a title or the preamble is matched."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _clean(text: str) -> str:
    """A value taken from print: whitespace next to a Chinese character dropped (PDF text puts it there)."""
    text = re.sub(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+", "", text)
    return re.sub(r"\s+", " ", text).strip()


_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_ZERO_MARKS = {"", "/", "／", "-", "－", "—", "无"}  # what a printed table puts in a cell for zero


def _number_text(text: str) -> str | None:
    """The digits of a cell that holds just a number (full-width digits, 1,234), else None."""
    t = unicodedata.normalize("NFKC", text).strip()
    return t.replace(",", "") if _NUMBER.fullmatch(t) else None


# ---------------------------------------------------------------- the format's tables as rows of cells
@dataclass(frozen=True)
class Row:
    table: str  # "s2" | "s3" | "s4"
    name: str  # for messages
    key: str  # label_key of its own label ("" : matched by position only)
    refs: tuple[tuple[str, ...], ...]


def _rows() -> dict[str, list[Row]]:
    s2 = [Row("s2", r.label, label_key(r.label), tuple(("s2", f"{r.code}_{c.code}") for c in b.columns))
          for b in fmt.S2_BLOCKS for r in b.rows]
    s3 = [Row("s3", fmt.S3_ROW_NAMES[code], label_key(fmt.S3_ROW_LABELS[code]),
              tuple(("s3", code, c) for c in fmt.S3_COLUMNS)) for code in fmt.S3_ROWS]
    s4 = [Row("s4", fmt.SECTION_TITLES["4"], "", tuple(("s4", c) for c in fmt.S4_CELLS))]
    return {"s2": s2, "s3": s3, "s4": s4}


ROWS = _rows()
_SECTION_OF = {"s2": "2", "s3": "3", "s4": "4"}
EQUATIONS = [(eq.rule, tuple(lhs), tuple(rhs)) for eq in fmt.EQUATIONS for lhs, rhs in _equation_cases(eq)]
_AMOUNTS = {("s2", c) for c in fmt.S2_AMOUNT_CELLS}

# Labels of the 2019 format (国办公开办函〔2019〕60号) that the 2021 format dropped: section 二's columns.
FORMAT_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "政府集中采购")


# ---------------------------------------------------------------- a printed row: its label and its numbers
@dataclass
class Printed:
    label: str
    tokens: list[str]  # the digit strings, in print order
    where: str  # for messages, e.g. "line 57"
    before: str = ""  # a line of text alone just above (a label broken over lines starts there)
    blank: bool = False  # a table row of blank cells only: zeros where a row of numbers is missing, else nothing


def _printed_rows(blocks, text_lines: bool) -> list[Printed]:
    out = []
    before = ""
    for i, block in enumerate(blocks):
        if isinstance(block, Table):
            out += [p for j, row in enumerate(block.rows) if (p := _grid_row(row, f"table row {j + 1}"))]
        elif text_lines and (p := _line_row(block.text, f"line {i + 1}")):
            p.before, before = before, ""
            out.append(p)
        elif text_lines:
            before = block.text
    return out


def _line_row(line: str, where: str) -> Printed | None:
    """A line of text: the label, then the numbers (the trailing run of number tokens)."""
    tokens = line.split()
    numbers: list[str] = []
    while tokens and ((n := _number_text(tokens[-1])) is not None or tokens[-1] in _ZERO_MARKS):
        numbers.insert(0, "0" if n is None else n)
        tokens.pop()
    return Printed(" ".join(tokens), numbers, where) if numbers else None


def _grid_row(cells: list[str | None], where: str) -> Printed | None:
    """A table row: label cells, then number cells; a blank or "/" among the numbers is a zero."""
    labels: list[str] = []
    numbers: list[str | None] = []
    for text in (c for c in cells if c is not None):
        n = _number_text(text)
        if n is not None:
            numbers.append(n)
        elif text.strip() in _ZERO_MARKS:
            numbers.append(None)
        else:  # a label: numbers before it were part of a label (e.g. "1" of "1.属于…" in its own cell)
            labels, numbers = labels + [x for x in numbers if x] + [text], []
    if not numbers:
        return None  # a row of text
    blank = not labels and all(n is None for n in numbers)  # zeros after a label; alone, maybe a spacer
    return Printed(" ".join(labels), [n if n is not None else "0" for n in numbers], where, blank=blank)


# ---------------------------------------------------------------- readings: numbers into a row's cells
def _pieces(token: str, k: int):
    """Ways to cut a run of digits into k numbers (no leading zeros: "05" is not printed)."""
    if k == 1:
        yield (token,)
        return
    if "." in token or "," in token:
        return
    for cuts in itertools.combinations(range(1, len(token)), k - 1):
        parts = tuple(token[a:b] for a, b in zip((0, *cuts), (*cuts, len(token))))
        if all(p == "0" or not p.startswith("0") for p in parts):
            yield parts


def _compositions(total: int, parts: int):
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


MAX_LOST = 2  # cells a row may lose and still be recovered


def readings(tokens: list[str], n: int) -> list[tuple[tuple[str | None, ...], str]]:
    """Every way to place the printed tokens in n cells: (cell texts, None where lost; how), how being
    "read" (one token a cell), "split" (digits run together, cut) or "lost" (cells missing)."""
    if len(tokens) == n:
        return [(tuple(tokens), "read")]
    if len(tokens) > n or not tokens:
        return [((None,) * n, "lost")] if not tokens else []
    extra = n - len(tokens)
    out = []
    for extra_cuts in _compositions(extra, len(tokens)):
        choices = [list(_pieces(t, c + 1)) for t, c in zip(tokens, extra_cuts)]
        out += [(tuple(p for part in combo for p in part), "split") for combo in itertools.product(*choices)]
    if extra <= MAX_LOST:
        for lost in itertools.combinations(range(n), extra):
            it = iter(tokens)
            out.append((tuple(None if i in lost else next(it) for i in range(n)), "lost"))
    return out


def _value(text: str, ref) -> int | float | None:
    if ref in _AMOUNTS:
        return float(Decimal(text))
    return int(text) if text.isdigit() else None


# ---------------------------------------------------------------- the arithmetic: solving for lost cells
def solve(cells: dict, equations=EQUATIONS) -> tuple[dict, dict[tuple, str]] | str:
    """Fill the None cells from the equations that have one unknown left; then check every equation.
    Returns (cells, {ref: rule that fixed it}) or the id of the rule that fails."""
    cells, fixed = dict(cells), {}
    progress = True
    while progress:
        progress = False
        for rule, lhs, rhs in equations:
            unknown = [r for r in lhs + rhs if cells.get(r, 0) is None]
            if len(unknown) != 1:
                continue
            (ref,) = unknown
            left = sum(cells[r] for r in lhs if r != ref)
            right = sum(cells[r] for r in rhs if r != ref)
            value = right - left if ref in lhs else left - right
            if value < 0:
                return rule
            cells[ref], fixed[ref] = value, rule
            progress = True
    for rule, lhs, rhs in equations:
        values = [cells.get(r, 0) for r in lhs + rhs]
        if None not in values and sum(values[:len(lhs)]) != sum(values[len(lhs):]):
            return rule
    return cells, fixed


# ---------------------------------------------------------------- a table: rows matched, numbers placed
MATCH = 0.5  # a printed label this similar to a format row's (difflib ratio) is that row


def _score(row: Row, printed: Printed) -> float:
    """How alike the row's label and the printed one (or the printed one with the line above) are."""
    return max(difflib.SequenceMatcher(None, row.key, label_key(text), autojunk=False).ratio()
               for text in {printed.label, printed.before + printed.label})


def _match(rows: list[Row], printed: list[Printed], path, agency) -> dict[int, Printed]:
    """Format row index -> its printed row: by label (best pairs first), the unlabelled by order."""
    table = _SECTION_OF[rows[0].table]
    printed, blank = [p for p in printed if not p.blank], [p for p in printed if p.blank]
    if len(rows) == 1:  # section 四: one row of fifteen numbers, however printed (all blank: all zero)
        printed = printed or [p for p in blank if len(p.tokens) == len(rows[0].refs)][:1]
        return {0: Printed("", [t for p in printed for t in p.tokens], printed[0].where)} if printed else {}
    pairs = sorted(((_score(r, p), i, j) for i, r in enumerate(rows) for j, p in enumerate(printed)),
                   key=lambda x: (-x[0], x[1], x[2]))
    out: dict[int, Printed] = {}
    used: set[int] = set()
    for score, i, j in pairs:
        if score >= MATCH and i not in out and j not in used:
            out[i], used = printed[j], used | {j}
    left = [p for j, p in enumerate(printed) if j not in used]
    free = [i for i in range(len(rows)) if i not in out]
    if left and len(left) != len(free):
        raise DataError(path, f"table {table}: cannot tell which row {left[0].label or '(no label)'!r} "
                              f"({left[0].where}) is", agency=agency)
    out.update(zip(free, left))
    return out


@dataclass
class _Candidate:
    cells: dict
    how: str
    fixed: dict = field(default_factory=dict)  # cells solved within the row: ref -> rule


def _row_candidates(row: Row, printed: Printed | None) -> list[_Candidate]:
    """The readings of one printed row that fit its own cells and its own equations (R2 within a row)."""
    tokens = printed.tokens if printed else []
    own = [e for e in EQUATIONS if set(e[1] + e[2]) <= set(row.refs)]
    seen, out = set(), []
    for texts, how in readings(tokens, len(row.refs)):
        cells = {}
        for ref, text in zip(row.refs, texts):
            cells[ref] = None if text is None else _value(text, ref)
        if any(text is not None and cells[r] is None for r, text in zip(row.refs, texts)):
            continue  # a decimal in a count
        fixed = {}
        if how != "read":
            solved = solve(cells, own)
            if isinstance(solved, str):
                continue
            cells, fixed = {r: solved[0].get(r) for r in row.refs}, solved[1]
        key = tuple(cells.values())
        if key not in seen:
            seen.add(key)
            out.append(_Candidate(cells, how, fixed))
    return out


MAX_COMBINATIONS = 20000


def read_tables(sections: dict[str, list[Printed]], path, agency: str) -> tuple[dict, list[Inferred]]:
    """All cells of sections 二, 三, 四 from their printed rows (see the module docstring)."""
    known: dict = {}
    open_rows: list[tuple[Row, list[_Candidate]]] = []
    for table, rows in ROWS.items():
        matched = _match(rows, sections.get(table, []), path, agency)
        for i, row in enumerate(rows):
            candidates = _row_candidates(row, matched.get(i))
            if not candidates:
                got = " ".join(matched[i].tokens) if i in matched else "nothing"
                raise DataError(path, f"table {_SECTION_OF[table]}: no reading of the numbers printed "
                                      f"({got}) fits its {len(row.refs)} cells", agency=agency, row=row.name)
            if len(candidates) == 1 and candidates[0].how == "read":
                known.update(candidates[0].cells)
            else:
                open_rows.append((row, candidates))
    if not open_rows:
        return known, []
    combos = 1
    for _, c in open_rows:
        combos *= len(c)
    if combos > MAX_COMBINATIONS:
        row = max(open_rows, key=lambda x: len(x[1]))[0]
        raise DataError(path, f"table {_SECTION_OF[row.table]}: too damaged to read ({combos} possible readings)",
                        agency=agency, row=row.name)
    solutions, failed = {}, set()
    for combo in itertools.product(*(c for _, c in open_rows)):
        cells = dict(known)
        for cand in combo:
            cells.update(cand.cells)
        result = solve(cells)
        if isinstance(result, str):
            failed.add(result)
            continue
        values, fixed = result
        if any(v is None for v in values.values()):
            failed.add("unknown")
            continue
        solutions.setdefault(tuple(values[r] for r in sorted(values)), (values, fixed, combo))
    return _unique(solutions, failed, open_rows, path, agency)


def _unique(solutions, failed, open_rows, path, agency) -> tuple[dict, list[Inferred]]:
    if len(solutions) == 1:
        ((values, fixed, combo),) = solutions.values()
        rules = ", ".join(sorted(failed - {"unknown"})) or None
        inferred = []
        for (row, candidates), cand in zip(open_rows, combo):
            for ref in row.refs:
                others = {c.cells[ref] for c in candidates}
                if cand.cells[ref] is None or ref in cand.fixed:
                    rule = cand.fixed.get(ref) or fixed.get(ref) or rules
                    if len(candidates) > 1 and rules and rule != rules:  # the rules that chose this reading too
                        rule = ", ".join(sorted({rule, *rules.split(", ")}))
                    inferred.append(Inferred(ref, values[ref], rule, "lost"))
                elif cand.how == "split" or len(others) > 1:
                    own = sorted({e[0] for e in EQUATIONS if ref in e[1] + e[2]})
                    inferred.append(Inferred(ref, values[ref], rules or ", ".join(own),
                                             "split" if cand.how == "split" else "placed"))
        return values, inferred
    if not solutions:
        unsolved = [(r, c) for r, c in open_rows if any(None in x.cells.values() for x in c)]
        rows = unsolved if failed == {"unknown"} else open_rows
        row = rows[0][0]
        shown = "; ".join(f"{r.name}: {' | '.join(_show(r, c.cells) for c in cands[:4])}" for r, cands in rows[:3])
        why = [f"rule {r} fails" if r != "unknown" else "no rule fixes a lost cell" for r in sorted(failed)]
        raise DataError(path, f"table {_SECTION_OF[row.table]}: no reading satisfies every rule "
                              f"({'; '.join(why)}); candidates: {shown}", agency=agency, row=row.name)
    sols = list(solutions.values())
    for row, _ in open_rows:
        readings_ = list(dict.fromkeys(_show(row, s[0]) for s in sols))
        if len(readings_) > 1:
            raise DataError(path, f"table {_SECTION_OF[row.table]}: {len(readings_)} readings satisfy every rule: "
                                  + " | ".join(readings_[:6]), agency=agency, row=row.name)
    raise DataError(path, "more than one reading satisfies every rule", agency=agency)  # rows differ jointly


def _show(row: Row, cells: dict) -> str:
    return " ".join("?" if cells.get(r) is None else _fmt_value(cells[r]) for r in row.refs)


def _fmt_value(v) -> str:
    return narrative.wan(v) if isinstance(v, float) else str(v)


# ---------------------------------------------------------------- the whole report
_TITLE = re.compile(re.escape(fmt.TITLE).replace(r"\{name\}", "(?P<name>[^《》]+?)").replace(r"\{year\}", r"(?P<year>\d{4})")
                    .replace(r"\{form\}", "(?P<form>" + "|".join(sorted(fmt.TITLE_FORMS, key=len, reverse=True)) + ")"))
_CONTACT_FIELDS = ("website_name", "website_url", "full_name", "address", "postcode", "phone", "fax", "email")


def _contact_pattern() -> re.Pattern:
    """The preamble from narrative.preamble, its contact details as groups (matched on _squeeze'd text)."""
    marks = {f: f"\x00{f}\x00" for f in _CONTACT_FIELDS}
    sample = narrative.preamble(Agency(id="", name="", level="", **marks, rule_making=False), 1900)
    tail = sample[sample.rindex("。", 0, sample.index(marks["website_name"])) + 1:]  # from the sentence naming them
    parts = _squeeze(tail).split("\x00")
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(parts))
    return re.compile(pattern)


_CONTACT = _contact_pattern()


def _title(blocks: list, first_section: int, path) -> tuple[str, int]:
    """Name and year from the title nearest above section 一 (a page's sidebar may list other reports)."""
    paragraphs = [_squeeze(b.text) for b in reversed(blocks[:first_section]) if isinstance(b, Paragraph)]
    for m in [_TITLE.fullmatch(p) for p in paragraphs] + [_TITLE.search(p) for p in paragraphs]:
        if m:
            return m["name"], int(m["year"])
    raise DataError(path, f"no title “{fmt.TITLE}” found above {fmt.SECTION_TITLES['1']}")


def _contact(blocks: list) -> dict[str, str]:
    for block in blocks:
        if isinstance(block, Paragraph):
            squeezed = _squeeze(block.text)
            m = _CONTACT.search(squeezed)
            if m:
                return {f: _clean(v) for f, v in m.groupdict().items()}
    return {}


def _headings(blocks: list, path) -> dict[str, int]:
    """Block index of each section title, found in order (the first 一、总体情况 after which all follow)."""
    keys = {k: label_key(t) for k, t in fmt.SECTION_TITLES.items()}
    found: dict[str, int] = {}
    start = 0
    for k in keys:
        for i in range(start, len(blocks)):
            b = blocks[i]
            if isinstance(b, Paragraph) and label_key(b.text) == keys[k]:
                found[k], start = i, i + 1
                break
        else:
            raise DataError(path, f"section title “{fmt.SECTION_TITLES[k]}” not found (after the sections before it)")
    return found


def _within(scope: tuple, outer: tuple) -> bool:
    return scope[:len(outer)] == outer


def own_marks(data: AgencyData) -> set[str]:
    """Headings a govreport report adds after an agency's text (the data summary, the provenance): its
    .docx or .pdf copy has no classes to tell them by, so a section's text ends at them."""
    import lxml.html

    from .. import report
    summary = lxml.html.fragment_fromstring(report.Report(data, None, []).narrative["summary"].html)
    template = (Path(report.__file__).parent / "templates" / "govreport" / "index.html.j2").read_text(encoding="utf-8")
    provenance = lxml.html.fromstring(template).find(".//footer/h2")
    return {_squeeze(summary.find("h3").text_content()), _squeeze(provenance.text_content())}


def _narrative(blocks: list, start: int, end: int, text_lines: bool, stop: set[str]) -> str:
    """The paragraphs of a section (in the heading's container: a page's footer is not the report's)."""
    scope = blocks[start].scope[:-1] if blocks[start].scope else ()
    paras = []
    for b in blocks[start + 1:end]:
        if isinstance(b, Paragraph) and _within(b.scope, scope):
            if _squeeze(b.text) in stop:
                break
            paras.append(b.text)
    if text_lines:
        paras = _join_lines(paras)
    return "\n\n".join(p for p in (_clean(re.sub(r"^[-•·]\s+", "", p.strip())) for p in paras) if p)


_PARAGRAPH_END = tuple("。！？；”")


def _join_lines(lines: list[str]) -> list[str]:
    """Lines of text from a PDF into paragraphs: a line that does not end a sentence goes on."""
    out: list[str] = []
    for line in (x.strip() for x in lines):
        if not line:
            continue
        if out and not out[-1].endswith(_PARAGRAPH_END):
            out[-1] += line
        else:
            out.append(line)
    return out


def interpret(doc: Document, path, agency_id: str | None = None, level: str | None = None) -> Imported:
    """The report in `doc` as AgencyData (see the module docstring); DataError if it cannot be read exactly."""
    blocks = doc.blocks
    everything = label_key(" ".join(b.text if isinstance(b, Paragraph) else " ".join(c or "" for r in b.rows for c in r)
                                    for b in blocks))
    old = [m for m in FORMAT_2019 if label_key(m) in everything]
    if old:
        raise DataError(path, f"a report in the 2019 format (its table 二 has “{old[0]}”): only the 2021 format "
                              "(国办公开办函〔2021〕30号) can be imported")
    heads = _headings(blocks, path)
    name, year = _title(blocks, heads["1"], path)
    contact = _contact(blocks[:heads["1"]])
    level = level or guess_level(name)
    agency = Agency(id=agency_id or name, name=name, full_name=contact.pop("full_name", "") or name, level=level,
                    **{f: contact.get(f, "") for f in _CONTACT_FIELDS[:2] + _CONTACT_FIELDS[3:]},
                    rule_making=level in fmt.RULE_MAKING_LEVELS)
    order = list(heads) + [None]
    bounds = {k: (heads[k], heads[n] if n else len(blocks)) for k, n in zip(order, order[1:])}
    sections = {t: _printed_rows(blocks[bounds[s][0] + 1:bounds[s][1]], doc.text_lines) for t, s in _SECTION_OF.items()}
    cells, inferred = read_tables(sections, path, agency.id)
    s2 = pd.Series({c: cells[("s2", c)] for c in fmt.S2_CELLS}, dtype=object)
    s3 = pd.DataFrame([[cells[("s3", r, c)] for c in fmt.S3_COLUMNS] for r in fmt.S3_ROWS],
                      index=list(fmt.S3_ROWS), columns=list(fmt.S3_COLUMNS), dtype="int64")
    s4 = pd.Series({c: cells[("s4", c)] for c in fmt.S4_CELLS}, dtype="int64")
    data = AgencyData(year, agency, s2, s3, s4, {k: "" for k in fmt.NARRATIVE_SECTIONS})
    stop = own_marks(data)
    data.narrative = {k: _narrative(blocks, *bounds[k], doc.text_lines, stop) for k in fmt.NARRATIVE_SECTIONS}
    return Imported(data, inferred, str(path))


_COUNTY, _TOWN = fmt.LEVELS[3], fmt.LEVELS[4]
_LEVEL_SUFFIXES = (("乡人民政府", _TOWN), ("镇人民政府", _TOWN), ("街道办事处", _TOWN),
                   ("县人民政府", _COUNTY), ("区人民政府", _COUNTY), ("市人民政府", fmt.LEVELS[2]),
                   ("省人民政府", fmt.LEVELS[1]))


def guess_level(name: str) -> str:
    """The agency's level (format.LEVELS) as its name suggests: a report does not print it."""
    return next((level for suffix, level in _LEVEL_SUFFIXES if name.endswith(suffix)), fmt.LEVELS[-1])
