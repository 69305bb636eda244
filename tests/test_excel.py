"""Fill-in workbooks: `govreport template` (govreport.excel) and `govreport ingest` (govreport.excel_ingest)."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from conftest import soffice
from test_datastore import snapshot

from govreport import cli, datastore, excel, excel_ingest
from govreport import format as fmt
from govreport.dataset import load_year

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = {year: load_year(DATA, year) for year in (2021, 2022)}
AID = "hongsibu-police-branch"  # the agency whose workbook the bad-input tests damage
NAME = SAMPLE[2022].agencies[AID].name
LAY = excel.layout()
S2, S3, S4 = (excel.sheet_name(s) for s in "234")


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[int, list[Path]]:
    """`template --prefill` of every sample agency for both years, in agencies.csv order."""
    out = tmp_path_factory.mktemp("templates")
    return {year: excel.make_templates(DATA, year, out / str(year), prefill=True) for year in (2021, 2022)}


def police(templates, year: int = 2022) -> Path:
    return next(p for p in templates[year] if p.name.startswith(NAME))


def edit(src: Path, dst: Path, changes: dict[tuple[str, str], object]) -> Path:
    """A copy of workbook `src` with cells (sheet, ref) set, as a user would type them."""
    wb = load_workbook(src)
    for (sheet, ref), value in changes.items():
        wb[sheet][ref] = value
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    return dst


def ref(*key: str) -> str:
    return LAY.numbers[key].ref


def problems_of(path: Path, year: int = 2022, known=None) -> list[str]:
    data, problems = excel_ingest.read_workbook(path, year, known)
    assert (data is None) == bool(problems)
    return [str(p) for p in problems]


# ---------------------------------------------------------------- round trip
def test_round_trip_reproduces_the_sample_data_byte_for_byte(templates, tmp_path):
    """Bytes: ingest writes with datastore's writer, which writes the sample's bytes, and the workbooks are
    given in agencies.csv order (the order of new agencies in the file is the order of the command line). The
    region's files are no agency's: the workbooks do not carry them."""
    for year in (2021, 2022):
        assert cli.main(["ingest", *map(str, templates[year]), "--year", str(year), "--data", str(tmp_path)]) == 0
    assert snapshot(tmp_path) == {k: v for k, v in snapshot(DATA, region=False).items() if k != "README.md"}


def test_the_same_data_gives_byte_identical_workbooks(templates, tmp_path):
    """openpyxl stamps the clock into docProps/core.xml and every zip entry: both are the data's year instead."""
    again = excel.make_templates(DATA, 2022, tmp_path, prefill=True)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in templates[2022]]
    core = zipfile.ZipFile(again[0]).read("docProps/core.xml").decode()
    assert ">2023-01-01T00:00:00Z</dcterms:modified>" in core
    assert {i.date_time for i in zipfile.ZipFile(again[0]).infolist()} == {(2023, 1, 1, 0, 0, 0)}


def test_round_trip_in_file_name_order_gives_the_same_values(templates, tmp_path):
    for year in (2021, 2022):
        result = excel_ingest.ingest(sorted(templates[year]), year, tmp_path)
        assert not result.problems
        got, want = load_year(tmp_path, year), SAMPLE[year]
        assert got.agencies == want.agencies and got.narrative == want.narrative
        pd.testing.assert_frame_equal(got.s2.loc[list(want.agencies)], want.s2)
        pd.testing.assert_frame_equal(got.s3.loc[list(want.agencies)], want.s3)
        pd.testing.assert_frame_equal(got.s4.loc[list(want.agencies)], want.s4)
    # new agencies follow the previous year's order: 2022's agencies.csv lists them as 2021's does
    assert list(load_year(tmp_path, 2022).agencies) == list(load_year(tmp_path, 2021).agencies)


