"""Writes the demo's enrollment, score and adjustment files from the notice's published tables.

The notice publishes totals only. The per-indicator ledger entries written here are illustrative
(marked 示例=是): they are spread deterministically over the indicator tree so that every total is
exactly the published one and the notice's own statements hold — who got full marks on 主动公开,
whose key-area disclosure was late, whose 三审三校 archive disagreed, who missed the summary.
Run ``python -m kaohe.demo.generate`` after changing the rules below; a test checks the committed
files are what this script writes.
"""

import csv
import hashlib
import io
from decimal import Decimal
from pathlib import Path

from kaohe.core.numbers import format_score

DATA = Path(__file__).parent / "data"
TENTH = Decimal("0.1")

# Leaves of each scorecard with their points (kept in step with data/indicators.csv).
LEAVES = {
    "zwgk": {
        "1.1": 10,
        "1.2": 10,
        "1.3": 15,
        "1.4": 5,
        "2": 10,
        "3.1": 10,
        "3.2": 5,
        "3.3": 5,
        "4": 10,
        "5.1": 5,
        "5.2": 5,
        "6": 10,
    },
    "ythpt": {"1.1": 15, "1.2": 15, "2": 30, "3": 10, "4": 20, "5": 10},
}
ACTIVE_DISCLOSURE = ("1.1", "1.2", "1.3", "1.4")  # the 主动公开 subtree (40 points)

# What the notice states, as (indicator, points deducted, reason) per unit as the annex writes it.
STATED = {
    "zwgk": {
        "住建局": [
            ("1.3", "3", "重大项目批准与实施、社会公益事业建设等重点领域信息更新发布滞后"),
            ("5.1", "5", "未按期报送2020年度政务公开与“放管服”改革工作总结（应于11月10日前报送）"),
        ],
        "农业农村局": [
            ("1.3", "2", "重大项目批准与实施、社会公益事业建设等重点领域信息更新发布滞后")
        ],
        "卫健委": [
            ("1.3", "2.5", "重大项目批准与实施、社会公益事业建设等重点领域信息更新发布滞后")
        ],
        "托里镇": [("3.1", "3", "“三审三校”档案中发布文章与审批表不一致")],
        "文旅局": [("3.1", "1.5", "“三审三校”档案中发布文章与审批表不一致")],
        "工业园区": [
            ("5.1", "5", "未按期报送2020年度政务公开与“放管服”改革工作总结（应于11月10日前报送）")
        ],
        "阿合其农场": [
            ("5.1", "5", "未按期报送2020年度政务公开与“放管服”改革工作总结（应于11月10日前报送）")
        ],
    },
    "ythpt": {},
}
# 主动公开 full marks: 2 of 7 乡镇场 (29%) and 3 of 25 in the 县直部门 table (12%).
FULL_ACTIVE_DISCLOSURE = {"八家户农场", "茫丁乡", "财政局", "科技局", "人社局"}
RESERVED = {"zwgk": {"1.3", "3.1", "5.1"}, "ythpt": set()}  # only the units the notice names

REASONS = {
    ("zwgk", "1.1"): ["决策预公开、会议公开等事项发布不全", "重要部署执行情况未及时公开"],
    ("zwgk", "1.2"): [
        "机构职能、领导分工等基础信息未及时更新",
        "规范性文件未集中公开或未标注有效性",
    ],
    ("zwgk", "1.4"): ["政策文件未同步发布解读材料", "解读形式单一，以文字转载为主"],
    ("zwgk", "2"): ["依申请公开答复格式不规范", "依申请公开办理台账不完整"],
    ("zwgk", "3.2"): ["网站留言答复超期办结", "留言答复内容质量不高"],
    ("zwgk", "3.3"): ["网站发布信息存在错别字等错敏信息", "发布信息存在不规范表述"],
    ("zwgk", "4"): ["基层政务公开标准目录未按要求编制", "政务公开专区建设不规范"],
    ("zwgk", "5.2"): ["网站管理人员变动后交接不畅，工作接续不及时", "未明确政务公开工作机构和人员"],
    ("zwgk", "6"): ["“双随机、一公开”抽查结果未按时公示", "抽查事项清单未动态调整"],
    ("ythpt", "1.1"): ["事项要素（办理时限、收费依据等）不准确", "事项名称与实施清单不一致"],
    ("ythpt", "1.2"): ["样表、流程图等基本信息模块不规范", "未上传空白样表和示范样表"],
    ("ythpt", "2"): ["全程网办事项比例偏低", "网上办件量少，线下办理未同步录入"],
    ("ythpt", "3"): ["平台管理员频繁更换，业务不熟悉", "平台账号未及时交接"],
    ("ythpt", "4"): ["新疆政务服务APP推广注册率低", "未按周报送APP注册数量"],
    ("ythpt", "5"): ["“好差评”评价数据少", "咨询投诉回复不及时"],
}
SOURCES = {"1.3": "网上核验", "3.2": "网上核验", "3.3": "网上核验", "5.1": "日常考核"}
CARDS = {"1": "zwgk", "2": "ythpt"}


