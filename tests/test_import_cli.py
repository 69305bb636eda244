"""govreport import: published reports written into data/<year>/ through datastore.write_year."""
from __future__ import annotations

import shutil
from pathlib import Path

from govreport import cli
from govreport.dataset import load_year

from test_import import ROOT, SEED_TEXT, same


def _data(tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    return data


def test_inferred_cells_need_accept_inferred_and_existing_data_needs_replace(tmp_path, capsys):
    data = _data(tmp_path)
    before = (data / "2022" / "section3.csv").read_bytes()
    assert cli.main(["import", str(SEED_TEXT), "--year", "2022", "--data", str(data), "--replace"]) == 1
    out = capsys.readouterr().out
    assert "inferred 三·二、上年结转政府信息公开申请数量·自然人 = 0 (lost; rule R2)" in out
    assert "give --accept-inferred" in out
    assert cli.main(["import", str(SEED_TEXT), "--year", "2022", "--data", str(data), "--accept-inferred"]) == 2
    assert "already have data for 2022: hongsibu-gov-office" in capsys.readouterr().err
    assert (data / "2022" / "section3.csv").read_bytes() == before
    assert not (data / ".backup").exists()
    assert cli.main(["import", str(SEED_TEXT), "--year", "2022", "--data", str(data),
                     "--accept-inferred", "--replace"]) == 0
    assert "replaced hongsibu-gov-office" in capsys.readouterr().out
    assert len(list((data / ".backup").iterdir())) == 1
    got = load_year(data, 2022).agency("hongsibu-gov-office")
    expected = load_year(ROOT / "data", 2022).agency("hongsibu-gov-office")
    assert got.cells == expected.cells and got.agency == expected.agency  # id and level from agencies.csv


def test_web_pages_import_into_a_new_data_directory_and_load_back_exactly(built, tmp_path, capsys):
    data = tmp_path / "new"
    pages = []
    for aid in ("hongsibu-gov-office", "hongsibu-edu-bureau"):
        pages.append(tmp_path / f"{aid}.html")
        shutil.copy(built / "2021" / aid / "report.html", pages[-1])
    assert cli.main(["import", str(pages[0]), "--year", "2021", "--data", str(data), "--agency", "office"]) == 0
    assert cli.main(["import", str(pages[1]), "--year", "2021", "--data", str(data), "--agency", "edu"]) == 0
    loaded = load_year(data, 2021)
    expected = load_year(ROOT / "data", 2021)
    assert list(loaded.agencies) == ["office", "edu"]
    assert same(loaded.agency("office"), expected.agency("hongsibu-gov-office")) == []
    assert same(loaded.agency("edu"), expected.agency("hongsibu-edu-bureau")) == []
    assert loaded.agencies["edu"].level == "政府部门"  # guessed from the name: a report does not print it


def test_a_report_of_another_year_or_an_unknown_agency_is_refused(built, tmp_path, capsys):
    data = tmp_path / "new"
    page = built / "2021" / "hongsibu-edu-bureau" / "report.html"
    assert cli.main(["import", str(page), "--year", "2022", "--data", str(data), "--agency", "edu"]) == 1
    assert "the report is of 2021, not --year 2022" in capsys.readouterr().out
    assert cli.main(["import", str(page), "--year", "2021", "--data", str(data)]) == 1
    assert "no agency named 红寺堡区教育局 (吴忠市红寺堡区教育局)" in capsys.readouterr().out
    assert not data.exists()