# ---------------------------------------------------------------- the template
def test_the_template_has_the_published_layout(templates):
    wb = load_workbook(police(templates))
    assert wb.sheetnames == [excel.DETAILS_SHEET, S2, S3, S4, excel.NARRATIVE_SHEET, excel.META_SHEET]
    assert wb[excel.META_SHEET].sheet_state == "hidden"
    for sheet in wb.sheetnames[:-1]:
        assert wb[sheet]["A1"].value == fmt.TITLE.format(name=NAME, year=2022, form="年")
    for section, sheet in zip("234", (S2, S3, S4)):
        assert wb[sheet]["A2"].value == fmt.SECTION_TITLES[section]
    ws = wb[S3]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A4"].value == fmt.S3_CORNER and "A4:C6" in merged
    assert ws["D4"].value == fmt.S3_COLUMN_HEADER and "D4:J4" in merged  # 申请人情况 over the seven columns
    assert ws["E5"].value == fmt.S3_COLUMN_LABELS["org"] and "E5:I5" in merged  # 法人或其他组织 over five
    assert ws["D5"].value == fmt.S3_COLUMN_LABELS["natural"] and "D5:D6" in merged
    row_labels = [ws.cell(int(ref("s3", r, "natural")[1:]), 1).value for r in ("1", "2", "4")]
    assert row_labels == [fmt.S3_ROW_LABELS[r] for r in ("1", "2", "4")]
    three = next(n for n in fmt.S3_ROW_TREE if n.children)
    assert ws["A9"].value == three.label and f"A9:A{8 + len(three.leaves())}" in merged
    assert ws.cell(int(ref("s3", "3.3.1", "natural")[1:]), 3).value == fmt.S3_ROW_LABELS["3.3.1"]
    ws4 = wb[S4]
    assert [ws4["A4"].value, ws4["F4"].value, ws4["F5"].value] == [fmt.S4_LABELS["review"], fmt.S4_LABELS["suit"],
                                                                   fmt.S4_LABELS["direct"]]
    ws2 = wb[S2]
    assert [ws2["A4"].value, ws2["A5"].value, ws2["B5"].value] == [fmt.S2_BLOCKS[0].heading, fmt.S2_ROW_HEADER,
                                                                   fmt.S2_BLOCKS[0].columns[0].label]


def test_totals_are_formulas_and_every_column_has_a_red_check(templates):
    wb = load_workbook(police(templates))
    totals = [c for c in LAY.numbers.values() if c.parts]
    expected = {("s3", r, "total") for r in fmt.S3_ROWS} | {("s3", "3.7", c) for c in fmt.S3_COLUMNS} | {
        ("s4", f"{g}_total") for g in fmt.S4_GROUPS}
    assert {c.key for c in totals} == expected
    ws = wb[S3]
    assert ws[ref("s3", "1", "total")].value == f"=SUM({ref('s3', '1', 'natural')}:{ref('s3', '1', 'other')})"
    assert ws[ref("s3", "3.7", "natural")].value == "=SUM(D9:D29)"
    assert wb[S4][ref("s4", "review_total")].value == "=SUM(A7:D7)"
    assert [c.ref for c in LAY.checks] == [f"{col}32" for col in "DEFGHIJ"]
    assert ws["D32"].value == '=IF(SUM(D7:D8)=SUM(D30:D31),"✓","✗")' and ws["A32"].value == fmt.RULES["R4"].zh
    rules = {str(cf.sqref): [r.formula for r in cf.rules] for cf in ws.conditional_formatting}
    assert rules == {c.ref: [[f'{c.ref}<>"✓"']] for c in LAY.checks}
    for cell in totals:
        assert wb[cell.sheet][cell.ref].protection.locked


def test_inputs_are_marked_unlocked_and_validated(templates):
    wb = load_workbook(police(templates))
    for sheet in wb.sheetnames[:-1]:
        assert wb[sheet].protection.sheet and not wb[sheet].protection.password
    inputs = [c for c in LAY.numbers.values() if not c.parts]
    for cell in inputs:
        target = wb[cell.sheet][cell.ref]
        assert not target.protection.locked and target.fill.fgColor.rgb in ("00FFF2CC", "00DDEBF7")
    validations = {}
    for sheet in (S2, S3, S4):
        for dv in wb[sheet].data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                validations[(sheet, str(rng))] = (dv.type, dv.operator, dv.formula1)
    for cell in inputs:
        rule = validations[(cell.sheet, cell.ref)]
        if cell.amount:
            assert rule[0] == "custom" and f"ROUND({cell.ref},6)={cell.ref}" in rule[2]
        else:
            assert rule == ("whole", "greaterThanOrEqual", "0")
    ws = wb[excel.DETAILS_SHEET]
    for field in ("postcode", "phone", "fax"):
        cell = ws[LAY.fields[field]]
        assert cell.number_format == "@" and cell.value == getattr(SAMPLE[2022].agencies[AID], field)
    assert ws[LAY.fields["phone"]].value.startswith("0953")
    assert ws[LAY.fields["id"]].protection.locked and not ws[LAY.fields["name"]].protection.locked


