"""Loading the 2020 Jinghe demo through the same import path an office uses."""

import os
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from kaohe.accounts.models import Membership, Role
from kaohe.assessment.models import Campaign
from kaohe.assessment.results import recompute
from kaohe.imports.dispatch import import_path
from kaohe.registry.names import UnitNames

CODE = "jinghe-2020"
DATA = Path(__file__).parent / "data"
FILES = (
    "categories.csv",
    "units.csv",
    "campaign.json",
    "indicators.csv",
    "enrollments.csv",
    "scores.csv",
    "adjustments.csv",
)
# (username, role, unit as the notice names it, full name)
USERS = (
    ("office", Role.OFFICE, "县政府办公室", "考核办（演示）"),
    ("scorer-dsj", Role.SCORER, "县政务服务和大数据发展服务中心", "大数据中心赋分人（演示）"),
    ("scorer-xzfw", Role.SCORER, "县行政服务中心", "行政服务中心赋分人（演示）"),
    ("scorer-scjg", Role.SCORER, "县市场监管局", "市场监管局赋分人（演示）"),
    ("unit-zjj", Role.UNIT, "住建局", "住建局联络员（演示）"),
    ("unit-tlz", Role.UNIT, "托里镇", "托里镇联络员（演示）"),
    ("leader", Role.LEADER, "县政府办公室", "县领导（演示）"),
    ("admin", Role.ADMIN, "县政府办公室", "系统管理员（演示）"),
)


@transaction.atomic
def load_demo(log=print) -> Campaign:
    _clear_campaign()
    for name in FILES:
        plan = import_path(CODE, DATA / name, author_name="演示数据")
        log(
            f"导入 {name}（{plan.kind}）："
            + "；".join(plan.lines[:3])
            + ("…" if len(plan.lines) > 3 else "")
        )
    campaign = Campaign.objects.get(code=CODE)
    rows = recompute(campaign)
    log(f"已计算结果 {rows} 行。")
    return campaign


def _clear_campaign() -> None:
    """Refresh = rebuild: the demo campaign's ledger is demo data, so it may be dropped whole."""
    campaign = Campaign.objects.filter(code=CODE).first()
    if campaign is None:
        return
    campaign.ledger.all().delete()
    campaign.results.all().delete()
    campaign.delete()


def ensure_demo_users(log=print) -> None:
    """Demo accounts for every role. The password comes from KAOHE_DEMO_PASSWORD, or is
    generated and printed once; existing accounts keep theirs unless the variable is set."""
    password = os.environ.get("KAOHE_DEMO_PASSWORD")
    generated = None
    names = UnitNames()
    User = get_user_model()
    for username, role, unit_name, full_name in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": full_name}
        )
        if created or password:
            if not password:
                generated = generated or secrets.token_urlsafe(12)
            user.set_password(password or generated)
            user.is_staff = role in (Role.OFFICE, Role.ADMIN)
            user.is_superuser = role == Role.ADMIN
            user.save()
        Membership.objects.update_or_create(
            user=user, defaults={"role": role, "unit": names.resolve(unit_name)}
        )
    if generated:
        log(f"演示账号（{'、'.join(u[0] for u in USERS)}）的初始密码：{generated}（仅显示这一次）")
    elif password:
        log("演示账号密码已设为 KAOHE_DEMO_PASSWORD 的值。")
    else:
        log("演示账号已存在，密码未改动（设置 KAOHE_DEMO_PASSWORD 可重设）。")
