"""Write the sample data data/2021/ and data/2022/: fifteen agencies of 宁夏吴忠市红寺堡区 (Hongsibu district).

    python -m govreport.sample [OUT_DIR]      # OUT_DIR defaults to the project's data/ (project.project_root)

`govreport init` writes the seed agency alone as a new project's example, or all of it with --from-sample.

Numbers are declared sparsely below; the 总计 column, row （七）总计, row 四 (what is left open) and the 2022
row 二 (= the 2021 row 四, rule 6) are computed, and the 2022 现行有效件数 follows rule 7 unless a recount is
declared. Narratives are composed from each agency's profile and its own numbers, except the seed agency's
2022 texts, which are the published report's (data/README.md lists the two deliberate warnings).
Output is deterministic: running this again rewrites the committed files byte for byte.
"""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from govreport import format as fmt
from govreport.dataset import AGENCY_COLUMNS, AGENCY_OPTIONAL_COLUMNS, REGION_FILE, REGION_NARRATIVE

YEARS = (2021, 2022)
PORTAL = ("红寺堡区人民政府门户网站", "www.hongsibu.gov.cn")
POSTCODE = "751999"

# id, name, full name, level, address, phone, fax, email
AGENCIES = (
    ("hongsibu-gov-office", "红寺堡区人民政府办公室", "吴忠市红寺堡区人民政府办公室", "县级政府",
     "吴忠市红寺堡区金水街008号", "0953-5098596", "0953-5098123", "hspzhfb123@163.com"),
    ("hongsibu-drc-bureau", "红寺堡区发展和改革局", "吴忠市红寺堡区发展和改革局", "政府部门",
     "吴忠市红寺堡区罗山南街018号", "0953-5098211", "0953-5098212", "hsbfgj@163.com"),
    ("hongsibu-edu-bureau", "红寺堡区教育局", "吴忠市红寺堡区教育局", "政府部门",
     "吴忠市红寺堡区朝阳街026号", "0953-5093360", "0953-5093361", "hsbjyj@hongsibu.gov.cn"),
    ("hongsibu-police-branch", "红寺堡区公安分局", "吴忠市公安局红寺堡区分局", "政府部门",
     "吴忠市红寺堡区红寺堡大街101号", "0953-5092110", "0953-5092119", "hsbgafj@163.com"),
    ("hongsibu-civil-affairs-bureau", "红寺堡区民政局", "吴忠市红寺堡区民政局", "政府部门",
     "吴忠市红寺堡区新民街035号", "0953-5095216", "0953-5095218", "hsbmzj@163.com"),
    ("hongsibu-finance-bureau", "红寺堡区财政局", "吴忠市红寺堡区财政局", "政府部门",
     "吴忠市红寺堡区金水街012号", "0953-5098302", "0953-5098305", "hsbczj@hongsibu.gov.cn"),
    ("hongsibu-hrss-bureau", "红寺堡区人力资源和社会保障局", "吴忠市红寺堡区人力资源和社会保障局", "政府部门",
     "吴忠市红寺堡区罗山南街026号", "0953-5096021", "0953-5096023", "hsbrsj@163.com"),
    ("hongsibu-natural-resources-bureau", "红寺堡区自然资源局", "吴忠市红寺堡区自然资源局", "政府部门",
     "吴忠市红寺堡区朝阳街058号", "0953-5091869", "0953-5091866", "hsbzrzyj@hongsibu.gov.cn"),
    ("hongsibu-eco-env-branch", "红寺堡区生态环境分局", "吴忠市生态环境局红寺堡区分局", "政府部门",
     "吴忠市红寺堡区新民街066号", "0953-5096369", "0953-5096360", "hsbhbj@163.com"),
    ("hongsibu-housing-transport-bureau", "红寺堡区住房城乡建设和交通局", "吴忠市红寺堡区住房城乡建设和交通局",
     "政府部门", "吴忠市红寺堡区罗山北街009号", "0953-5097158", "0953-5097150", "hsbzjjtj@163.com"),
    ("hongsibu-agriculture-bureau", "红寺堡区农业农村局", "吴忠市红寺堡区农业农村局", "政府部门",
     "吴忠市红寺堡区杞乡路015号", "0953-5095122", "0953-5095120", "hsbnyncj@hongsibu.gov.cn"),
    ("hongsibu-health-bureau", "红寺堡区卫生健康局", "吴忠市红寺堡区卫生健康局", "政府部门",
     "吴忠市红寺堡区朝阳街088号", "0953-5093120", "0953-5093126", "hsbwjj@163.com"),
    ("hongsibu-market-regulation-bureau", "红寺堡区市场监督管理局", "吴忠市红寺堡区市场监督管理局", "政府部门",
     "吴忠市红寺堡区新民街101号", "0953-5092315", "0953-5092312", "hsbscjgj@hongsibu.gov.cn"),
    ("hongsibu-town-gov", "红寺堡镇人民政府", "吴忠市红寺堡区红寺堡镇人民政府", "乡镇政府",
     "吴忠市红寺堡区红寺堡镇弘德路001号", "0953-5080011", "0953-5080012", "hsbzzf@163.com"),
    ("taiyangshan-town-gov", "太阳山镇人民政府", "吴忠市红寺堡区太阳山镇人民政府", "乡镇政府",
     "吴忠市红寺堡区太阳山镇团结路018号", "0953-5118001", "0953-5118002", "tyszzf@163.com"),
)
SEED = "hongsibu-gov-office"
TOWN_GROUP, DEPARTMENT_GROUP = "乡镇", "部门"  # agencies.csv's group: the towns' level is 乡镇政府
REGION = ("hongsibu", "红寺堡区", "吴忠市红寺堡区人民政府", "县级政府", "吴忠市红寺堡区金水街008号", "0953-5098596",
          "0953-5098123", "hspzhfb123@163.com")  # region.csv: the region whose report sums every agency
RULE7_RECOUNT = "hongsibu-edu-bureau"  # 2022 现行有效件数 recounted after a clean-up: breaks rule 7
MISQUOTE = ("hongsibu-civil-affairs-bureau", 2022, 12)  # its s1 quotes 12 applications; table 三 row 1 says 14


@dataclass
class Year:
    """One agency's numbers for one year, sparse. docs: (issued, repealed, in_force) of 行政规范性文件; in 2022
    in_force is computed by rule 7 unless `recount` gives it. s3: {row: {column: n}} for row 1, the outcome rows
    and (2021 only) row 2; s4: {cell: n} without the 总计 cells."""

    docs: tuple
    decisions: tuple = (0, 0, 0)  # 行政许可, 行政处罚, 行政强制
    fees: float = 0.0  # 万元
    s3: dict | None = None
    s4: dict | None = None
    recount: int | None = None