def test_carry_over_is_prefilled_from_last_year_and_marked(tmp_path):
    """Without --prefill: zeros to fill in, but 二、上年结转 is last year's 四 (rule 6), blue with a note."""
    path, = excel.make_templates(DATA, 2022, tmp_path, [AID])
    ws = load_workbook(path)[S3]
    last = SAMPLE[2021].agency(AID).s3.loc["4"]
    assert last.sum() > 0
    for column in fmt.S3_APPLICANT_COLUMNS:
        cell = ws[ref("s3", "2", column)]
        assert cell.value == last[column] and cell.fill.fgColor.rgb == "00DDEBF7"
        assert "2021" in cell.comment.text and fmt.S3_ROW_LABELS["4"] in cell.comment.text
    assert ws[ref("s3", "1", "natural")].value == 0
    assert load_workbook(path)[excel.NARRATIVE_SHEET][LAY.narrative["1"]].value is None


def test_a_new_year_takes_its_agencies_and_details_from_the_year_before(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA / "2022", data / "2022")
    paths = excel.make_templates(data, 2023, tmp_path / "out")
    assert len(paths) == len(SAMPLE[2022].agencies) and all(p.name.endswith("-2023.xlsx") for p in paths)
    wb = load_workbook(next(p for p in paths if p.name.startswith(NAME)))
    assert wb[excel.DETAILS_SHEET][LAY.year_ref].value == 2023
    assert wb[excel.DETAILS_SHEET][LAY.fields["address"]].value == SAMPLE[2022].agencies[AID].address
    assert wb[S3][ref("s3", "2", "natural")].value == SAMPLE[2022].agency(AID).s3.at["4", "natural"]


def test_template_refuses_unknown_agencies_and_missing_years(tmp_path):
    assert cli.main(["template", "--year", "2022", "--agency", "nobody", "--out", str(tmp_path)]) == 2
    assert cli.main(["template", "--year", "2030", "--data", str(DATA), "--out", str(tmp_path)]) == 2
    assert cli.main(["template", "--year", "2023", "--prefill", "--data", str(DATA), "--out", str(tmp_path)]) == 2
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------- bad input, cell by cell
R1 = f"row {fmt.S3_ROW_LABELS['1']}, column {fmt.S3_COLUMN_LABELS['natural']}"


@pytest.mark.parametrize("sheet, key, value, where, problem", [
    (S3, ("s3", "1", "natural"), "很多", R1, "'很多' is not a number (rule R1"),
    (S3, ("s3", "1", "natural"), -3, R1, "-3 is negative (rule R1"),
    (S3, ("s3", "1", "natural"), 2.5, R1, "2.5 is not a whole number (rule R1"),
    (S3, ("s3", "1", "natural"), None, R1, "empty cell; write 0"),
    (S3, ("s3", "1", "natural"), "=1+2", R1, "a formula (=1+2) in an input cell: type the number itself"),
    (S2, ("s2", "fees_amount"), 1.2345678, "row 行政事业性收费, column 本年收费金额（单位：万元）",
     "1.2345678 has more than six decimals"),
    (S4, ("s4", "review_pending"), "x", "column 行政复议·尚未审结", "'x' is not a number"),
])
def test_a_bad_number_is_named_by_its_cell(templates, tmp_path, sheet, key, value, where, problem):
    path = edit(police(templates), tmp_path / "民政局.xlsx", {(sheet, ref(*key)): value})
    found = problems_of(path)
    assert len(found) == 1  # a bad cell is left out of its sums and check line: one problem, one line
    assert found[0].startswith(f"{path}!{sheet}!{ref(*key)}: agency {AID}, ")
    assert where in found[0] and problem in found[0]