def published() -> list[dict]:
    with open(DATA / "published_scores.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def spread(card: str, unit: str, deduction: Decimal) -> dict[str, Decimal]:
    """Deductions per leaf summing exactly to ``deduction``, none above its leaf's points."""
    amounts = {leaf: Decimal(0) for leaf in LEAVES[card]}
    for leaf, points, _reason in STATED[card].get(unit, []):
        amounts[leaf] += Decimal(points)
    open_leaves = [leaf for leaf in LEAVES[card] if leaf not in RESERVED[card]]
    if unit in FULL_ACTIVE_DISCLOSURE:
        open_leaves = [leaf for leaf in open_leaves if leaf not in ACTIVE_DISCLOSURE]
    left = deduction - sum(amounts.values())
    assert left >= 0, (card, unit)
    # A stable per-unit weighting so units differ, then exact 0.1 rounding with the residual
    # placed where capacity remains.
    weights = {leaf: LEAVES[card][leaf] * (1 + _jitter(unit, leaf)) for leaf in open_leaves}
    total_weight = sum(weights.values())
    for leaf in open_leaves:
        share = (left * Decimal(weights[leaf] / total_weight)).quantize(
            TENTH, rounding="ROUND_DOWN"
        )
        amounts[leaf] += min(share, LEAVES[card][leaf] - amounts[leaf])
    residual = deduction - sum(amounts.values())
    for leaf in sorted(open_leaves, key=lambda leaf: -(LEAVES[card][leaf] - amounts[leaf])):
        step = min(residual, LEAVES[card][leaf] - amounts[leaf])
        amounts[leaf] += step
        residual -= step
    assert residual == 0 and sum(amounts.values()) == deduction, (card, unit)
    if card == "zwgk" and unit not in FULL_ACTIVE_DISCLOSURE and deduction > 0:
        _ensure_active_disclosure_deduction(amounts)
    return amounts


def _ensure_active_disclosure_deduction(amounts: dict[str, Decimal]) -> None:
    if sum(amounts[leaf] for leaf in ACTIVE_DISCLOSURE) > 0:
        return
    donor = max(
        (leaf for leaf in amounts if leaf not in RESERVED["zwgk"]), key=lambda leaf: amounts[leaf]
    )
    amounts[donor] -= TENTH
    amounts["1.1"] += TENTH


def _jitter(unit: str, leaf: str) -> float:
    digest = hashlib.sha256(f"{unit}/{leaf}".encode()).digest()
    return digest[0] / 255


def records(card: str, unit: str, amounts: dict[str, Decimal]) -> list[tuple[str, Decimal, str]]:
    """Leaf deductions as ledger rows; larger ones split in two with different reasons."""
    stated = {leaf: reason for leaf, _p, reason in STATED[card].get(unit, [])}
    rows = []
    for leaf, amount in amounts.items():
        if amount <= 0:
            continue
        if leaf in stated:
            rows.append((leaf, amount, stated[leaf]))
            continue
        first, second = REASONS[(card, leaf)]
        if amount >= 1:
            part = (amount * Decimal("0.6")).quantize(TENTH)
            rows += [(leaf, part, first), (leaf, amount - part, second)]
        else:
            rows.append((leaf, amount, first))
    return rows


def render() -> dict[str, str]:
    enroll, scores = (
        [["考核表", "参评单位"]],
        [["考核表", "单位", "指标编码", "分值", "原因", "来源", "示例"]],
    )
    for row in published():
        card = CARDS[row["附件"]]
        enroll.append([card, row["单位"]])
        deduction = Decimal(100) - Decimal(row["考核得分"])
        for leaf, amount, reason in records(
            card, row["单位"], spread(card, row["单位"], deduction)
        ):
            scores.append(
                [
                    card,
                    row["单位"],
                    leaf,
                    format_score(amount),
                    reason,
                    SOURCES.get(leaf, "人工评分") if card == "zwgk" else "人工评分",
                    "是",
                ]
            )
    adjust = [
        ["考核表", "单位", "调整后等次", "原因"],
        [
            "zwgk",
            "审计局",
            "良好",
            "通报正文将审计局列为良好等次，而附件1中其得分94.7已达优秀门槛（90分）。"
            "通报未载明理由；按通报所列等次记录为人工调整，待考核办核实。",
        ],
    ]
    return {
        "enrollments.csv": _csv(enroll),
        "scores.csv": _csv(scores),
        "adjustments.csv": _csv(adjust),
    }


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


if __name__ == "__main__":
    for name, text in render().items():
        (DATA / name).write_text(text, encoding="utf-8")
        print("wrote", DATA / name)
