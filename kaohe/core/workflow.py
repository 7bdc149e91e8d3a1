"""The campaign workflow: which state may follow which, and who may move it.

草稿 → 评分中 → 审核 → 公示与复核 → 定稿 → 已发布. Moving forward is the normal path; moving back
(e.g. 审核 → 评分中 to fix a score) is allowed one step at a time and always needs a reason.
Publication freezes the results, so nothing moves back out of 已发布.
"""

ORDER = ("draft", "scoring", "review", "appeal", "approved", "published")
LABELS = {
    "draft": "草稿",
    "scoring": "评分中",
    "review": "审核",
    "appeal": "公示与复核",
    "approved": "定稿",
    "published": "已发布",
}
# Who may move a campaign INTO each state going forward. Approval is the leader's.
FORWARD_ROLES = {
    "scoring": {"office"},
    "review": {"office"},
    "appeal": {"office"},
    "approved": {"leader"},
    "published": {"office"},
}
BACKWARD_ROLES = {"office"}


def check_move(source: str, target: str, role: str, reason: str) -> None:
    """Raise ValueError (Chinese message) unless ``role`` may move ``source`` → ``target``."""
    if source not in ORDER or target not in ORDER:
        raise ValueError(f"未知状态：{source} → {target}")
    if source == "published":
        raise ValueError("考核已发布，结果已冻结，不能再变更状态。")
    step = ORDER.index(target) - ORDER.index(source)
    if step == 1:
        if role not in FORWARD_ROLES[target]:
            raise ValueError(f"无权将考核推进到“{LABELS[target]}”。")
        return
    if step == -1:
        if role not in BACKWARD_ROLES:
            raise ValueError(f"无权将考核退回到“{LABELS[target]}”。")
        if not reason.strip():
            raise ValueError("退回必须写明原因。")
        return
    raise ValueError(f"不能从“{LABELS[source]}”直接变为“{LABELS[target]}”。")


def next_moves(source: str, role: str) -> list[str]:
    """The states ``role`` may move a campaign to from ``source`` (forward first)."""
    moves = []
    for target in ORDER:
        try:
            check_move(source, target, role, reason="(检查)")
        except ValueError:
            continue
        moves.append(target)
    return sorted(moves, key=lambda t: ORDER.index(t) < ORDER.index(source))