def test_text_digits_are_read_as_numbers(templates, tmp_path):
    """A count typed as text ("１２", as a Chinese input method gives it) reads as the number it shows."""
    value = SAMPLE[2022].agency(AID).s3.at["3.1", "natural"]
    path = edit(police(templates), tmp_path / "a.xlsx", {(S3, ref("s3", "3.1", "natural")): str(value).translate(
        str.maketrans("0123456789", "０１２３４５６７８９"))})
    data, problems = excel_ingest.read_workbook(path, 2022)
    assert not problems and data.s3.at["3.1", "natural"] == value


def test_an_overwritten_total_must_equal_its_parts(templates, tmp_path):
    total = int(SAMPLE[2022].agency(AID).s3.at["1", "total"])
    cell = ref("s3", "1", "total")
    same = edit(police(templates), tmp_path / "same.xlsx", {(S3, cell): total})
    assert problems_of(same) == []
    wrong = edit(police(templates), tmp_path / "wrong.xlsx", {(S3, cell): total + 1})
    found = problems_of(wrong)
    assert found == [f"{wrong}!{S3}!{cell}: agency {AID}, row {fmt.S3_ROW_LABELS['1']}, column 总计, a formula cell "
                     f"overwritten with {total + 1}, but its parts sum to {total} (rule R2: {fmt.RULES['R2'].zh})"]
    changed = edit(police(templates), tmp_path / "changed.xlsx", {(S4, ref("s4", "review_total")): "=A7+1"})
    assert "the formula was changed to =A7+1; the template's is =SUM(A7:D7)" in problems_of(changed)[0]


def test_a_failing_check_line_is_named_by_its_cell(templates, tmp_path):
    carried = ref("s3", "2", "business")
    path = edit(police(templates), tmp_path / "a.xlsx", {(S3, carried): 5})
    found = problems_of(path)
    check = next(c for c in LAY.checks if c.column_label == fmt.S3_COLUMN_LABELS["business"])
    assert found[0] == (f"{path}!{S3}!{check.ref}: agency {AID}, column 商业企业, the check line fails: 一 + 二 = 10, "
                        f"（七）总计 + 四 = 5 (rule R4: {fmt.RULES['R4'].zh})")
    assert found[1].startswith(f"{path}!{S3}!J32: ")  # and the 总计 column's check
    assert len(found) == 2


def test_wrong_year_and_unknown_agency_are_named_in_the_details_sheet(templates, tmp_path):
    found = problems_of(police(templates, 2021), 2022)
    assert found == [f"{police(templates, 2021)}!{excel.DETAILS_SHEET}!{LAY.year_ref}: agency {AID}, the workbook is "
                     "for 2021, not 2022: ingest it with --year 2021, or fill in a template of 2022"]
    path = edit(police(templates), tmp_path / "a.xlsx", {(excel.DETAILS_SHEET, LAY.fields["id"]): "nobody"})
    found = problems_of(path, 2022, known=set(SAMPLE[2022].agencies))
    assert found == [f"{path}!{excel.DETAILS_SHEET}!{LAY.fields['id']}: unknown agency 'nobody': not in "
                     "agencies.csv of 2022 or 2021"]
    bad_details = edit(police(templates), tmp_path / "b.xlsx", {(excel.DETAILS_SHEET, LAY.fields["level"]): "区政府",
                                                                (excel.DETAILS_SHEET, LAY.fields["name"]): None})
    found = problems_of(bad_details)
    assert [f.split(": ", 1)[0] for f in found] == [f"{bad_details}!{excel.DETAILS_SHEET}!{LAY.fields[f]}"
                                                    for f in ("name", "level")]
    assert "empty cell" in found[0] and "unknown level '区政府'" in found[1]


