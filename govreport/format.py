"""The national annual-report format (国办公开办函〔2021〕30号), declared once as data.

Every table, row and column has a stable ASCII code and its exact Chinese label. Loaders, checks,
HTML tables, narrative and charts read structure and labels from here; no label is typed elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field

TITLE = "{name}{year}{form}政府信息公开工作年度报告"
TITLE_FORMS = ("年", "年度")  # how titles write the year (2023年 · 2023年度); the first is the default

SECTION_TITLES = {
    "1": "一、总体情况",
    "2": "二、主动公开政府信息情况",
    "3": "三、收到和处理政府信息公开申请情况",
    "4": "四、政府信息公开行政复议、行政诉讼情况",
    "5": "五、存在的主要问题及改进情况",
    "6": "六、其他需要报告的事项",
}
NARRATIVE_SECTIONS = ("1", "5", "6")

# Agency levels: the usual ones, as examples. The level is open text (real issuers include 开发区管委会 and
# 综合实验区管委会); whether an agency may issue 规章 is agencies.csv's rule_making column (RULE_MAKING's
# words). A blank rule_making cell is derived from the level: only RULE_MAKING_LEVELS may, per 《立法法》.
LEVELS = ("国务院部门", "省级政府", "设区的市政府", "县级政府", "乡镇政府", "政府部门")
RULE_MAKING_LEVELS = ("国务院部门", "省级政府", "设区的市政府")
RULE_MAKING = {"是": True, "否": False}


@dataclass(frozen=True)
class Node:
    """A labelled row or column; a node with children is a merged header/label cell over them."""

    code: str
    label: str
    children: tuple[Node, ...] = ()

    def leaves(self) -> tuple[Node, ...]:
        return (self,) if not self.children else tuple(x for c in self.children for x in c.leaves())

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


def leaves(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    return tuple(x for n in nodes for x in n.leaves())


# ---------------------------------------------------------------- 二、主动公开政府信息情况
@dataclass(frozen=True)
class Block:
    """One block of section 二: its heading (第二十条第…项), rows and columns."""

    heading: str
    rows: tuple[Node, ...]
    columns: tuple[Node, ...]

    def cells(self) -> tuple[tuple[str, Node, Node], ...]:
        """(cell code, row, column) for each cell, row-major."""
        return tuple((f"{r.code}_{c.code}", r, c) for r in self.rows for c in self.columns)


S2_ROW_HEADER = "信息内容"
_DOCS = (Node("issued", "本年制发件数"), Node("repealed", "本年废止件数"), Node("in_force", "现行有效件数"))
_DECISIONS = (Node("decisions", "本年处理决定数量"),)
S2_BLOCKS = (
    Block("第二十条第（一）项", (Node("rules", "规章"), Node("normative", "行政规范性文件")), _DOCS),
    Block("第二十条第（五）项", (Node("license", "行政许可"),), _DECISIONS),
    Block("第二十条第（六）项", (Node("penalty", "行政处罚"), Node("enforcement", "行政强制")), _DECISIONS),
    Block("第二十条第（八）项", (Node("fees", "行政事业性收费"),), (Node("amount", "本年收费金额（单位：万元）"),)),
)
S2_CELLS = tuple(code for b in S2_BLOCKS for code, _, _ in b.cells())
S2_AMOUNT_CELLS = ("fees_amount",)  # 万元, decimal; every other cell is a count
S2_LABELS = {code: (r.label, c.label) for b in S2_BLOCKS for code, r, c in b.cells()}

# ---------------------------------------------------------------- 三、收到和处理政府信息公开申请情况
S3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
S3_COLUMN_HEADER = "申请人情况"
S3_COLUMN_TREE = (
    Node("natural", "自然人"),
    Node("org", "法人或其他组织", (
        Node("business", "商业企业"),
        Node("research", "科研机构"),
        Node("nonprofit", "社会公益组织"),
        Node("legal", "法律服务机构"),
        Node("other", "其他"),
    )),
    Node("total", "总计"),
)
S3_COLUMNS = tuple(n.code for n in leaves(S3_COLUMN_TREE))
S3_APPLICANT_COLUMNS = S3_COLUMNS[:-1]


def _numbered(prefix: str, labels: tuple[str, ...]) -> tuple[Node, ...]:
    return tuple(Node(f"{prefix}.{i}", f"{i}.{label}") for i, label in enumerate(labels, 1))


S3_ROW_TREE = (
    Node("1", "一、本年新收政府信息公开申请数量"),
    Node("2", "二、上年结转政府信息公开申请数量"),
    Node("3", "三、本年度办理结果", (
        Node("3.1", "（一）予以公开"),
        Node("3.2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        Node("3.3", "（三）不予公开", _numbered("3.3", (
            "属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
            "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项"))),
        Node("3.4", "（四）无法提供", _numbered("3.4", (
            "本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"))),
        Node("3.5", "（五）不予处理", _numbered("3.5", (
            "信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
            "要求行政机关确认或重新出具已获取信息"))),
        Node("3.6", "（六）其他处理", _numbered("3.6", (
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "其他"))),
        Node("3.7", "（七）总计"),
    )),
    Node("4", "四、结转下年度继续办理"),
)
S3_ROWS = tuple(n.code for n in leaves(S3_ROW_TREE))  # the 25 rows of numbers, in order
S3_OUTCOME_GROUPS = tuple(n for n in S3_ROW_TREE[2].children if n.code != "3.7")  # （一）…（六）
S3_OUTCOME_ROWS = tuple(n.code for g in S3_OUTCOME_GROUPS for n in g.leaves())  # summed by （七）总计


def _label_map(tree: tuple[Node, ...]) -> dict[str, str]:
    out: dict[str, str] = {}

    def walk(n: Node) -> None:
        out[n.code] = n.label
        for c in n.children:
            walk(c)

    for n in tree:
        walk(n)
    return out


def leaf_paths(tree: tuple[Node, ...]) -> dict[str, tuple[str, ...]]:
    """Leaf code -> the labels from its top-level node down to it."""
    return {leaf.code: path for node in tree for leaf, path in _walk(node, ())}


def _walk(node: Node, path: tuple[str, ...]):
    path = (*path, node.label)
    if not node.children:
        yield node, path
    for child in node.children:
        yield from _walk(child, path)


S3_ROW_LABELS = _label_map(S3_ROW_TREE)
# A section 三 row named from below the merged "三、本年度办理结果": "（三）不予公开1.属于国家秘密".
S3_ROW_NAMES = {code: "".join(p[1:] or p) for code, p in leaf_paths(S3_ROW_TREE).items()}
S3_COLUMN_LABELS = _label_map(S3_COLUMN_TREE)

# ---------------------------------------------------------------- 四、行政复议、行政诉讼
_OUTCOMES = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
             ("pending", "尚未审结"), ("total", "总计"))


def _outcomes(group: str) -> tuple[Node, ...]:
    return tuple(Node(f"{group}_{code}", label) for code, label in _OUTCOMES)


S4_TREE = (
    Node("review", "行政复议", _outcomes("review")),
    Node("suit", "行政诉讼", (
        Node("direct", "未经复议直接起诉", _outcomes("direct")),
        Node("after_review", "复议后起诉", _outcomes("after_review")),
    )),
)
S4_GROUPS = ("review", "direct", "after_review")
S4_CELLS = tuple(n.code for n in leaves(S4_TREE))  # the 15 numbers, in order
S4_LABELS = _label_map(S4_TREE)


# ---------------------------------------------------------------- 勾稽关系: consistency rules
@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # "error" | "warning"
    zh: str
    en: str


RULES = {r.id: r for r in (
    Rule("R1", "error", "每个数值须为非负整数（行政事业性收费为非负金额，单位万元）",
         "every cell is a non-negative integer (fees: a non-negative amount in 万元)"),
    Rule("R2", "error", "表三每行：总计＝自然人＋商业企业＋科研机构＋社会公益组织＋法律服务机构＋其他",
         "section 三, each row: 总计 equals the sum of the six applicant columns"),
    Rule("R3", "error", "表三每列：（七）总计＝（一）＋（二）＋（三）至（六）各项之和",
         "section 三, each column: (七)总计 equals (一)+(二)+the sub-items of (三)–(六)"),
    Rule("R4", "error", "表三每列：第一项加第二项之和，等于第三项加第四项之和",
         "section 三, each column: 一 + 二 = (七)总计 + 四"),
    Rule("R5", "error", "表四：总计＝结果维持＋结果纠正＋其他结果＋尚未审结",
         "section 四: each 总计 equals 维持 + 纠正 + 其他 + 尚未审结"),
    Rule("R6", "error", "表三每列：本年“上年结转”等于上年“结转下年度继续办理”",
         "section 三, each column: 二 (this year) equals 四 (previous year)"),
    Rule("R7", "warning", "表二：现行有效件数＝上年现行有效件数＋本年制发件数－本年废止件数",
         "section 二: in force = last year's in force + issued − repealed"),
    Rule("W1", "warning", "正文所述数字与统计表不一致", "a figure quoted in the narrative contradicts the tables"),
    Rule("W2", "warning", "“存在的主要问题及改进情况”为空或仅为“无”", "section 五 is empty or just “无”"),
    Rule("W3", "warning", "“其他需要报告的事项”未说明信息处理费收取情况", "section 六 is silent on 信息处理费"),
    Rule("W4", "warning", "同比变化超过5倍", "a year-over-year change beyond ×5 or ÷5"),
    Rule("W5", "warning", "无规章制定权的机关填报了规章", "规章 counted at an agency with no rule-making power"),
)}


@dataclass(frozen=True)
class Equation:
    """`lhs` summed equals `rhs` summed, for every row (axis="row") or column (axis="column") of a section."""

    rule: str
    section: str  # "s3" | "s4"
    axis: str  # for s3: "row" compares columns within each row; "column" compares rows within each column
    lhs: tuple[str, ...]
    rhs: tuple[str, ...] = field(default=())


EQUATIONS = (
    Equation("R2", "s3", "row", ("total",), S3_APPLICANT_COLUMNS),
    Equation("R3", "s3", "column", ("3.7",), S3_OUTCOME_ROWS),
    Equation("R4", "s3", "column", ("1", "2"), ("3.7", "4")),
    *(Equation("R5", "s4", "row", (f"{g}_total",), tuple(f"{g}_{o}" for o, _ in _OUTCOMES[:-1]))
      for g in S4_GROUPS),
)