NUMBERS = {
    "hongsibu-gov-office": {
        2021: Year((5, 3, 22), s3={"2": dict(natural=1), "1": dict(natural=6), "3.1": dict(natural=3),
                                   "3.2": dict(natural=1), "3.4.1": dict(natural=2), "3.5.2": dict(natural=1)}),
        2022: Year((3, 11), s3={"1": dict(natural=5), "3.2": dict(natural=2), "3.4.1": dict(natural=2),
                                "3.5.1": dict(natural=1)}),
    },
    "hongsibu-drc-bureau": {
        2021: Year((2, 1, 9), (46, 0, 0), s3={"1": dict(natural=3, business=2), "3.1": dict(natural=2, business=1),
                                              "3.2": dict(business=1), "3.4.1": dict(natural=1)}),
        2022: Year((3, 2), (58, 0, 0), s3={"1": dict(natural=4, business=3), "3.1": dict(natural=2, business=2),
                                           "3.4.1": dict(natural=1), "3.4.2": dict(business=1),
                                           "3.5.3": dict(natural=1)}),
    },
    "hongsibu-edu-bureau": {
        2021: Year((4, 2, 15), (186, 0, 0), s3={"2": dict(natural=1), "1": dict(natural=9), "3.1": dict(natural=5),
                                                "3.2": dict(natural=1), "3.4.1": dict(natural=2),
                                                "3.5.1": dict(natural=1)}),
        2022: Year((3, 1), (213, 0, 0), recount=12,
                   s3={"1": dict(natural=11, nonprofit=1), "3.1": dict(natural=6, nonprofit=1),
                       "3.2": dict(natural=2), "3.3.4": dict(natural=1), "3.4.1": dict(natural=2),
                       "3.6.1": dict(natural=1)}),
    },
    "hongsibu-police-branch": {
        2021: Year((0, 0, 0), (1264, 2867, 214),
                   s3={"2": dict(natural=2), "1": dict(natural=86, business=4, legal=6),
                       "3.1": dict(natural=38, business=2, legal=2), "3.2": dict(natural=12, legal=1),
                       "3.3.2": dict(natural=1), "3.3.4": dict(natural=3, business=1),
                       "3.3.7": dict(natural=4, legal=2), "3.3.8": dict(natural=5),
                       "3.4.1": dict(natural=11, business=1), "3.4.2": dict(natural=3), "3.4.3": dict(natural=1),
                       "3.5.1": dict(natural=4), "3.5.2": dict(natural=2), "3.6.1": dict(natural=2),
                       "3.6.3": dict(natural=1)},
                   s4=dict(review_upheld=2, review_corrected=1, direct_upheld=1)),
        2022: Year((0, 0), (1432, 3105, 236),
                   s3={"1": dict(natural=112, business=5, legal=9, other=2),
                       "3.1": dict(natural=47, business=3, legal=4, other=1), "3.2": dict(natural=16, legal=2),
                       "3.3.2": dict(natural=2), "3.3.3": dict(natural=1), "3.3.4": dict(natural=4, business=1),
                       "3.3.7": dict(natural=6, legal=3), "3.3.8": dict(natural=7),
                       "3.4.1": dict(natural=13, business=1, legal=1, other=1), "3.4.2": dict(natural=4),
                       "3.4.3": dict(natural=2), "3.5.1": dict(natural=5), "3.5.2": dict(natural=2),
                       "3.5.4": dict(natural=1), "3.6.1": dict(natural=1)},
                   s4=dict(review_upheld=3, review_pending=1, direct_upheld=1, direct_corrected=1,
                           after_review_upheld=1)),
    },
    "hongsibu-civil-affairs-bureau": {
        2021: Year((2, 1, 6), (23, 1, 0),
                   s3={"1": dict(natural=10, nonprofit=1), "3.1": dict(natural=6, nonprofit=1),
                       "3.2": dict(natural=1), "3.4.1": dict(natural=2), "3.5.1": dict(natural=1)},
                   s4=dict(review_upheld=1)),
        2022: Year((1, 0), (19, 2, 0),
                   s3={"1": dict(natural=13, nonprofit=1), "3.1": dict(natural=7, nonprofit=1),
                       "3.2": dict(natural=2), "3.3.4": dict(natural=1), "3.4.1": dict(natural=2),
                       "3.5.1": dict(natural=1)},
                   s4=dict(review_upheld=1)),
    },
    "hongsibu-finance-bureau": {
        2021: Year((3, 2, 11), s3={"1": dict(natural=4, business=1), "3.1": dict(natural=2, business=1),
                                   "3.4.1": dict(natural=1), "3.4.2": dict(natural=1)}),
        2022: Year((2, 4), s3={"1": dict(natural=6, business=2, research=1),
                               "3.1": dict(natural=3, business=1, research=1), "3.2": dict(natural=1),
                               "3.3.6": dict(business=1), "3.4.1": dict(natural=1)}),
    },
    "hongsibu-hrss-bureau": {
        2021: Year((1, 0, 5), (8, 6, 0), s3={"1": dict(natural=14), "3.1": dict(natural=8), "3.2": dict(natural=2),
                                             "3.4.1": dict(natural=3), "3.5.1": dict(natural=1)},
                   s4=dict(review_upheld=1)),
        2022: Year((2, 1), (11, 9, 0),
                   s3={"1": dict(natural=17, legal=1), "3.1": dict(natural=9, legal=1), "3.2": dict(natural=2),
                       "3.3.4": dict(natural=1), "3.4.1": dict(natural=3), "3.5.1": dict(natural=1),
                       "3.5.5": dict(natural=1)},
                   s4=dict(review_upheld=1, review_corrected=1)),
    },
    "hongsibu-natural-resources-bureau": {
        2021: Year((2, 1, 8), (137, 41, 5), 10.80,
                   s3={"2": dict(natural=3, business=1),
                       "1": dict(natural=74, business=9, research=1, legal=4, other=2),
                       "3.1": dict(natural=30, business=5, research=1, legal=2, other=1),
                       "3.2": dict(natural=14, business=2, legal=1), "3.3.4": dict(natural=2, business=1),
                       "3.3.6": dict(natural=3), "3.4.1": dict(natural=12, business=1, legal=1, other=1),
                       "3.4.2": dict(natural=5), "3.4.3": dict(natural=2), "3.5.1": dict(natural=3),
                       "3.5.2": dict(natural=2), "3.6.1": dict(natural=1)},
                   s4=dict(review_upheld=2, review_corrected=1, review_other=1, direct_upheld=1,
                           direct_pending=1)),
        2022: Year((3, 2), (152, 36, 3), 12.35,
                   s3={"1": dict(natural=96, business=12, legal=6, other=1),
                       "3.1": dict(natural=38, business=6, legal=3), "3.2": dict(natural=19, business=3, legal=2),
                       "3.3.3": dict(natural=1), "3.3.4": dict(natural=3, business=1), "3.3.6": dict(natural=4),
                       "3.3.7": dict(natural=1), "3.4.1": dict(natural=15, business=2, other=1),
                       "3.4.2": dict(natural=4, legal=1), "3.4.3": dict(natural=2), "3.5.1": dict(natural=4),
                       "3.5.2": dict(natural=3), "3.5.4": dict(natural=1), "3.6.1": dict(natural=2),
                       "3.6.3": dict(business=1)},
                   s4=dict(review_upheld=3, review_corrected=1, review_pending=1, direct_upheld=2,
                           after_review_upheld=1)),
    },
    "hongsibu-eco-env-branch": {
        2021: Year((1, 0, 3), (28, 17, 3),
                   s3={"1": dict(natural=5, business=3), "3.1": dict(natural=3, business=2), "3.2": dict(natural=1),
                       "3.3.6": dict(business=1), "3.4.1": dict(natural=1)},
                   s4=dict(review_upheld=1)),
        2022: Year((0, 1), (34, 22, 4),
                   s3={"1": dict(natural=7, business=4, nonprofit=2), "3.1": dict(natural=4, business=2, nonprofit=1),
                       "3.2": dict(natural=1, nonprofit=1), "3.3.7": dict(business=1),
                       "3.4.1": dict(natural=1, business=1), "3.5.3": dict(natural=1)},
                   s4=dict(review_upheld=1)),
    },
    "hongsibu-housing-transport-bureau": {
        2021: Year((4, 2, 13), (318, 64, 6), 3.62,
                   s3={"2": dict(natural=2), "1": dict(natural=58, business=6, legal=3, other=1),
                       "3.1": dict(natural=24, business=3, legal=1, other=1),
                       "3.2": dict(natural=10, business=1, legal=1), "3.3.4": dict(natural=2, business=1),
                       "3.3.6": dict(natural=2), "3.3.7": dict(legal=1), "3.4.1": dict(natural=9, business=1),
                       "3.4.2": dict(natural=3), "3.5.1": dict(natural=4), "3.5.2": dict(natural=1),
                       "3.6.1": dict(natural=2), "3.6.3": dict(natural=1)},
                   s4=dict(review_upheld=2, review_corrected=1, after_review_upheld=1)),
        2022: Year((3, 3), (295, 71, 8), 4.18,
                   s3={"1": dict(natural=71, business=8, legal=4), "3.1": dict(natural=29, business=4, legal=2),
                       "3.2": dict(natural=12, business=2), "3.3.4": dict(natural=3), "3.3.6": dict(natural=2),
                       "3.3.7": dict(legal=1), "3.3.8": dict(natural=1),
                       "3.4.1": dict(natural=11, business=1, legal=1), "3.4.2": dict(natural=3, business=1),
                       "3.4.3": dict(natural=1), "3.5.1": dict(natural=4), "3.5.2": dict(natural=2),
                       "3.6.1": dict(natural=1), "3.6.3": dict(natural=1)},
                   s4=dict(review_upheld=2, review_other=1, review_pending=1, direct_upheld=1, direct_corrected=1,
                           after_review_upheld=1)),
    },
    "hongsibu-agriculture-bureau": {
        2021: Year((2, 1, 7), (42, 12, 1), s3={"1": dict(natural=8), "3.1": dict(natural=4), "3.2": dict(natural=1),
                                               "3.4.1": dict(natural=2), "3.5.1": dict(natural=1)}),
        2022: Year((2, 2), (47, 15, 2), s3={"1": dict(natural=10, business=1), "3.1": dict(natural=5, business=1),
                                            "3.2": dict(natural=2), "3.4.1": dict(natural=1),
                                            "3.4.2": dict(natural=1)}),
    },
    "hongsibu-health-bureau": {
        2021: Year((2, 0, 6), (164, 26, 0), s3={"1": dict(natural=6, business=1), "3.1": dict(natural=3, business=1),
                                                "3.2": dict(natural=1), "3.3.4": dict(natural=1),
                                                "3.4.1": dict(natural=1)}),
        2022: Year((1, 2), (178, 31, 0), s3={"1": dict(natural=9, legal=1), "3.1": dict(natural=5),
                                             "3.2": dict(natural=1, legal=1), "3.3.4": dict(natural=1),
                                             "3.4.1": dict(natural=2)}),
    },
    "hongsibu-market-regulation-bureau": {
        2021: Year((1, 1, 4), (1586, 218, 19), 1.26,
                   s3={"1": dict(natural=21, business=5, legal=2), "3.1": dict(natural=9, business=3, legal=1),
                       "3.2": dict(natural=4, business=1), "3.3.4": dict(natural=1, business=1),
                       "3.3.7": dict(natural=1), "3.4.1": dict(natural=3, legal=1), "3.4.2": dict(natural=1),
                       "3.5.1": dict(natural=2)},
                   s4=dict(review_upheld=1)),
        2022: Year((1, 0), (1743, 246, 23), 0.95,
                   s3={"1": dict(natural=26, business=7, legal=3), "3.1": dict(natural=11, business=4, legal=2),
                       "3.2": dict(natural=5, business=1), "3.3.4": dict(natural=2, business=1),
                       "3.3.7": dict(natural=1, legal=1), "3.4.1": dict(natural=3, business=1),
                       "3.4.2": dict(natural=1), "3.5.1": dict(natural=1), "3.5.2": dict(natural=1)},
                   s4=dict(review_upheld=1, review_corrected=1, direct_pending=1)),
    },
    "hongsibu-town-gov": {
        2021: Year((1, 0, 2), (0, 3, 0), s3={"1": dict(natural=3), "3.1": dict(natural=2), "3.4.1": dict(natural=1)}),
        2022: Year((0, 0), (0, 4, 0), s3={"1": dict(natural=4), "3.1": dict(natural=2), "3.2": dict(natural=1),
                                          "3.5.1": dict(natural=1)}),
    },
    "taiyangshan-town-gov": {
        2021: Year((0, 0, 1), (0, 2, 0), s3={"1": dict(natural=2), "3.1": dict(natural=1), "3.4.1": dict(natural=1)}),
        2022: Year((1, 0), (0, 2, 0), s3={"1": dict(natural=3, business=1), "3.1": dict(natural=2, business=1),
                                          "3.4.1": dict(natural=1)}),
    },
}