def test_workbooks_that_are_not_our_template(templates, tmp_path):
    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    assert problems_of(plain) == [f"{plain}: not a govreport fill-in workbook (no hidden sheet 'govreport' with its "
                                  "marker): make one with `govreport template --year 2022`"]
    other = edit(police(templates), tmp_path / "other.xlsx", {(excel.META_SHEET, "B2"): "0123456789abcdef"})
    assert problems_of(other)[0].startswith(f"{other}: a template of another format (made for 2022, layout "
                                            f"0123456789abcdef; this govreport reads layout {LAY.digest})")
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    assert problems_of(text)[0].startswith(f"{text}: not an Excel workbook (.xlsx) (")
    csv = tmp_path / "numbers.csv"
    csv.write_text("a,b\n")
    assert problems_of(csv)[0].startswith(f"{csv}: not an Excel workbook (.xlsx) (")
    for name in ("old.xls", "wps.et"):
        old = tmp_path / name
        old.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(508))
        message = problems_of(old)[0]
        assert message.startswith(f"{old}: an old-format spreadsheet ({old.suffix}), which govreport cannot read: ")
        assert "另存为" in message and "(*.xlsx)" in message
    assert problems_of(tmp_path / "missing.xlsx") == [f"{tmp_path / 'missing.xlsx'}: no such file"]
    assert problems_of(tmp_path) == [f"{tmp_path}: a folder, not a workbook"]


def test_the_format_digest_follows_cells_and_labels_not_looks():
    assert replace(LAY, widths={}).digest == LAY.digest
    spans = dict(LAY.spans)
    spans[S3] = tuple(replace(s, text=s.text + "x") if s.text == fmt.S3_COLUMN_LABELS["other"] else s
                      for s in spans[S3])
    assert replace(LAY, spans=spans).digest != LAY.digest
    assert replace(LAY, year_ref="C3").digest != LAY.digest


def test_moved_rows_are_found_by_their_labels(templates, tmp_path):
    wb = load_workbook(police(templates))
    wb[S3].insert_rows(8)
    wb.save(tmp_path / "moved.xlsx")
    found = problems_of(tmp_path / "moved.xlsx")
    assert len(found) == 1 and found[0].startswith(f"{tmp_path / 'moved.xlsx'}!{S3}!A8: expected the label "
                                                   f"{fmt.S3_ROW_LABELS['2']!r}, found ")


# ---------------------------------------------------------------- ingest: all or nothing
def bad_pair(templates, tmp_path) -> list[Path]:
    one = edit(police(templates), tmp_path / "in" / "一.xlsx", {(S3, ref("s3", "3.1", "natural")): -1,
                                                                (S2, ref("s2", "license_decisions")): "许多"})
    other = next(p for p in templates[2022] if p != police(templates))
    two = edit(other, tmp_path / "in" / "二.xlsx", {(S4, ref("s4", "direct_total")): 99,
                                                   (excel.DETAILS_SHEET, LAY.year_ref): 2021})
    return [one, two, templates[2022][0]]


