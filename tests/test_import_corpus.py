"""A damaged corpus made from the sample reports: every kind of mess of issue 11, alone and together.

Each variant must import to exactly the sample's cells (inferred cells named) or be refused; a wrong import
is the one outcome never allowed. `python tests/test_import_corpus.py` prints the fractions and the time
per report (benchmarks, not asserted: the machine is shared).
"""
from __future__ import annotations

import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from govreport import format as fmt
from govreport import narrative
from govreport.dataset import AgencyData, DataError, load_year
from govreport.importer import read_report

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- a report as text extracted from its PDF
def as_text(d: AgencyData) -> str:
    """The report laid out as pdftotext writes the seed: headings, paragraphs, table rows tab-separated."""
    out = [narrative.title(d.agency, d.year), "", narrative.preamble(d.agency, d.year), ""]

    def section(key: str, body: list[str]) -> None:
        out.extend([fmt.SECTION_TITLES[key], "", *body, ""])

    def text(key: str) -> list[str]:
        return [line for p in narrative.paragraphs(d.narrative[key]) for line in (p, "")]

    section("1", text("1"))
    s2 = []
    for block in fmt.S2_BLOCKS:
        s2 += [block.heading, "\t".join([fmt.S2_ROW_HEADER, *(c.label for c in block.columns)])]
        s2 += ["\t".join([r.label, *(narrative.wan(d.s2[f"{r.code}_{c.code}"]) if (r.code, c.code) == ("fees", "amount")
                                     else str(int(d.s2[f"{r.code}_{c.code}"])) for c in block.columns)])
               for r in block.rows]
    section("2", s2)
    groups = {leaf.code: g.label for g in fmt.S3_ROW_TREE[2].children for leaf in g.leaves()[:1] if g.children}
    s3 = [fmt.S3_CORNER + "\t" + fmt.S3_COLUMN_HEADER,
          "\t".join(fmt.S3_COLUMN_LABELS[c] for c in fmt.S3_COLUMNS)]
    s3 += ["\t".join([groups.get(code, ""), fmt.S3_ROW_LABELS[code], *map(str, d.s3.loc[code].tolist())]).strip()
           for code in fmt.S3_ROWS]
    section("3", s3)
    s4 = ["\t".join(n.label for n in fmt.S4_TREE), "\t".join(fmt.S4_LABELS[c] for c in fmt.S4_CELLS),
          "\t".join(str(int(v)) for v in d.s4.tolist())]
    section("4", s4)
    section("5", text("5"))
    section("6", text("6"))
    return "\n".join(out)


# ---------------------------------------------------------------- the messes
def _s3_lines(lines: list[str]) -> list[int]:
    """Indices of the 25 rows of numbers of table 三."""
    start = lines.index(fmt.SECTION_TITLES["3"])
    return [i for i in range(start, lines.index(fmt.SECTION_TITLES["4"])) if re.search(r"\t\d+$", lines[i])][:25]


def _row_cells(line: str) -> tuple[str, list[str]]:
    parts = line.split("\t")
    return "\t".join(parts[:-7]), parts[-7:]


def variants(lines, rng):
    """Label typos and variants: 情形→情况, 内部→内容, 1.→1、, spaces inside labels, full-width digits."""
    out = []
    for i, line in enumerate(lines):
        if i in _s3_lines(lines):
            label, cells = _row_cells(line)
            label = label.replace("情形", "情况").replace("内部", "内容")
            label = re.sub(r"(\d)\.", r"\1、", label)
            label = label[:3] + " " + label[3:]
            cells = [c.translate(str.maketrans("0123456789", "０１２３４５６７８９")) for c in cells]
            line = label + "\t" + "\t".join(cells)
        out.append(line)
    return out


def slash_zero(lines, rng):
    """Zero printed as "/" in tables 二, 三, 四."""
    start, end = lines.index(fmt.SECTION_TITLES["2"]), lines.index(fmt.SECTION_TITLES["5"])
    return [re.sub(r"(?<=\t)0(?=\t|$)", "/", x) if start < i < end else x for i, x in enumerate(lines)]


def broken_labels(lines, rng):
    """Long labels broken over two lines: the first part alone, the rest with the numbers."""
    out = []
    for i, line in enumerate(lines):
        label, cells = _row_cells(line) if i in _s3_lines(lines) else ("", [])
        cut = len(label) // 2
        while 0 < cut < len(label) and not ("\u4e00" <= label[cut - 1] <= "\u9fff"):
            cut += 1  # PDF text breaks between characters, not inside "1."
        if len(label) > 14:
            out += [label[:cut], label[cut:] + "\t" + "\t".join(cells)]
        else:
            out.append(line)
    return out