# ---------------------------------------------------------------- numbers: sparse spec -> full tables
def section3(spec: dict, carried: dict | None) -> dict:
    """All 25×7 cells {(row, column): n}; row 二 from `carried` (last year's row 四) when given."""
    cells = {(r, c): 0 for r in fmt.S3_ROWS for c in fmt.S3_APPLICANT_COLUMNS}
    for row, values in spec.items():
        for column, n in values.items():
            cells[row, column] = n
    if carried is not None:
        assert "2" not in spec, "row 二 of 2022 is the 2021 row 四 (rule 6)"
        for c in fmt.S3_APPLICANT_COLUMNS:
            cells["2", c] = carried[c]
    for c in fmt.S3_APPLICANT_COLUMNS:
        cells["3.7", c] = sum(cells[r, c] for r in fmt.S3_OUTCOME_ROWS)
        cells["4", c] = cells["1", c] + cells["2", c] - cells["3.7", c]
        assert cells["4", c] >= 0, f"more concluded than received in column {c}"
    for r in fmt.S3_ROWS:
        cells[r, "total"] = sum(cells[r, c] for c in fmt.S3_APPLICANT_COLUMNS)
    return cells


def tables() -> dict:
    """{year: {agency id: (s2 {cell: value}, s3 {(row, column): n}, s4 {cell: n})}}."""
    out = {year: {} for year in YEARS}
    for aid, years in NUMBERS.items():
        for year in YEARS:
            spec = years[year]
            if year == YEARS[0]:
                issued, repealed, in_force = spec.docs
                carried = None
            else:
                issued, repealed = spec.docs
                before_s2, before_s3, _ = out[year - 1][aid]
                in_force = before_s2["normative_in_force"] + issued - repealed
                in_force = in_force if spec.recount is None else spec.recount
                carried = {c: before_s3["4", c] for c in fmt.S3_APPLICANT_COLUMNS}
            s2 = dict.fromkeys(fmt.S2_CELLS, 0)
            s2.update(normative_issued=issued, normative_repealed=repealed, normative_in_force=in_force,
                      license_decisions=spec.decisions[0], penalty_decisions=spec.decisions[1],
                      enforcement_decisions=spec.decisions[2], fees_amount=spec.fees)
            s4 = dict.fromkeys(fmt.S4_CELLS, 0)
            s4.update(spec.s4 or {})
            for g in fmt.S4_GROUPS:
                s4[f"{g}_total"] = sum(s4[f"{g}_{o}"] for o in ("upheld", "corrected", "other", "pending"))
            out[year][aid] = (s2, section3(spec.s3, carried), s4)
    return out


# ---------------------------------------------------------------- narratives
@dataclass
class Profile:
    """What an agency's narrative talks about; dicts are by year."""

    focus: str  # what its disclosure centres on
    topics: str  # what it published
    media: str  # its new-media channel
    published: dict  # items published proactively
    highlight: dict  # one sentence for （一）主动公开
    problem: tuple  # (a problem of its own, its remedy) for section 五
    points: dict  # section 六 (二): the year's key tasks
    motions: dict  # (人大代表建议, 政协提案) handled


