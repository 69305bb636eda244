"""Shared fixtures: an in-memory AgencyData with the seed report's numbers (红寺堡区人民政府办公室, 2022); the
outside programs some tests need (require, soffice)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from govreport import format as fmt
from govreport.dataset import Agency, AgencyData

SEED_AGENCY = Agency(
    id="hongsibu-gov-office", name="红寺堡区人民政府办公室", full_name="吴忠市红寺堡区人民政府办公室",
    level="县级政府", website_name="红寺堡区人民政府门户网站", website_url="www.hongsibu.gov.cn",
    address="吴忠市红寺堡区金水街008号", postcode="751999", phone="0953-5098596", fax="0953-5098123",
    email="hspzhfb123@163.com", rule_making=False,
)
SEED_S2 = {"normative_issued": 3, "normative_repealed": 11, "normative_in_force": 14}
SEED_S3 = {("1", "natural"): 5, ("3.2", "natural"): 2, ("3.4.1", "natural"): 2, ("3.5.1", "natural"): 1}


def make_agency_data(year: int = 2022, s2: dict | None = None, s3: dict | None = None,
                     s4: dict | None = None, narrative: dict | None = None,
                     agency: Agency = SEED_AGENCY) -> AgencyData:
    """AgencyData from sparse cells (everything else 0). s3 keys are (row, column); totals are filled in
    (the 总计 column and row 3.7) unless given explicitly, so the result obeys rules 2–5 by default."""
    s2_series = pd.Series(0, index=list(fmt.S2_CELLS), dtype="int64").astype(object)
    s2_series["fees_amount"] = 0.0
    for k, v in (SEED_S2 if s2 is None else s2).items():
        s2_series[k] = v
    cells = SEED_S3 if s3 is None else s3
    frame = pd.DataFrame(0, index=list(fmt.S3_ROWS), columns=list(fmt.S3_COLUMNS), dtype="int64")
    for (r, c), v in cells.items():
        frame.loc[r, c] = v
    for col in fmt.S3_APPLICANT_COLUMNS:
        if ("3.7", col) not in cells:
            frame.loc["3.7", col] = frame.loc[list(fmt.S3_OUTCOME_ROWS), col].sum()
    for r in fmt.S3_ROWS:
        if (r, "total") not in cells:
            frame.loc[r, "total"] = frame.loc[r, list(fmt.S3_APPLICANT_COLUMNS)].sum()
    s4_series = pd.Series(0, index=list(fmt.S4_CELLS), dtype="int64")
    for k, v in (s4 or {}).items():
        s4_series[k] = v
    for g in fmt.S4_GROUPS:
        if f"{g}_total" not in (s4 or {}):
            s4_series[f"{g}_total"] = sum(s4_series[f"{g}_{o}"] for o in ("upheld", "corrected", "other", "pending"))
    text = narrative if narrative is not None else {
        "1": "全年受理政府信息公开申请5件，办结5件，办结率100%。",
        "5": "一是政务公开工作人员流动性大。",
        "6": "2022年，在办理政府信息公开申请中，未收取信息处理费。",
    }
    return AgencyData(year, agency, s2_series, frame, s4_series, text)


@pytest.fixture
def seed() -> AgencyData:
    return make_agency_data()


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Every sample agency's report.html (2021, 2022), built once from data/ (the importer's round trips)."""
    from govreport import cli
    out = tmp_path_factory.mktemp("built")
    assert cli.main(["build", "--data", str(Path(__file__).resolve().parents[1] / "data"), "--out", str(out)]) == 0
    return out


def require(found, what: str, install: str) -> None:
    """An outside program or package the test needs: missing here, skip; missing in CI (which installs it), fail."""
    if not found:
        message = f"{what} not found (install it: {install})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def soffice(source: Path, out: Path, target: str = "pdf") -> Path:
    """`source` converted by headless LibreOffice into `out` (a private profile there; the whole process group
    killed after, however it ended)."""
    exe = shutil.which("soffice")
    require(exe, "LibreOffice (soffice)", "sudo apt-get install -y libreoffice-calc libreoffice-writer")
    proc = subprocess.Popen([exe, f"-env:UserInstallation=file://{out / 'lo-profile'}", "--headless",
                             "--convert-to", target, "--outdir", str(out), str(source)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        log = proc.communicate(timeout=240)[0].decode(errors="replace")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    result = out / f"{source.stem}.{target.split(':')[0]}"
    assert result.is_file(), log
    return result