def rows_out_of_order(lines, rng):
    rows = _s3_lines(lines)
    a, b = rng.sample(rows[2:-1], 2)
    lines = list(lines)
    lines[a], lines[b] = lines[b], lines[a]
    return lines


def lost_cells(lines, rng, zero: bool = True, count: int = 2):
    """A PDF's text layer loses a cell in `count` rows (a 0 cell, or any cell) of table 三."""
    lines = list(lines)
    rows = rng.sample(_s3_lines(lines), count)
    for i in rows:
        label, cells = _row_cells(lines[i])
        choices = [k for k, c in enumerate(cells) if (c == "0") == zero] or [0]
        del cells[rng.choice(choices)]
        lines[i] = label + "\t" + "\t".join(cells)
    return lines


def run_together(lines, rng):
    """Table 四's fifteen numbers printed without separators, and one row of table 三 too."""
    lines = list(lines)
    i = lines.index(fmt.SECTION_TITLES["5"]) - 2
    lines[i] = lines[i].replace("\t", "")
    j = rng.choice(_s3_lines(lines))
    label, cells = _row_cells(lines[j])
    lines[j] = label + "\t" + "".join(cells)
    return lines


def s2_run_together(lines, rng):
    """Table 二's first block printed without separators: "3 11 14" as "31114" (often more than one reading)."""
    rows = [r.label for r in fmt.S2_BLOCKS[0].rows]
    return [x.split("\t")[0] + "\t" + "".join(x.split("\t")[1:]) if x.split("\t")[0] in rows else x for x in lines]


def lost_three_in_a_row(lines, rng):
    """Three cells of one row lost: more than the arithmetic of a row can place."""
    lines = list(lines)
    i = rng.choice(_s3_lines(lines))
    label, cells = _row_cells(lines[i])
    lines[i] = label + "\t" + "\t".join(cells[3:])
    return lines


def format_2019(lines, rng):
    block = fmt.S2_BLOCKS[0]
    header = "\t".join([fmt.S2_ROW_HEADER, *(c.label for c in block.columns)])
    return [x.replace(header, "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量") for x in lines]


@dataclass
class Mess:
    name: str
    steps: tuple
    always: str | None  # "exact" or "refused" when the outcome is certain; None: exact or refused, never wrong


MESSES = (
    Mess("clean", (), "exact"),
    Mess("variants", (variants,), "exact"),
    Mess("slash_zero", (slash_zero,), "exact"),
    Mess("broken_labels", (broken_labels,), "exact"),
    Mess("rows_out_of_order", (rows_out_of_order,), "exact"),
    Mess("lost_zero_cells", (lost_cells,), None),
    Mess("lost_any_cells", (lambda x, r: lost_cells(x, r, zero=False, count=1),), None),
    Mess("run_together", (run_together,), None),
    Mess("s2_run_together", (s2_run_together,), None),
    Mess("lost_three_in_a_row", (lost_three_in_a_row,), None),
    Mess("format_2019", (format_2019,), "refused"),
    Mess("variants+slash+broken+out_of_order", (variants, slash_zero, broken_labels, rows_out_of_order), "exact"),
    Mess("variants+lost_zero+run_together", (variants, lost_cells, run_together), None),
    Mess("broken+out_of_order+lost_any", (broken_labels, rows_out_of_order,
                                          lambda x, r: lost_cells(x, r, zero=False, count=1)), None),
)


def corpus():
    """(name, expected data, mess, text) for every sample agency and year and every mess."""
    for year in (2021, 2022):
        data = load_year(ROOT / "data", year)
        for aid in data.agencies:
            d = data.agency(aid)
            base = as_text(d).split("\n")
            for mess in MESSES:
                rng = random.Random(f"{year}{aid}{mess.name}")
                lines = base
                for step in mess.steps:
                    lines = step(lines, rng)
                yield f"{year}-{aid}-{mess.name}", d, mess, "\n".join(lines)


# ---------------------------------------------------------------- web pages: the built report.html, damaged
def html_mess(page: str, rng: random.Random) -> str:
    """A CMS's page: site chrome, numbers in <span>s, "/" or blanks for zero, typo'd labels, full-width
    digits, two rows of table 三 swapped."""
    from test_import import wrap_in_chrome
    page = re.sub(r'(data-cell="[^"]+">)0<', lambda m: m.group(1) + rng.choice(["", "/", "0", "&nbsp;"]) + "<", page)
    page = page.replace("情形", "情况").replace("内部", "内容").replace("1.属于", "1、属于")
    page = re.sub(r'(data-cell="[^"]+">)([1-9])<', lambda m: m.group(1) + chr(ord(m.group(2)) + 0xFEE0) + "<", page)
    rows = re.findall(r"<tr><th class=\"label\"[^>]*>\d\..*?</tr>", page)
    a, b = rng.sample(rows[:8], 2)  # within （三）不予公开: rows of one label cell each
    page = page.replace(a, "\0").replace(b, a).replace("\0", b)
    return wrap_in_chrome(page, rng.choice(["utf-8", "gbk"]))