PROFILES = {
    "hongsibu-gov-office": Profile(
        "全区中心工作、重大决策部署和群众关切", "政府文件、政策解读、重要会议、人事任免、财政预决算",
        "“红寺堡发布”微信公众号", {2021: 2108},
        {2021: "开设“党史学习教育”“乡村振兴”等专题专栏，集中发布重点领域信息。"},
        ("部门间信息报送联动还不够紧密，部分部门报送信息不及时", "建立部门信息报送通报制度，按月通报各部门信息报送情况"),
        {2021: "一是制定印发红寺堡区2021年政务公开工作要点，将重点领域信息公开任务分解到政府各工作部门和各乡镇，"
               "按季度通报落实情况。二是组织开展基层政务公开标准化规范化建设“回头看”，督促各部门对照标准目录完善公开内容。"},
        {2021: (12, 9)}),
    "hongsibu-drc-bureau": Profile(
        "发展规划、重大建设项目和价格管理等领域信息公开", "发展规划、重大项目审批、政府定价、粮食储备、以工代赈",
        "红寺堡区政务新媒体矩阵", {2021: 186, 2022: 214},
        {2021: "及时公开全区“十四五”规划纲要及重点专项规划，同步发布图文解读。",
         2022: "围绕稳经济一揽子政策措施，集中公开重大项目审批、政府投资计划和惠企政策信息。"},
        ("重大建设项目批准和实施领域信息公开的全过程覆盖还不够",
         "按照重大建设项目领域公开标准目录，做好项目批准、招标投标、施工管理、竣工验收等全流程信息公开"),
        {2021: "一是围绕“十四五”规划编制，通过门户网站公开征求社会公众意见，并对意见采纳情况予以反馈。"
               "二是每月公开重要民生商品价格监测信息，引导市场预期。",
         2022: "一是公开全区重大项目清单和年度投资计划，定期更新项目建设进展。二是做好粮食储备和价格监测信息公开，保障群众知情权。"},
        {2021: (4, 3), 2022: (5, 2)}),
    "hongsibu-edu-bureau": Profile(
        "招生入学、学生资助、教育收费和教师队伍建设", "招生入学政策、学生资助、教育经费、学校收费、教师招聘",
        "“红寺堡教育”微信公众号", {2021: 428, 2022: 465},
        {2021: "在招生季集中公开义务教育阶段学校招生划片范围、报名条件和办理流程，及时答复群众咨询。",
         2022: "对本单位印发的行政规范性文件开展全面清理，对已不适用但未履行废止程序的文件统一标注失效。"},
        ("学校层面信息公开工作发展不平衡，部分学校公开栏目更新不及时",
         "指导各中小学、幼儿园落实学校信息公开清单，规范公开招生、收费和资助信息"),
        {2021: "一是落实“双减”政策信息公开，公开校外培训机构白名单和收费标准，设立监督举报电话。"
               "二是指导全区中小学在校门口和校园网站公开收费项目、招生政策和监督电话。",
         2022: "一是公开学前教育和义务教育阶段学生资助政策及资助资金发放情况，接受社会监督。"
               "二是公开教师招聘岗位、报名条件和招聘结果，做到招聘过程全程公开。"},
        {2021: (9, 7), 2022: (11, 6)}),
    "hongsibu-police-branch": Profile(
        "公安行政管理和执法办案信息公开", "户籍办理、出入境管理、交通管理、治安管理、执法公示",
        "“红寺堡公安”微信公众号", {2021: 612, 2022: 687},
        {2021: "全面推行行政执法公示制度，在门户网站公开行政许可和行政处罚结果，接受社会监督。",
         2022: "围绕户籍、出入境、交通管理等便民服务措施，公开办事指南和办理时限，推行“一窗通办”。"},
        ("执法信息公开与个人信息保护之间的界限把握还不够精准", "细化执法信息公开审查标准，在依法公开执法信息的同时做好个人信息保护"),
        {2021: "一是推进执法公开，在执法办案场所公示执法依据、办事流程和监督电话。"
               "二是通过微信公众号发布防范电信网络诈骗等警情提示，提升群众防范意识。",
         2022: "一是开展“警营开放日”活动，邀请群众代表走进公安机关，了解公安工作。"
               "二是公开交通违法处理、机动车驾驶证业务办理流程，推动更多业务“网上办”。"},
        {2021: (6, 4), 2022: (7, 5)}),
    "hongsibu-civil-affairs-bureau": Profile(
        "社会救助、养老服务和社会组织管理等民生领域",
        "最低生活保障、特困人员供养、临时救助、养老服务、婚姻登记、社会组织登记",
        "“红寺堡民政”微信公众号", {2021: 236, 2022: 259},
        {2021: "按月公开城乡最低生活保障、特困人员供养对象及资金发放情况，公开时对个人隐私信息进行去标识化处理。",
         2022: "编印社会救助政策明白卡，在各乡镇便民服务中心和村（社区）公开栏公开救助政策和申请流程。"},
        ("社会救助信息公开与个人信息保护的平衡还需加强", "规范社会救助对象信息公开内容，严格做好身份证号码等个人信息的去标识化处理"),
        {2021: "一是开展社会救助领域政务公开专项检查，督促各乡镇及时公开救助对象信息。二是公开养老机构名录和服务收费标准，方便群众选择。",
         2022: "一是会同各乡镇指导村务公开试点村规范公开村级事务。二是公开社会组织年检结果和活动异常名录，引导社会组织规范发展。"},
        {2021: (5, 6), 2022: (6, 4)}),
    "hongsibu-finance-bureau": Profile(
        "财政预决算、政府债务和惠企惠民资金等财政信息", "政府预决算、部门预决算、“三公”经费、政府债务、惠民惠农补贴",
        "红寺堡区政务新媒体矩阵", {2021: 158, 2022: 173},
        {2021: "按规定时限公开区级政府预决算和部门预决算，督促全区预算单位在统一平台集中公开。",
         2022: "公开政府债务限额、余额和使用情况，及时公开直达资金分配和惠企补贴发放信息。"},
        ("部分预算单位预决算公开说明不够细化，群众看不懂的问题仍然存在", "加强对预算单位预决算公开的指导，细化公开说明，增强预决算信息的可读性"),
        {2021: "一是开展预决算公开专项检查，对公开不及时、不完整的问题督促整改。二是公开政府采购意向，提高政府采购透明度。",
         2022: "一是推进惠民惠农财政补贴资金“一卡通”信息公开，公开补贴政策和发放情况。二是公开减税降费政策落实情况，助力市场主体纾困发展。"},
        {2021: (7, 5), 2022: (6, 6)}),
    "hongsibu-hrss-bureau": Profile(
        "就业创业、社会保险、劳动关系和人事人才", "就业创业政策、社会保险、劳动保障监察、事业单位公开招聘、职称评审",
        "“红寺堡人社”微信公众号", {2021: 297, 2022: 322},
        {2021: "及时公开稳就业政策、职业技能培训补贴和事业单位公开招聘信息，全程公开招聘结果。",
         2022: "公开拖欠农民工工资失信联合惩戒对象名单和重大劳动保障违法行为，强化社会监督。"},
        ("政策解读的通俗性不够，群众对社会保险政策的知晓度还不高", "采取“政策进村入户”等方式宣传就业和社会保险政策，提高政策知晓度"),
        {2021: "一是开展“人社政策宣传月”活动，深入乡镇、企业发放政策宣传资料。二是公开创业担保贷款申请条件和办理流程，方便群众办理。",
         2022: "一是推进社会保险经办信息公开，公开待遇资格认证方式和办理渠道。二是公开根治欠薪工作举措和投诉举报渠道，保障农民工合法权益。"},
        {2021: (8, 6), 2022: (9, 7)}),
    "hongsibu-natural-resources-bureau": Profile(
        "国土空间规划、土地征收、不动产登记和矿产资源管理", "国土空间规划、土地征收、建设用地审批、不动产登记、矿业权出让",
        "红寺堡区政务新媒体矩阵", {2021: 386, 2022: 412},
        {2021: "按照征地信息公开要求，及时公开征收土地预公告、补偿安置方案和征收土地公告。",
         2022: "公开国土空间总体规划编制进展，并通过门户网站公开征求社会公众意见。"},
        ("征地补偿、规划调整等群众关注度高的信息解读不够深入", "对征地补偿、规划调整等事项同步开展政策解读，及时回应群众关切"),
        {2021: "一是推进不动产登记信息公开，公开办事指南、收费标准和办理时限。二是公开土地出让计划和出让结果，接受社会监督。",
         2022: "一是推行不动产登记“一窗受理”，公开办理进度查询渠道。二是公开耕地保护和违法用地查处情况，强化社会监督。"},
        {2021: (10, 8), 2022: (12, 7)}),
    "hongsibu-eco-env-branch": Profile(
        "环境质量、环境监管执法和建设项目环境影响评价", "环境质量状况、建设项目环评审批、环境监管执法、突发环境事件应对",
        "红寺堡区政务新媒体矩阵", {2021: 147, 2022: 168},
        {2021: "按月公开空气质量状况，及时公开建设项目环境影响评价受理、拟审批和审批结果信息。",
         2022: "公开中央生态环境保护督察反馈问题整改进展情况，接受社会监督。"},
        ("企业环境信息依法披露的指导和督促还不够", "督促重点排污单位依法披露环境信息，并将披露情况纳入日常监管"),
        {2021: "一是开展环保设施向公众开放活动，邀请群众代表参观污水处理设施。二是公开环境违法行为举报渠道，及时办理群众举报。",
         2022: "一是开展“六五”环境日宣传活动，发放生态环境保护宣传资料。二是公开重点排污单位名录，推动企业落实环境保护主体责任。"},
        {2021: (3, 4), 2022: (4, 5)}),
    "hongsibu-housing-transport-bureau": Profile(
        "住房保障、城市建设、交通运输和工程建设项目审批", "保障性住房、老旧小区改造、建筑市场监管、城乡道路建设、道路运输管理",
        "“红寺堡住建交通”微信公众号", {2021: 344, 2022: 371},
        {2021: "公开公租房分配、老旧小区改造计划和实施进度，及时公布保障对象名单。",
         2022: "公开工程建设项目审批办事指南和审批结果，推进农村公路建设项目信息全过程公开。"},
        ("工程建设项目全过程信息公开还有短板，部分项目施工管理信息公开不及时", "按照标准目录做好工程建设项目全流程信息公开，明确各环节公开时限"),
        {2021: "一是开展住房保障信息公开专项检查，督促公开分配过程和结果。二是公开城市道路建设和占道施工信息，方便群众出行。",
         2022: "一是在公租房小区设置公开栏，公开租金标准和物业服务信息。二是公开农村客运班线和公交线路调整信息，回应群众出行需求。"},
        {2021: (11, 9), 2022: (13, 8)}),
    "hongsibu-agriculture-bureau": Profile(
        "乡村振兴、强农惠农政策和农产品质量安全", "农业补贴、高标准农田建设、动物防疫、农产品质量安全、农村集体产权制度改革",
        "红寺堡区政务新媒体矩阵", {2021: 213, 2022: 241},
        {2021: "公开耕地地力保护补贴、农机购置补贴政策和补贴发放情况，确保惠农资金公开透明。",
         2022: "公开高标准农田建设项目计划、建设内容和资金安排，在项目实施地设立公示牌。"},
        ("涉农信息公开向村一级延伸不够，部分惠农政策在村级公开不充分", "指导各乡镇在村务公开栏公开惠农补贴信息，推动涉农信息公开到村到户"),
        {2021: "一是组织农技人员开展“科技下乡”活动，宣传强农惠农政策。二是公开农产品质量安全抽检结果，保障群众“舌尖上的安全”。",
         2022: "一是配合开展村务公开试点工作，指导试点村公开村集体经济收支情况。二是公开葡萄酒、黄花菜等特色产业扶持政策，助力产业发展。"},
        {2021: (9, 6), 2022: (8, 7)}),
    "hongsibu-health-bureau": Profile(
        "医疗卫生服务、公共卫生和疫情防控", "医疗机构信息、基本公共卫生服务、疫情防控、卫生监督执法、计划生育奖励扶助",
        "“红寺堡卫健”微信公众号", {2021: 402, 2022: 448},
        {2021: "及时发布疫情防控通告和疫苗接种安排，回应群众关切。",
         2022: "公开家庭医生签约服务、基本公共卫生服务项目和医疗机构执业信息。"},
        ("卫生健康领域政策解读的针对性不强，群众关心的就医问题回应不够", "围绕群众就医关切开展政策解读，提高解读的针对性"),
        {2021: "一是规范疫情防控信息发布程序，做到权威发布、及时准确。二是公开计划生育奖励扶助对象和资金发放情况。",
         2022: "一是指导各医疗机构公开服务价格、就医指南和投诉渠道。二是公开卫生监督抽检结果，接受社会监督。"},
        {2021: (7, 8), 2022: (8, 9)}),
    "hongsibu-market-regulation-bureau": Profile(
        "市场主体准入、食品药品安全和市场监管执法", "市场主体登记、食品安全抽检、“双随机、一公开”监管、特种设备安全、消费维权",
        "“红寺堡市场监管”微信公众号", {2021: 356, 2022: 389},
        {2021: "按季度公开食品安全监督抽检结果，及时公开“双随机、一公开”抽查计划和抽查结果。",
         2022: "公开涉企经营许可事项改革清单，推行市场主体登记“全程网办”。"},
        ("行政处罚信息公开的时效性有待提高", "严格在法定期限内公开行政处罚决定，定期开展公开情况自查"),
        {2021: "一是开展“3·15”国际消费者权益日宣传活动，公开消费维权典型案例。二是公开特种设备安全监督检查结果，督促企业整改隐患。",
         2022: "一是公开消费投诉处理情况，及时发布消费警示。二是公开个体工商户扶持政策，助力市场主体纾困发展。"},
        {2021: (6, 5), 2022: (7, 5)}),
    "hongsibu-town-gov": Profile(
        "乡村振兴、民生保障和基层治理", "惠民惠农补贴、低保和特困供养、村务财务、乡村建设项目",
        "“红寺堡镇”微信公众号", {2021: 126, 2022: 139},
        {2021: "在各村（社区）公开栏公开惠民惠农补贴发放、低保评审和村级财务收支情况。",
         2022: "指导中圈塘村等试点村开展村务公开试点，规范公开村级事务。"},
        ("村级公开栏更新不及时，公开内容不够规范", "建立村级公开栏定期更新制度，由镇政府定期检查村务公开情况"),
        {2021: "一是开展“政策进村庄”宣讲活动，向群众讲解惠民政策。二是规范便民服务中心办事公开，公开办事事项清单和办事指南。",
         2022: "一是配合区人民政府办公室完成村务公开试点，通过村务公开小程序公开村务信息。二是公开人居环境整治项目和资金使用情况。"},
        {2021: (2, 3), 2022: (3, 2)}),
    "taiyangshan-town-gov": Profile(
        "产业发展、移民安置和民生保障", "惠民惠农补贴、移民后续扶持、农村危房改造、村级事务",
        "红寺堡区政务新媒体矩阵", {2021: 104, 2022: 118},
        {2021: "公开移民后续扶持项目资金安排和实施情况，接受群众监督。",
         2022: "公开农村人居环境整治和乡村建设项目信息，做到项目、资金、进度全程公开。"},
        ("工作人员身兼多职，政务公开工作精力投入不足", "明确政务公开专职工作人员，保持工作队伍相对稳定"),
        {2021: "一是组织开展“政府开放日”活动，邀请群众代表参与镇政府工作。二是公开农村危房改造对象评定结果，接受群众监督。",
         2022: "一是规范便民服务中心办事公开，公开办事事项清单和办事指南。二是公开村级组织运转经费和村干部报酬发放情况。"},
        {2021: (2, 2), 2022: (2, 3)}),
}

