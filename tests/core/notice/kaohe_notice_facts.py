"""NoticeFacts for the 2020 精河县 notice, from literal data copied from its annex tables.

Scores are those printed in ``shared/seed/000_9997f180e272068e.txt``. What the seed does
not give is marked ``NOT FROM THE SEED``: the 乡镇场 良好 line (the notice's grades need one
between 76.8 and 78.8), aliases beyond the two spellings the seed itself uses, the
adjustment reason, and the order of the merged 县直部门 ranking (附件1 order, then the units
only in 附件2 in their 附件2 order).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from kaohe.core.notice import (
    GroupFact,
    IndicatorFact,
    NoticeFacts,
    ProblemFact,
    ReportFact,
    UnitFact,
)

D = Decimal
TOWNS = (  # 附件1 乡镇场, ranked, with the grades the notice gives them
    ("八家户农场", "98", "优秀"),
    ("茫丁乡", "94.5", "优秀"),
    ("精河镇", "87.8", "良好"),
    ("阿合其农场", "78.8", "良好"),
    ("托托镇", "76.8", "一般"),
    ("大河沿子镇", "68", "一般"),
    ("托里镇", "67.5", "一般"),
)
DEPARTMENTS = (  # 附件1 县直部门, ranked (工业园区 is a 园区 ranked with the departments)
    ("财政局", "100"),
    ("科技局", "99.8"),
    ("人社局", "99.1"),
    ("统计局", "98.3"),
    ("自然资源局", "97.4"),
    ("商务和工业信息化局", "97.3"),
    ("司法局", "96.9"),
    ("税务局", "96.8"),
    ("教育局", "96.6"),
    ("发改委", "96.5"),
    ("文旅局", "96.1"),
    ("审计局", "94.7"),
    ("市监局", "92.9"),
    ("生态环境局", "92.6"),
    ("公安局", "92.3"),
    ("应急管理局", "90.8"),
    ("农业农村局", "90.1"),
    ("气象局", "90"),
    ("交通运输局", "89.2"),
    ("民政局", "87.2"),
    ("卫健委", "85"),
    ("水利局", "83.4"),
    ("住建局", "76.2"),
    ("医保局", "70"),
    ("工业园区", "63.8"),
)
PLATFORM_ONLY = (  # units only in 附件2 (平台 scorecard), canonical name, 附件2 name, score
    ("档案局", "档案局", "94.3"),
    ("党委统战部", "县党委统战部", "91.5"),
    ("党委编办", "党委编办(事业单位登记管理局)", "90.4"),
    ("退役军人事务局", "退役军人事务局", "90"),
    ("党委宣传部", "党委宣传部(新闻出版局)", "87"),
    ("残联", "残联", "86.6"),
    ("烟草专卖局", "烟草专卖局", "86.5"),
)
# 附件2 full names of units that 附件1 writes short, plus a few NOT FROM THE SEED.
ALIASES = {
    "发改委": {"发展和改革委员会"},
    "住建局": {"住房和城乡建设局"},
    "卫健委": {"卫生健康委员会"},
    "人社局": {"人力资源和社会保障局"},
    "市监局": {"市场监督管理局", "市场监管局"},
    "医保局": {"医疗保障局"},
    "科技局": {"科学技术局"},  # NOT FROM THE SEED
    "工业园区": {"精河工业园区", "工业园区管委会", "精河工业园区管委会"},
    "党委编办": {"事业单位登记管理局"},  # NOT FROM THE SEED
    "党委宣传部": {"新闻出版局"},  # NOT FROM THE SEED
}
# NOT FROM THE SEED: the notice records no reason; kaohe requires one for an adjustment.
AUDIT_REASON = "考核办研究确定为良好等次"


def _grade(score: Decimal, lines: tuple[tuple[str, str], ...]) -> str:
    return next((grade for grade, line in lines if score >= D(line)), "一般")


def _unit(name: str, category: str, score: str, grade: str, written: str = "") -> UnitFact:
    short = ALIASES.get(name, set()) | {name, written or name}
    aliases = (short | {f"精河县{a}" for a in short}) - {name}
    return UnitFact(name, frozenset(aliases), category, D(score), grade, grade)


def seed_units() -> dict[str, UnitFact]:
    units = [_unit(n, "乡镇场", s, g) for n, s, g in TOWNS]
    for name, score in DEPARTMENTS:
        category = "园区" if name == "工业园区" else "县直部门"
        grade = _grade(D(score), (("优秀", "90"), ("良好", "70")))
        units.append(_unit(name, category, score, grade))
    for name, written, score in PLATFORM_ONLY:
        grade = _grade(D(score), (("优秀", "92"), ("良好", "90")))
        units.append(_unit(name, "县直部门", score, grade, written))
    by_name = {u.name: u for u in units}
    by_name["审计局"] = replace(
        by_name["审计局"], grade="良好", adjusted=True, adjustment_reason=AUDIT_REASON
    )
    return by_name


def seed_facts(units: dict[str, UnitFact] | None = None) -> NoticeFacts:
    """The 2020 精河县 facts; ``units`` replaces the unit records (for variants)."""
    grade_order = ("优秀", "良好", "一般")
    towns = GroupFact(
        "乡镇场",
        tuple(n for n, _, _ in TOWNS),
        grade_order,
        {"优秀": D(90), "良好": D(78)},  # 良好 line NOT FROM THE SEED
    )
    departments = GroupFact(
        "县直部门",
        tuple(n for n, _ in DEPARTMENTS) + tuple(n for n, _, _ in PLATFORM_ONLY),
        grade_order,
        {"优秀": D(90), "良好": D(70)},
    )
    return NoticeFacts(
        issuer="县政府办公室",
        year=2020,
        window=(date(2020, 11, 9), date(2020, 11, 13)),
        method="网上核验与日常考核相结合",
        basis=(
            ("关于印发《2020年自治州政务服务考核实施方案》的通知", "博州政办发电〔2020〕23号"),
            ("关于开展精河县政务公开、政务服务2020年度考核工作的通知", "精政办发电〔2020〕6号"),
        ),
        lead_agencies=("县行政服务中心", "县政务服务和大数据发展服务中心", "县市场监管局"),
        units=units if units is not None else seed_units(),
        groups=(towns, departments),
        indicators=(IndicatorFact("主动公开", D(40), {"乡镇场": D(2) / 7, "县直部门": D(3) / 25}),),
        problems=(
            ProblemFact(
                "key_area_late",
                "重点领域信息更新发布滞后",
                ("更新发布滞后", "滞后"),
                frozenset({"住建局", "农业农村局", "卫健委"}),
            ),
            ProblemFact(
                "review_mismatch",
                "“三审三校”档案中发布文章与审批表不一致",
                ("审批表不一致", "三审三校"),
                frozenset({"托里镇", "文旅局"}),
            ),
            ProblemFact(
                "summary_missing",
                "年度工作总结未按时上报",
                ("未上报", "未报送"),
                frozenset({"工业园区", "住建局", "阿合其农场"}),
                deadline=date(2020, 11, 10),
            ),
        ),
        reports=(ReportFact("APP注册企业用户", 1268), ReportFact("APP注册个人用户", 57360)),
    )


def facts_without_adjustment() -> NoticeFacts:
    """审计局 published as 良好 but no adjustment recorded: the rules say 优秀."""
    units = seed_units()
    units["审计局"] = replace(units["审计局"], adjusted=False, adjustment_reason="")
    return seed_facts(units)


def facts_by_rules() -> NoticeFacts:
    """审计局 left at the rules' 优秀, so the notice's 18/10 counts are wrong too."""
    units = seed_units()
    units["审计局"] = replace(units["审计局"], grade="优秀", adjusted=False, adjustment_reason="")
    return seed_facts(units)