def html_cases(built: Path):
    for year in (2021, 2022):
        data = load_year(ROOT / "data", year)
        for aid in data.agencies:
            rng = random.Random(f"{year}{aid}html")
            page = html_mess((built / str(year) / aid / "report.html").read_text(encoding="utf-8"), rng)
            charset = re.search(r'charset="([\w-]+)"', page).group(1)
            yield f"{year}-{aid}-html", data.agency(aid), page.encode(charset)


def outcome(path: Path, expected: AgencyData) -> tuple[str, str]:
    """("exact" | "refused" | "wrong", detail)."""
    try:
        got = read_report(path)
    except DataError as err:
        return "refused", str(err)
    wrong = [ref for ref, v in expected.cells.items() if got.data.cells[ref] != v]
    if got.data.agency.name != expected.agency.name or got.data.year != expected.year:
        wrong.append("name/year")
    return ("wrong", f"cells {wrong[:5]}") if wrong else ("exact", f"{len(got.inferred)} inferred")


CASES = list(corpus())


@pytest.mark.parametrize("name,expected,mess,text", CASES, ids=[c[0] for c in CASES])
def test_damaged_report(tmp_path, name, expected, mess, text):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    result, detail = outcome(path, expected)
    assert result != "wrong", detail
    if mess.always:
        assert result == mess.always, detail
    if mess.name == "format_2019":
        assert detail.endswith("a report in the 2019 format (its table 二 has “本年新制作数量”): "
                               "only the 2021 format (国办公开办函〔2021〕30号) can be imported")
    if result == "exact" and mess.name == "lost_zero_cells":
        assert detail != "0 inferred"


def test_damaged_web_pages_import_exactly(built, tmp_path):
    for name, expected, page in html_cases(built):
        path = tmp_path / f"{name}.htm"
        path.write_bytes(page)
        assert outcome(path, expected) == ("exact", "0 inferred"), name


def test_lost_cells_are_reported_as_inferred_with_their_rule(tmp_path):
    d = load_year(ROOT / "data", 2022).agency("hongsibu-edu-bureau")
    lines = as_text(d).split("\n")
    rows = _s3_lines(lines)
    label, cells = _row_cells(lines[rows[1]])  # 二、上年结转: lose its 自然人 cell
    lines[rows[1]] = label + "\t" + "\t".join(cells[1:])
    path = tmp_path / "r.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    got = read_report(path)
    assert got.data.cells == d.cells
    # its value from R2 (the row's total), which cell was lost from R4 (一 + 二 = （七） + 四, each column)
    assert [str(i) for i in got.inferred] == [
        "三·二、上年结转政府信息公开申请数量·自然人 = 1 (lost; rule R2, R4)",
        *(f"三·二、上年结转政府信息公开申请数量·{fmt.S3_COLUMN_LABELS[c]} = 0 (placed; rule R4)"
          for c in fmt.S3_COLUMNS[1:-1])]


def measure() -> None:
    """Print the fractions exact / refused / wrong per mess and overall, and the time per report."""
    import tempfile

    from govreport import cli
    counts: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cli.main(["build", "--data", str(ROOT / "data"), "--out", f"{tmp}/built"])
        files = [(f"{tmp}/{name}.txt", text.encode("utf-8"), expected, mess.name)
                 for name, expected, mess, text in CASES]
        files += [(f"{tmp}/{name}.htm", page, expected, "html") for name, expected, page in html_cases(Path(f"{tmp}/built"))]
        for path, content, *_ in files:
            Path(path).write_bytes(content)
        start = time.perf_counter()
        for path, _, expected, mess in files:
            result, detail = outcome(Path(path), expected)
            counts.setdefault(mess, {"exact": 0, "refused": 0, "wrong": 0})[result] += 1
            if result == "wrong":
                print("WRONG", path, detail)
        elapsed = time.perf_counter() - start
    total = {k: sum(c[k] for c in counts.values()) for k in ("exact", "refused", "wrong")}
    for name, c in [*counts.items(), ("all", total)]:
        n = sum(c.values())
        print(f"{name:40} {n:4} reports: " + ", ".join(f"{k} {v / n:.0%}" for k, v in c.items()))
    print(f"{len(files)} reports in {elapsed:.1f} s: {1000 * elapsed / len(files):.0f} ms per report")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(measure())