# Sentence pools; an agency and year pick from them by position, so neighbours and years read differently.
INTRO = (
    "坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》和区委、区政府关于政务公开工作的部署要求",
    "深入贯彻落实《中华人民共和国政府信息公开条例》，按照自治区、吴忠市和红寺堡区政务公开工作要点安排",
    "严格执行《中华人民共和国政府信息公开条例》，把政务公开作为建设法治政府、服务型政府的重要抓手",
)
CLOSING = ("不断加大信息公开力度，政府信息公开工作取得新成效", "推动政务公开工作提质增效",
           "持续提升政务公开标准化规范化水平", "切实保障人民群众的知情权、参与权、表达权和监督权")
MANAGEMENT = (
    "严格落实政府信息公开属性源头认定和“先审后发、不审不发”制度，对拟公开信息逐条进行保密审查，全年未发生失泄密事件。",
    "建立政府信息公开工作台账，动态更新政府信息公开指南和目录，对过期失效的信息及时作出标注。",
    "对照基层政务公开标准目录，逐项梳理本单位公开事项的公开内容、公开依据、公开时限和公开渠道。",
    "落实行政规范性文件统一登记、统一编号、统一公开制度，做到应公开尽公开。",
    "规范依申请公开办理流程，实行登记、审核、答复、归档全流程管理，答复文书统一使用标准格式。",
    "明确信息公开审核责任人，坚持“谁公开、谁审查、谁负责”，确保公开信息准确无误。",
)
PLATFORM = (
    "依托红寺堡区人民政府门户网站政府信息公开专栏，及时更新机构职能、政策文件、财政预决算等栏目内容，确保栏目无空白、内容不过期。",
    "发挥政务新媒体传播快、覆盖广的优势，通过{media}发布政策信息和工作动态，与门户网站形成信息发布合力。",
    "在办公场所设置政务公开查阅点，摆放政策宣传资料，方便群众就近查阅政府信息。",
    "按照政府网站集约化建设要求，优化信息公开专栏栏目设置，做到信息分类清晰、检索便捷。",
    "开展政务新媒体常态化自查，对账号更新频率、留言回复情况进行检查，杜绝“僵尸号”“睡眠号”。",
)
SUPERVISION = (
    "调整充实政务公开工作领导小组，明确分管领导和专职工作人员，形成主要领导亲自抓、分管领导具体抓、专人负责落实的工作格局。",
    "将政务公开业务纳入干部学习培训内容，采取以会代训、专题学习等方式提升工作人员业务能力。",
    "将政务公开工作纳入单位年度目标责任考核，定期开展自查自纠，对发现的问题建立台账、限期整改。",
    "主动接受社会监督，在门户网站公布监督电话和电子邮箱，及时回应群众对公开工作的意见建议。",
    "积极参加区政务公开办组织的业务培训，按要求报送政务公开工作信息，按时完成年度报告编制发布工作。",
)
PROBLEMS = (  # (problem, remedy)
    ("政务公开工作人员多为兼职，业务培训不够系统，对《中华人民共和国政府信息公开条例》的理解把握还不够精准",
     "加强业务培训，通过以会代训、跟班学习等方式，提升工作人员依法公开的能力"),
    ("政策解读形式较为单一，图解、视频等群众喜闻乐见的解读方式运用不多",
     "丰富政策解读形式，综合运用图文、音视频、问答等方式，增强解读的针对性和可读性"),
    ("主动公开信息的及时性有待提高，个别栏目更新不够及时", "健全信息发布工作机制，明确各股室信息报送责任和时限，确保栏目内容及时更新"),
    ("依申请公开答复的规范化水平还需提升，个别答复文书说理不够充分", "严格执行法定答复时限，加强答复文书合法性审查，做到答复依据充分、说理清楚"),
    ("政民互动回应不够及时，对群众关切的热点问题回应深度不够", "拓宽政民互动渠道，对群众关注的热点问题及时发布权威信息、作出回应"),
    ("对照基层政务公开标准目录梳理公开事项还不够细致，部分事项公开要素不全", "对照基层政务公开标准目录逐项查漏补缺，完善公开要素，推进公开事项标准化"),
)
S5_OPEN = ("取得了一定成效，但对照上级要求和群众期盼，仍存在一些不足", "稳步推进，但仍存在一些问题和薄弱环节",
           "虽有新的进展，但与新形势新要求相比还有差距")
