"""The computed narrative: Chinese title, preamble, key figures and sentences from one agency's (or one
region's summed) data."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from . import format as fmt
from .dataset import Agency, AgencyData

_GROUPS = {g.code: g for g in fmt.S3_OUTCOME_GROUPS}  # （一）…（六） by row code
_REASON_GROUPS = ("3.3", "3.4")  # 不予公开, 无法提供: their leaf rows are the reasons
_ORG_COLUMNS = tuple(leaf.code for n in fmt.S3_COLUMN_TREE if n.children for leaf in n.leaves())  # 法人或其他组织


def title(agency: Agency, year: int, form: str = fmt.TITLE_FORMS[0]) -> str:
    """The report title; `form` is how the year is written, one of format.TITLE_FORMS (published reports use
    both): 红寺堡区人民政府办公室2022年政府信息公开工作年度报告 · …2022年度政府信息公开工作年度报告."""
    if form not in fmt.TITLE_FORMS:
        raise ValueError(f"title form {form!r}: expected one of {', '.join(map(repr, fmt.TITLE_FORMS))}")
    return fmt.TITLE.format(name=agency.name, year=year, form=form)


# The preamble's contact details, in the order published reports print them (blank ones are left out).
CONTACT_FIELDS = (("address", "地址"), ("postcode", "邮编"), ("phone", "电话"), ("fax", "传真"), ("email", "电子邮箱"))


def preamble(agency: Agency, year: int, form: str = fmt.TITLE_FORMS[0]) -> str:
    """The opening paragraph: legal basis, statistical period, where to read the report, contact details.
    What the agency left blank is left out, and a clause with nothing known is dropped whole."""
    clauses = [c for c in (_where(agency), _contact(agency)) if c]
    return (
        "根据《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开办公室关于印发"
        "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，"
        f"现发布《{title(agency, year, form)}》，本报告统计数据从{year}年1月1日至12月31日。"
        + (f"{'，'.join(clauses)}。" if clauses else "")
    )


def _where(agency: Agency) -> str | None:
    """…均可在红寺堡区人民政府门户网站（www.hongsibu.gov.cn）查阅或下载, with what is known of the website."""
    name, url = agency.website_name, agency.website_url
    site = f"{name}（{url}）" if name and url else name or url
    return f"本报告电子版及更多政府信息均可在{site}查阅或下载" if site else None


def _contact(agency: Agency) -> str | None:
    """如有疑问或意见建议，请直接与…联系（地址：…；…）, with the details that are known; None if none is."""
    details = [f"{label}：{value}" for key, label in CONTACT_FIELDS if (value := getattr(agency, key))]
    if not details:
        return None
    return f"如有疑问或意见建议，请直接与{agency.full_name}联系（{'；'.join(details)}）"


def percent(part, whole) -> str:
    """part / whole as a percentage with one decimal, rounded half up, ".0" dropped: 2/5 → "40%", 1/3 → "33.3%"."""
    value = (Decimal(str(part)) * 100 / Decimal(str(whole))).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{_plain(value)}%"


AMOUNT_PLACES = Decimal("0.000001")  # published reports give 万元 to at most six decimals (0.000001万元 = 0.01元)


def wan(amount) -> str:
    """A fee in 万元 exactly as given, never in scientific notation, no trailing zeros: 24252.311082 →
    "24252.311082", 12.35 → "12.35", 1e-06 → "0.000001", 0 → "0". A float read from a decimal of up to 15
    significant digits prints back as that decimal (its shortest repr); a computed one is rounded to six places."""
    return _plain(Decimal(str(amount)).quantize(AMOUNT_PLACES, ROUND_HALF_UP))


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


# Below this many cases last year a change is told in cases, not as a percentage: on a base of 1, one case
# more is already 同比增长100%, and 1 → 7 would read 同比增长600%.
SMALL_BASE = 10


def yoy(cur_value, prev_value) -> str:
    """The year-over-year phrase for a count: 同比增长40% · 同比下降20% · 与上年持平 · 同比增加5件（上年为0件）,
    and on a base under SMALL_BASE the two counts: 由1件增至7件 · 由5件减至3件."""
    if cur_value == prev_value:
        return "与上年持平"
    if prev_value == 0:
        return f"同比增加{wan(cur_value)}件（上年为0件）"
    if prev_value < SMALL_BASE:
        return f"由{wan(prev_value)}件{'增至' if cur_value > prev_value else '减至'}{wan(cur_value)}件"
    if cur_value > prev_value:
        return f"同比增长{percent(cur_value - prev_value, prev_value)}"
    return f"同比下降{percent(prev_value - cur_value, prev_value)}"


def paragraphs(text: str) -> list[str]:
    """An agency's narrative text split into paragraphs at blank lines (stripped, empty ones dropped)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def text_sentences(text: str) -> list[str]:
    """An agency's narrative text as sentences (split after 。！？；), paragraph by paragraph."""
    return [s for p in paragraphs(text) for s in re.split(r"(?<=[。！？；])", p) if s.strip()]


