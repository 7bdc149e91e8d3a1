"""``kaohe audit verify`` / ``kaohe audit export`` through call_command, and once as a real process."""

import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kaohe.audit.models import AuditRecord, canonical_json

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "时间",
    "操作人",
    "动作",
    "考核",
    "单位",
    "指标",
    "对象",
    "修改前",
    "修改后",
    "原因",
    "哈希",
]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def export_csv(*args: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(run("export", "--format", "csv", *args))))


def test_verify_an_intact_chain(history):
    lines = run("verify").splitlines()
    last = AuditRecord.objects.order_by("seq").last()  # the history, after its users' own records
    assert last == history[-1]
    assert lines[0] == f"审计链完整：{AuditRecord.objects.count()} 条记录"
    assert lines[1] == f"最后一条：第 {last.seq} 条，哈希 {last.hash}"


def test_verify_an_empty_chain(db):
    assert run("verify") == "审计链完整：0 条记录\n"


def test_verify_a_tampered_chain_fails_with_exit_code_1(history, raw_sql):
    target = AuditRecord.objects.get(seq=4)
    raw_sql("UPDATE {table} SET actor_name = %s WHERE id = %s", ["别人", target.pk])
    raw_sql("DELETE FROM {table} WHERE seq = 2")
    err = io.StringIO()
    with pytest.raises(CommandError, match="发现 2 处问题") as excinfo:
        call_command("audit", "verify", stdout=io.StringIO(), stderr=err)
    assert excinfo.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("第 3 条记录（id ") and lines[0].endswith(
        "之前缺少第 2 条记录：记录已被删除"
    )
    assert lines[1].startswith(f"第 4 条记录（id {target.pk}，动作 campaign.transition，时间 ")
    assert lines[1].endswith("内容与哈希不符：记录已被改动")


def test_export_csv_everything(history):
    rows = export_csv()
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    first = dict(zip(HEADER, rows[1], strict=True))
    assert first["操作人"] == "scorer-a" and first["动作"] == "ledger.add"
    assert first["考核"] == "jinghe-2020" and first["单位"] == "托里镇人民政府"
    assert first["指标"].startswith("1.1 ") and first["对象"].startswith("assessment.ledgerentry#")
    assert first["修改前"] == "" and json.loads(first["修改后"])["amount"] == "-0.50"
    assert first["原因"] == "政策解读不及时" and first["哈希"] == history[0].hash
    assert rows[5][3:6] == ["registry.change", "", "托里镇人民政府"]


@pytest.mark.parametrize(
    ("args", "seqs"),
    [
        (["--unit", "住建局"], ["2", "3"]),  # the short name resolves like everywhere else
        (["--unit", "托里镇人民政府"], ["1", "5"]),
        (["--indicator", "2"], ["2"]),
        (["--actor", "office-b"], ["3", "4"]),
        (["--campaign", "jinghe-2020"], ["1", "2", "3", "4"]),
        (["--campaign", "jinghe-2020", "--unit", "住建局", "--actor", "scorer-a"], ["2"]),
        (["--actor", "nobody"], []),
    ],
)
def test_export_filters(history, args, seqs):
    assert [r[0] for r in export_csv(*args)[1:]] == seqs


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "不存在的单位"], "没有名为“不存在的单位”的单位"),
        (["--campaign", "nope"], "没有代码为“nope”的考核"),
        (["--indicator", "9.9"], "没有编码为“9.9”的指标"),
    ],
)
def test_export_refuses_unknown_names(history, args, message):
    with pytest.raises(CommandError, match=message):
        run("export", *args)


def test_export_json_to_a_file_can_be_rehashed_outside(history, tmp_path):
    target = tmp_path / "audit.json"
    assert run("export", "--format", "json", "--actor", "office-b", "-o", str(target)) == ""
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert [r["seq"] for r in rows] == [3, 4]
    assert rows[0]["unit"] == "精河县住房和城乡建设局" and rows[0]["campaign"] == "jinghe-2020"
    for row in rows:
        content = {
            k: v for k, v in row.items() if k not in ("campaign", "unit", "indicator", "hash")
        }
        assert hashlib.sha256(canonical_json(content).encode()).hexdigest() == row["hash"]


def test_the_console_exit_codes(tmp_path):
    """The real ``kaohe`` process: 0 on an intact chain, 1 once a row is changed."""
    db_file = tmp_path / "audit.sqlite3"
    env = {**os.environ, "KAOHE_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{db_file}"}
    exe = shutil.which("kaohe")
    command = [exe] if exe else [sys.executable, "-m", "kaohe.cli"]

    def kaohe(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*command, *args], env=env, capture_output=True, text=True)

    assert kaohe("migrate", "-v", "0").returncode == 0
    code = "from kaohe.audit.trail import record\nfor a in ('user.change', 'registry.change'): record(actor='系统', action=a)"
    assert kaohe("shell", "-c", code).returncode == 0
    ok = kaohe("audit", "verify")
    assert (ok.returncode, ok.stdout.splitlines()[0]) == (0, "审计链完整：2 条记录")

    with sqlite3.connect(db_file) as db:
        db.execute("UPDATE audit_auditrecord SET reason = '篡改' WHERE seq = 1")
    bad = kaohe("audit", "verify")
    assert bad.returncode == 1
    assert "第 1 条记录（id 1，动作 user.change，时间 " in bad.stderr
    assert "内容与哈希不符：记录已被改动" in bad.stderr