PROGRESS = (
    "通过集中培训和跟班学习，工作人员业务能力和信息发布质量有了明显提升",
    "通过建立信息报送台账和定期通报制度，栏目内容更新的及时性明显提高",
    "通过增加图解、短视频等解读方式，政策解读形式进一步丰富，解读质量有所提升",
    "通过规范答复文书模板和办理流程，依申请公开答复的规范化水平有所提升",
)
KEY_TASKS = (  # third and fourth points for section 六 (二)
    "做好政策解读工作，对本单位印发的重要政策文件同步开展解读，解读形式包括图文解读、新闻发布和答记者问等。",
    "做好政务舆情回应，对涉及本单位职责的群众关切及时发布权威信息，全年未发生重大负面舆情。",
    "按照国家统一格式编制政府信息公开工作年度报告，认真核对各项统计数据，按时在门户网站发布。",
    "开展政务公开进社区、进村组活动，通过政策宣讲、现场咨询等方式，让群众及时了解惠民政策。",
    "完善政府信息公开指南，公开申请渠道、办理流程和答复时限，方便群众依法申请。",
)
FEES = ("未收取信息处理费，也未发生因申请人逾期未缴纳费用而不再处理的情形",
        "严格执行《政府信息公开信息处理费管理办法》，未向申请人收取信息处理费", "未发生收取信息处理费的情形")
MOTIONS_DONE = (
    "办理过程中通过座谈、电话等方式与代表委员充分沟通，办理结果已按规定在门户网站公开",
    "对涉及公共利益和群众切身利益的办理复文，答复全文已在门户网站公开",
    "办理前主动与代表委员沟通，办理后及时回访，代表、委员对办理结果均表示满意",
)


def pick(pool: tuple, i: int, year: int, k: int = 0) -> str:
    """Item k of agency i's picks from `pool` in `year`: consecutive k differ, and so do the two years."""
    return pool[(i + 2 * (year - YEARS[0]) + k) % len(pool)]


def _count(n: int) -> str:
    return f"{n}件"