def _group_total(a: AgencyData, code: str) -> int:
    return int(sum(a.s3.loc[n.code, "total"] for n in _GROUPS[code].leaves()))


# figures() of the outcome groups （一）…（六）, by row code
OUTCOMES = {"3.1": "disclosed", "3.2": "partial", "3.3": "refused", "3.4": "unable", "3.5": "unprocessed",
            "3.6": "other"}


def figures(cur: AgencyData) -> dict:
    """The key numbers of sections 二–四 as plain ints/floats (JSON-serialisable), computed here only: the
    sentences, the charts, the results and the index page all tell these."""
    total = cur.s3["total"]
    received, carried, concluded = int(total["1"]), int(total["2"]), int(total["3.7"])
    denominator = received + carried
    s4 = cur.s4
    return {
        "received": received,
        "carried_over": carried,
        "concluded": concluded,
        "completion_rate": concluded / denominator if denominator else None,
        **{key: _group_total(cur, code) for code, key in OUTCOMES.items()},
        "carried_forward": int(total["4"]),
        "reviews": int(s4["review_total"]),
        "reviews_corrected": int(s4["review_corrected"]),
        "suits": int(s4["direct_total"] + s4["after_review_total"]),
        "suits_corrected": int(s4["direct_corrected"] + s4["after_review_corrected"]),
        "legal_person_applications": int(sum(cur.s3.loc["1", c] for c in _ORG_COLUMNS)),
        "fees": float(cur.s2["fees_amount"]),
    }


def _short(label: str) -> str:
    """A row label without its numbering and its parenthetical note: （二）部分公开（区分…） → 部分公开."""
    return re.sub(r"^(（[一二三四五六七八九十]+）|\d+\.)|（[^）]*）$", "", label)


AGENCY_SUBJECT = "本机关"  # who the sentences of an agency's report speak for
# A region's report speaks for the whole region, named by the last character of its name: 红寺堡区 → 全区.
REGION_SUBJECTS = {"区": "全区", "市": "全市", "县": "全县", "州": "全州"}
OTHER_REGION_SUBJECT = "全辖区"  # a region named otherwise (…综合实验区 is a 区; …旗, …盟 are not listed)


def subject(agency: Agency, region: bool = False) -> str:
    """Who the computed sentences speak for: 本机关, or for a region 全区 / 全市 / 全县 / 全州 / 全辖区."""
    if not region:
        return AGENCY_SUBJECT
    return REGION_SUBJECTS.get(agency.name[-1:], OTHER_REGION_SUBJECT)


def _applications(f: dict, year: int, who: str) -> str:
    received, carried = f["received"], f["carried_over"]
    if received + carried == 0:
        return f"{year}年，{who}全年未收到政府信息公开申请，无上年结转申请。"
    opening = f"新收政府信息公开申请{received}件" if received else "全年未收到新的政府信息公开申请"
    rate = percent(f["concluded"], received + carried)
    return f"{year}年，{who}{opening}，上年结转{carried}件，办结{f['concluded']}件，办结率{rate}。"


def _shares(f: dict) -> str | None:
    concluded = f["concluded"]
    if not concluded:
        return None
    parts = [f"{_short(g.label)}{n}件（占{percent(n, concluded)}）"
             for g in fmt.S3_OUTCOME_GROUPS if (n := f[OUTCOMES[g.code]])]
    return f"办结的申请中，{'，'.join(parts)}。" if parts else None