def test_every_problem_of_every_file_in_one_run_and_nothing_written(templates, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(DATA / "2021", data / "2021")
    before = snapshot(data)
    files = bad_pair(templates, tmp_path)
    assert cli.main(["ingest", *map(str, files), "--year", "2022", "--data", str(data)]) == 1
    out = capsys.readouterr().out.splitlines()
    errors = [line for line in out if line.startswith("error: ")]
    assert [e.split(": ")[1] for e in errors] == [
        f"{files[0]}!{S2}!{ref('s2', 'license_decisions')}", f"{files[0]}!{S3}!{ref('s3', '3.1', 'natural')}",
        f"{files[1]}!{excel.DETAILS_SHEET}!{LAY.year_ref}",
        f"{files[1]}!{S4}!{ref('s4', 'direct_total')}"]
    assert out[-1] == "2 of 3 workbooks have problems: nothing written"
    assert snapshot(data) == before


def test_partial_writes_the_valid_workbooks_only(templates, tmp_path, capsys):
    files = bad_pair(templates, tmp_path)
    assert cli.main(["ingest", *map(str, files), "--year", "2022", "--data", str(tmp_path / "data"), "--partial"]) == 1
    assert list(load_year(tmp_path / "data", 2022).agencies) == ["hongsibu-gov-office"]  # files[2], the valid one
    assert "1 agencies added, 0 replaced; 2 workbooks with problems left out" in capsys.readouterr().out


def test_existing_agencies_need_replace_and_are_backed_up(templates, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(DATA / "2022", data / "2022")
    before = snapshot(data)
    changed = edit(police(templates), tmp_path / "c.xlsx", {(S4, ref("s4", "review_other")): 2})
    files = [str(changed), str(templates[2022][0]), str(templates[2022][0])]
    assert cli.main(["ingest", *files, "--year", "2022", "--data", str(data)]) == 1
    out = capsys.readouterr().out
    where = f"{excel.DETAILS_SHEET}!{LAY.fields['id']}"
    assert f"error: {changed}!{where}: agency {AID}, already has data for 2022 in {data / '2022'} (--replace" in out
    assert f"error: {files[2]}!{where}: agency hongsibu-gov-office, the same agency as {files[1]}" in out
    assert snapshot(data) == before
    assert cli.main(["ingest", *files[:2], "--year", "2022", "--data", str(data), "--replace"]) == 0
    assert "0 agencies added, 2 replaced (the previous data is in " in capsys.readouterr().out
    backup, = (data / ".backup").iterdir()
    assert snapshot(backup) == snapshot(DATA / "2022")
    assert load_year(data, 2022).agency(AID).s4["review_other"] == 2


def test_an_ingest_that_fails_after_the_first_file_leaves_data_as_it_was(templates, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA / "2021", data / "2021")
    before = snapshot(data)
    read = excel_ingest.read_workbook
    calls = []

    def fail_on_second(*args):
        calls.append(args)
        if len(calls) == 2:
            raise MemoryError("simulated failure")
        return read(*args)

    monkeypatch.setattr(excel_ingest, "read_workbook", fail_on_second)
    with pytest.raises(MemoryError):
        excel_ingest.ingest(templates[2022], 2022, data)
    assert snapshot(data) == before
    monkeypatch.setattr(excel_ingest, "read_workbook", read)

    def fail_mid_write(name):
        if name == "wrote section3.csv":
            raise OSError("disk full")

    monkeypatch.setattr(datastore, "_step", fail_mid_write)
    shutil.copytree(DATA / "2022", data / "2022")
    before = snapshot(data)
    with pytest.raises(OSError):
        excel_ingest.ingest(templates[2022][:2], 2022, data, replace=True)
    assert snapshot(data) == before  # no staging folder left either


# ---------------------------------------------------------------- LibreOffice
def test_a_workbook_filled_in_and_saved_by_libreoffice_is_ingested(templates, tmp_path):
    """Fill a blank template with openpyxl, let LibreOffice recalculate and re-save it, ingest that file."""
    blank, = excel.make_templates(DATA, 2022, tmp_path / "blank", [AID])
    want = SAMPLE[2022].agency(AID)
    typed = {(c.sheet, c.ref): want.cells[c.key] for c in LAY.numbers.values() if not c.parts}
    typed |= {(excel.NARRATIVE_SHEET, LAY.narrative[s]): want.narrative[s] for s in fmt.NARRATIVE_SECTIONS}
    filled = edit(blank, tmp_path / "filled" / "公安.xlsx", typed)
    saved = soffice(filled, tmp_path / "saved", "xlsx")
    wb = load_workbook(saved)
    assert wb[S3][ref("s3", "1", "total")].value.startswith("=SUM(")  # still formulas after LibreOffice
    assert load_workbook(saved, data_only=True)[S3]["D32"].value == "✓"  # LibreOffice computed the check line
    data, problems = excel_ingest.read_workbook(saved, 2022, set(SAMPLE[2022].agencies))
    assert problems == []
    assert data.agency == want.agency and data.narrative == want.narrative
    assert data.cells == want.cells


def test_libreoffice_prints_the_template_with_its_labels(templates, tmp_path):
    pdf = soffice(police(templates), tmp_path / "pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())  # a wrapped label may have a merged neighbour's text between its lines
    labels = [fmt.TITLE.format(name=NAME, year=2022, form="年"), *fmt.SECTION_TITLES.values(), fmt.S3_COLUMN_HEADER,
              *fmt.S3_COLUMN_LABELS.values(), *fmt.S3_ROW_LABELS.values(), *fmt.S4_LABELS.values(),
              *(b.heading for b in fmt.S2_BLOCKS), *(n.label for b in fmt.S2_BLOCKS for n in b.rows + b.columns)]
    missing = [label for label in labels if not re.search(".{0,12}".join(map(re.escape, label.replace(" ", ""))), flat)]
    assert missing == []