def s1_text(i: int, a: tuple, p: Profile, year: int, s2: dict, s3: dict, s4: dict) -> str:
    aid, name = a[0], a[1]
    aspect = "方面" if i % 2 == 0 else "情况"
    intro = f"{year}年，{name}{pick(INTRO, i, year)}，围绕{p.focus}，{pick(CLOSING, i, year)}。"

    active = [f"（一）主动公开{aspect}。全年通过红寺堡区人民政府门户网站和{p.media}主动公开政府信息{p.published[year]}条，"
              f"内容涵盖{p.topics}等方面。{p.highlight[year]}"]
    issued, repealed, in_force = (s2[f"normative_{c}"] for c in ("issued", "repealed", "in_force"))
    if aid == RULE7_RECOUNT and year == YEARS[1]:
        active.append(f"全年制发行政规范性文件{issued}件、废止{repealed}件，经清理重新核定现行有效行政规范性文件{in_force}件。")
    elif issued:
        repealed_text = f"、废止{repealed}件" if repealed else ""
        active.append(f"全年制发行政规范性文件{issued}件{repealed_text}，截至年底现行有效行政规范性文件{in_force}件。")
    elif repealed:
        active.append(f"全年未制发行政规范性文件，废止{repealed}件，截至年底现行有效行政规范性文件{in_force}件。")
    elif in_force:
        active.append(f"截至年底，现行有效行政规范性文件{in_force}件。")
    decisions = [f"{label}决定{s2[cell]}件" for label, cell in
                 (("行政许可", "license_decisions"), ("行政处罚", "penalty_decisions"),
                  ("行政强制", "enforcement_decisions")) if s2[cell]]
    if decisions:
        active.append(f"依法公开{'、'.join(decisions)}。")
    if s2["fees_amount"]:
        active.append(f"全年行政事业性收费{s2['fees_amount']:.2f}万元，收费项目、依据和标准均已公示。")

    total = {r: s3[r, "total"] for r in fmt.S3_ROWS}
    new, carried, done, left = total["1"], total["2"], total["3.7"], total["4"]
    if (aid, year) == MISQUOTE[:2]:
        requests = [f"全年共受理政府信息公开申请{MISQUOTE[2]}件，均在法定期限内予以答复"]
    else:
        rate = done / (new + carried) * 100
        requests = [f"全年共受理政府信息公开申请{new}件"]
        requests += [f"上年结转{carried}件"] if carried else []
        requests += [f"办结{done}件"] + ([f"结转下年度继续办理{left}件"] if left else [])
        requests += ["办结率100%" if rate == 100 else f"办结率{rate:.1f}%"]
    outcomes = [f"{g.label[3:].split('（')[0]}{_count(sum(total[n.code] for n in g.leaves()))}"
                for g in fmt.S3_OUTCOME_GROUPS if any(total[n.code] for n in g.leaves())]
    text = [f"（二）依申请公开{aspect}。" + "，".join(requests) + "。从办理结果看，" + "，".join(outcomes) + "。"]
    refused = sorted((n for n in fmt.S3_OUTCOME_GROUPS[2].children if total[n.code]), key=lambda n: -total[n.code])
    if refused:
        text.append(f"不予公开的申请主要涉及{'、'.join(n.label.split('.', 1)[1] for n in refused[:2])}等情形。")
    orgs = sum(s3["1", c] for c in fmt.S3_APPLICANT_COLUMNS[1:])
    if orgs:
        text.append(f"申请人中，自然人{s3['1', 'natural']}件，法人或其他组织{orgs}件。")
    review, suits = s4["review_total"], s4["direct_total"] + s4["after_review_total"]
    corrected = sum(s4[f"{g}_corrected"] for g in fmt.S4_GROUPS)
    pending = sum(s4[f"{g}_pending"] for g in fmt.S4_GROUPS)
    if not review and not suits:
        text.append("全年未发生因政府信息公开引起的行政复议、行政诉讼案件。")
    else:
        cases = "、".join(x for x in (f"行政复议{review}件" if review else "", f"行政诉讼{suits}件" if suits else "") if x)
        text.append(f"全年发生政府信息公开{cases}" + (f"，其中结果纠正{corrected}件" if corrected else "")
                    + (f"，尚未审结{pending}件" if pending else "") + "。")
        if corrected:
            text.append("对被纠正的案件，逐案分析原因，进一步规范了答复程序和答复文书。")

    def two(pool: tuple, k: int) -> str:
        return f"一是{pick(pool, i, year, k)}二是{pick(pool, i, year, k + 1)}".format(media=p.media)

    return "\n\n".join((
        intro, "".join(active), "".join(text),
        f"（三）政府信息管理{aspect}。" + two(MANAGEMENT, 0),
        f"（四）平台建设{aspect}。" + two(PLATFORM, 1),
        f"（五）监督保障{aspect}。" + two(SUPERVISION, 2),
    ))


def s5_text(i: int, a: tuple, p: Profile, year: int) -> str:
    name = a[1]
    (p1, r1), (p2, r2) = pick(PROBLEMS, i, year), pick(PROBLEMS, i, year, 1)
    own_problem, own_remedy = p.problem
    return "\n\n".join((
        f"{year}年，{name}政府信息公开工作{pick(S5_OPEN, i, year)}，主要表现为：一是{p1}；二是{own_problem}；三是{p2}。",
        f"对上一年度报告中提出的问题，已逐项制定整改措施并推动落实，{pick(PROGRESS, i, year)}。",
        f"{year + 1}年，{name}将重点做好以下工作：一是{r1}；二是{own_remedy}；三是{r2}。",
    ))


def s6_text(i: int, a: tuple, p: Profile, year: int) -> str:
    name = a[1]
    proposals, motions = p.motions[year]
    return "\n\n".join((
        f"（一）人大代表建议和政协提案办理情况。{year}年，{name}共承办人大代表建议{proposals}件、政协提案{motions}件，"
        f"均在规定时限内办结，{pick(MOTIONS_DONE, i, year)}。",
        f"（二）{year}年政务公开工作要点落实情况。{p.points[year]}三是{pick(KEY_TASKS, i, year)}四是{pick(KEY_TASKS, i, year, 1)}",
        f"（三）信息处理费收取情况。{year}年，{name}在办理政府信息公开申请中，{pick(FEES, i, year)}。",
    ))


