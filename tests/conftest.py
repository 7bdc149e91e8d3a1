"""Shared fixtures: the demo campaign loaded once into the test database, and the seed notice."""

import re
from pathlib import Path

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "postgresql_only: needs several real connections at once")


def pytest_collection_modifyitems(config, items):
    """Tests of real concurrent connections run in the PostgreSQL pass of CI; the embedded
    SQLite test database is one in-memory connection, so there they are deselected (not skipped)."""
    try:
        from django.db import connection

        vendor = connection.vendor
    except Exception:  # Django not configured: a run of the pure core with -p no:django
        return
    if vendor == "postgresql":
        return
    kept = [item for item in items if "postgresql_only" not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_9997f180e272068e.txt"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the 2020 Jinghe demo once; each test runs in a transaction rolled back after it."""
    from kaohe.demo.loader import load_demo

    with django_db_blocker.unblock():
        load_demo(log=lambda *_: None)


@pytest.fixture
def campaign(db):
    from kaohe.assessment.models import Campaign

    return Campaign.objects.get(code="jinghe-2020")


@pytest.fixture(scope="session")
def seed_text() -> str:
    assert SEED.exists(), f"找不到真实通报 {SEED}：测试需要仓库旁的 shared/ 目录。"
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_annexes(seed_text) -> list[tuple[str, str, int, str, str]]:
    """The annex tables as the notice prints them: (annex, group, 序号, unit, score)."""
    body = seed_text.split("附件1\n", 2)[-1].split("关闭")[0]
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    rows, annex, group, i = [], "1", "", 0
    while i < len(lines):
        line = lines[i]
        if line == "附件2":
            annex, group = "2", "平台相关单位"
        elif line in ("乡镇场", "县直部门"):
            group = line
        elif (
            re.fullmatch(r"\d+", line)
            and i + 2 < len(lines)
            and re.fullmatch(r"\d+(\.\d+)?", lines[i + 2])
        ):
            rows.append((annex, group, int(line), lines[i + 1], lines[i + 2]))
            i += 3
            continue
        i += 1
    return rows


@pytest.fixture
def fresh_trail(db):
    """An empty audit trail for tests that count records from the first one. The demo's own
    import records are removed with raw SQL inside the test's transaction (rolled back after)."""
    from django.db import connection

    from kaohe.audit.models import AuditRecord

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditRecord._meta.db_table}")


@pytest.fixture
def make_people(db, django_user_model):
    """Users with roles from ``{username: (role, unit as the notice names it)}``."""
    from kaohe.accounts.models import Membership
    from kaohe.registry.names import UnitNames

    def make(spec: dict) -> dict:
        names = UnitNames()
        users = {}
        for username, (role, unit_name) in spec.items():
            user = django_user_model.objects.create_user(username, first_name=f"{username}（测试）")
            Membership.objects.create(user=user, role=role, unit=names.resolve(unit_name))
            users[username] = user
        return users

    return make