TOP_REASONS = 2  # the reasons named as 主要原因, and every one tied with the last of them


def _reasons(a: AgencyData, who: str) -> str | None:
    rows = [n for g in _REASON_GROUPS for n in _GROUPS[g].leaves()]
    counts = sorted(((int(a.s3.loc[n.code, "total"]), n) for n in rows if a.s3.loc[n.code, "total"]),
                    key=lambda x: -x[0])  # stable: ties keep the format's order
    if not counts:
        return None
    last = counts[:TOP_REASONS][-1][0]
    counts = [(c, n) for c, n in counts if c >= last]
    groups = "和".join(_short(_GROUPS[g].label) for g in _REASON_GROUPS)
    reasons = "、".join(f"{_voiced(_short(n.label), who)}（{c}件）" for c, n in counts)
    return f"{groups}的主要原因为{reasons}。"


def _voiced(label: str, who: str) -> str:
    """A reason's label as `who` says it: 本机关不掌握相关政府信息 is, for a region, 不掌握相关政府信息."""
    return label if who == AGENCY_SUBJECT else label.replace(AGENCY_SUBJECT, "")


def _litigation(f: dict) -> str:
    if f["reviews"] == 0 and f["suits"] == 0:
        return "全年未发生因政府信息公开引起的行政复议、行政诉讼案件。"
    review, suit, corrected = fmt.S4_LABELS["review"], fmt.S4_LABELS["suit"], fmt.S4_LABELS["review_corrected"]
    return (f"全年因政府信息公开引起{review}{f['reviews']}件，其中{corrected}{f['reviews_corrected']}件；"
            f"{suit}{f['suits']}件，其中{corrected}{f['suits_corrected']}件。")


def _section2(a: AgencyData, who: str) -> str:
    s2 = a.s2
    docs = [f"制发{row.label}{int(s2[f'{row.code}_issued'])}件，废止{int(s2[f'{row.code}_repealed'])}件，"
            f"现行有效{int(s2[f'{row.code}_in_force'])}件"
            for row in fmt.S2_BLOCKS[0].rows  # 规章 only when the agency reports any (most have no rule-making power)
            if row.code == "normative" or any(s2[f"{row.code}_{c.code}"] for c in fmt.S2_BLOCKS[0].columns)]
    decisions = "、".join(f"{r.label}决定{int(s2[code])}件"
                          for b in fmt.S2_BLOCKS for code, r, c in b.cells() if c.code == "decisions")
    fees_label = fmt.S2_LABELS["fees_amount"][0]
    return f"{a.year}年，{who}{'；'.join(docs)}；作出{decisions}；收取{fees_label}{wan(s2['fees_amount'])}万元。"


def _changes(f: dict, p: dict) -> str:
    parts = [f"新收申请{yoy(f['received'], p['received'])}", f"办结申请{yoy(f['concluded'], p['concluded'])}"]
    parts += [f"{fmt.S4_LABELS[group]}{yoy(f[key], p[key])}"
              for key, group in (("reviews", "review"), ("suits", "suit")) if f[key] or p[key]]
    return f"{'，'.join(parts)}。"


def sentences(cur: AgencyData, prev: AgencyData | None = None, region: bool = False) -> list[str]:
    """The computed narrative, one full Chinese sentence per item (year-over-year changes when `prev` is given);
    `region`: in the voice of a region's report (subject)."""
    f = figures(cur)
    who = subject(cur.agency, region)
    out = [_applications(f, cur.year, who)]
    if f["received"] + f["carried_over"]:
        out += [s for s in (_shares(f), _reasons(cur, who)) if s]
        out.append(f"结转下年度继续办理{f['carried_forward']}件。")
    out += [_litigation(f), _section2(cur, who)]
    if prev is not None:
        out.append(_changes(f, figures(prev)))
    elif region:  # an agency new this year says nothing; a region without last year's data says so
        out.append(NO_COMPARISON)
    return out


NO_COMPARISON = "无上年数据，本年度不作同比比较。"