# The seed report (红寺堡区人民政府办公室, 2022), as published: PDF-extraction artifacts repaired only.
SEED_2022 = {
    "1": """2022年，红寺堡区人民政府办公室认真落实《中华人民共和国政府信息公开条例》，持续加大公开力度，有序增加公开深度，有效提升公开精度，全面提升红寺堡区人民政府信息公开工作规范提标、升级提速。

（一）主动公开方面。政府信息公开全面及时，全年通过各类平台公开信息2364条，其中，政府门户网站623条（新闻类351条，区政府办文件20条，政策公开讲20条，重大会议信息17条，其他领域信息215条），微信公众号1629条，微博112条。

（二）依申请公开方面。严格执行政府信息公开申请工作流程，指导相关单位遵照标准答复格式和答复用语及时答复，切实保障群众依法获取政府信息的权利。全年受理政府信息公开申请5件，办结5件，办结率100%，全部依法依规答复，无因政府信息公开申请引起的行政复议、行政诉讼案件。

（三）政府信息管理方面。一是严格落实信息发布审查制度。加强政府网站和政务新媒体内容管理，坚持24小时读网，紧抓源头找错纠错，确保信息发布内容准确、导向正确。二是加强政府信息日常自查力度。利用政府门户网站、政务新媒体信息服务保障软件开展自查自纠工作，对发布内容、平台安全等方面存在问题仔细查找并及时甄别整改。三是提升政府公报审编标准。按照“内容全覆盖、编校零差错、赠阅零延误”要求，全年出刊4期，编校5.2万字，免费赠阅600余本，坚持线下线上同步发行，确保各项政策及时传达。

（四）平台建设方面。一是优化政府门户网站功能设置。提供无障碍阅读、适老化应用等特殊功能，适配不同公众需求。新增“政策公开讲”“惠企政策专区”等栏目，为群众、企业提供更为便捷的信息查找渠道。二是常态开展网络工作群清理。切实清除“指尖形式主义”，对已摸排出的572个网络工作群进行清理整合，缩减了24.6%，有效杜绝“指尖泄密”。三是配合完成投诉建议入口对接。实现区长信箱、网上投诉与全区12345热线平台后端部门处办入口横向打通，各类投诉建议留言依托一个平台办理，及时回应群众关切的效率不断提高。四是持续完善政务公开专区建设。严格落实自治区政务公开专区标识建设标准，在现有基础上打造功能更齐全、设备更完善、环境更温馨舒适的政务公开专区。

（五）监督保障方面。一是加强队伍建设。结合实际，探索建立跟班学习制度，组织40名政务公开专干在区政务公开办公室参加为期3天的跟班学习，不断提升业务能力。二是扩大公众参与。公开选聘政务公开义务监督员22名，组织参加“政府开放日”活动，让公众靠近机关，了解政府运行，监督政府工作，推动政府开放。三是强化监督考核。制定政务公开考核细则，将政务公开工作列入年度效能目标考核范围，着力推动各项工作落实。""",
    "5": """2022年，红寺堡区人民政府办公室政府信息公开工作虽然取得了一定成效，但与自治区的要求和广大人民群众的期盼相比，仍存在一些问题和不足，主要表现为：一是政务公开工作人员流动性大，业务能力有待加强；二是政策解读形式不够多元化，解读形式有待创新；三是信息发布审核程序还需优化。

2023年，红寺堡区人民政府办公室将从以下三个方面进行改进：一是不定期举办跟班学习培训，对业务薄弱的政务公开工作人员加强培训，不断夯实政务公开队伍业务基础，提升业务能力；二是探索重要政策多元解读，加大视频解读力度，探索动漫、场景演示、专家访谈会等可视、可读、可感的解读形式；三是坚持“先审后发、不审不发”原则，信息发布后及时根据预警信息审看找错，第一时间消除错发漏发。""",
    "6": """（一）2022年政务公开工作要点落实情况。一是深化重点领域信息公开。制定《吴忠市红寺堡区人民政府办公室关于印发红寺堡区2022年政务公开工作要点的通知》（红政办发〔2022〕35号），分别确定由政府各工作部门负责涉及市场主体、减税降费、扩大投资、疫情防控等信息公开。大力开展“政策进村庄”“政策进园区”活动，以现场你问我答、集中宣讲、现场直播的方式为群众、企业讲解政策并发放宣传手册，让各项政策进入千家万户。累计发放医保、民政、住房交通、惠企政策汇编等政策明白包、宣传扇子、围裙、针线盒、腰围尺、抱枕、口罩等各类宣传资料85万余份，实现了“群众走进机关”向“政策走近群众”的转变。二是制定《吴忠市红寺堡区人民政府办公室关于印发红寺堡区深入开展“政务公开系列活动”实施方案的通知》（红政办发〔2022〕64号），指导政府各工作部门开展形式多样、贴近群众、企业生产生活的“政府开放日”活动25场次，开展“政策公开讲”20次，选择田间地头、产业园区、建设现场等作为讲解地点，紧扣群众关心、企业关注和社会关切的重大政策，以情景剧方式“演”着讲，让观众在听懂政策同时更直观了解红寺堡区经济、社会、文化发展。同时联动红寺堡区政务新媒体矩阵广泛发布、集中转载，浏览量、播放量累计达40万余次。三是做好村务公开试点工作。确定红寺堡区中圈塘村、周圈村、香园村、白墩村、红塔村为村务公开试点村，按照“编目录、建平台、上信息、组织验收”的原则会同民政局、农业农村局、各乡镇共同抓好试点工作，已通过村务公开小程序向群众公开村务信息5308条。

（二）信息处理费收取情况。2022年，红寺堡区人民政府办公室在办理政府信息公开申请中，未收取信息处理费。""",
}


# ---------------------------------------------------------------- files
def _write_csv(path: Path, header: tuple, rows: list) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _cell(cell: str, value) -> str:
    return f"{value:.2f}" if cell in fmt.S2_AMOUNT_CELLS else str(value)


def _rule_making(level: str) -> str:
    """agencies.csv's rule_making cell, written out (是/否) as the level implies."""
    return {v: k for k, v in fmt.RULE_MAKING.items()}[level in fmt.RULE_MAKING_LEVELS]


def _group(level: str) -> str:
    return TOWN_GROUP if level == "乡镇政府" else DEPARTMENT_GROUP


def region_texts(year: int) -> dict[str, str]:
    """The region's own narrative (region/s1.md, s5.md, s6.md) for `year`."""
    return {
        "1": f"{year}年，红寺堡区深入贯彻落实《中华人民共和国政府信息公开条例》，全区各部门、各乡镇坚持"
             "以公开为常态、不公开为例外，围绕区委、区政府中心工作，扎实推进主动公开、依申请公开和政策解读。"
             "\n\n区政府办公室统筹全区政务公开工作，定期通报各单位政府网站信息更新情况，"
             "组织开展政务公开业务培训。",
        "5": f"{year}年，全区政府信息公开工作仍存在公开内容不够全面、政策解读形式较为单一等问题。"
             "下一步，将加强统筹指导和考核评估，推动各单位提高公开质量。",
        "6": f"{year}年，全区各单位按照《政府信息公开信息处理费管理办法》执行，信息处理费收取情况见各单位年度报告。"
             "全区按要求落实人大代表建议和政协提案办理结果公开工作。",
    }


def write(out: Path, agencies: tuple[str, ...] | None = None) -> None:
    """Write every sample year under `out`, with the `agencies` given by id (default: all of them)."""
    numbers = tables()
    chosen = tuple(a for a in AGENCIES if agencies is None or a[0] in agencies)
    for year in YEARS:
        folder = out / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        _write_csv(folder / "agencies.csv", (*AGENCY_COLUMNS, *AGENCY_OPTIONAL_COLUMNS),
                   [(aid, name, full, level, *PORTAL, address, POSTCODE, phone, fax, email, _rule_making(level),
                     _group(level)) for aid, name, full, level, address, phone, fax, email in chosen])
        if agencies is None:  # the whole sample: the region's report sums all of it
            _write_region(folder, year)
        data = numbers[year]
        _write_csv(folder / "section2.csv", ("agency_id", *fmt.S2_CELLS),
                   [(a[0], *(_cell(c, data[a[0]][0][c]) for c in fmt.S2_CELLS)) for a in chosen])
        _write_csv(folder / "section3.csv", ("agency_id", "row", *fmt.S3_COLUMNS),
                   [(a[0], r, *(data[a[0]][1][r, c] for c in fmt.S3_COLUMNS)) for a in chosen for r in fmt.S3_ROWS])
        _write_csv(folder / "section4.csv", ("agency_id", *fmt.S4_CELLS),
                   [(a[0], *(data[a[0]][2][c] for c in fmt.S4_CELLS)) for a in chosen])
        for a in chosen:
            i = AGENCIES.index(a)  # a narrative's wording depends on the agency's place in the full sample
            p = PROFILES[a[0]]
            texts = SEED_2022 if (a[0], year) == (SEED, 2022) else {
                "1": s1_text(i, a, p, year, *data[a[0]]), "5": s5_text(i, a, p, year), "6": s6_text(i, a, p, year)}
            narrative = folder / "narrative" / a[0]
            narrative.mkdir(parents=True, exist_ok=True)
            for section, text in texts.items():
                (narrative / f"s{section}.md").write_text(text + "\n", encoding="utf-8")


def _write_region(folder: Path, year: int) -> None:
    aid, name, full, level, address, phone, fax, email = REGION
    _write_csv(folder / REGION_FILE, (*AGENCY_COLUMNS, *AGENCY_OPTIONAL_COLUMNS),
               [(aid, name, full, level, *PORTAL, address, POSTCODE, phone, fax, email, _rule_making(level), "")])
    narrative = folder / REGION_NARRATIVE
    narrative.mkdir(exist_ok=True)
    for section, text in region_texts(year).items():
        (narrative / f"s{section}.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    from .project import project_root

    write(Path(sys.argv[1]) if len(sys.argv) > 1 else project_root() / "data")
