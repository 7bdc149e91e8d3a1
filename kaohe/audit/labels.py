"""How audit records read for people: action names in Chinese, changes as “字段：旧 → 新”."""

import json

ACTIONS = {
    "ledger.add": "录入评分记录",
    "ledger.reverse": "撤销评分记录",
    "appeal.submit": "提交复核申请",
    "appeal.decide": "复核决定",
    "rectification.submit": "提交整改情况",
    "rectification.verify": "核实整改情况",
    "campaign.transition": "考核状态变更",
    "campaign.clone": "复制考核",
    "grade.adjust": "等次调整",
    "notice.edit": "修改通报",
    "notice.accept_finding": "确认保留通报不一致",
    "portal.disclosure": "公示设置",
    "registry.change": "单位名录变更",
    "import": "导入文件",
    "user.change": "用户与角色变更",
    "inspection.start": "启动网上核验",
    "inspection.accept": "采纳核验发现",
    "inspection.columns.import": "导入栏目",
}
HIDDEN = {"id", "campaign", "unit", "indicator", "author", "created_at", "updated_at", "password"}


def action_label(code: str) -> str:
    if code in ACTIONS:
        return ACTIONS[code]
    prefix = next((ACTIONS[k] for k in ACTIONS if code.startswith(k + ".")), None)
    return prefix or code


def changes(before: dict | None, after: dict | None) -> list[str]:
    """The fields that differ, one “字段：旧 → 新” line each (ids and timestamps left out)."""
    before, after = before or {}, after or {}
    lines = []
    for key in sorted(set(before) | set(after)):
        if key in HIDDEN:
            continue
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        lines.append(f"{key}：{_short(old)} → {_short(new)}" if before else f"{key}：{_short(new)}")
    return lines


def _short(value: object) -> str:
    if value in (None, ""):
        return "（空）"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"
