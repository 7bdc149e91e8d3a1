"""The ``kaohe`` console command end to end, as a user runs it, on a fresh SQLite data directory."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest


@pytest.fixture(scope="module")
def kaohe(tmp_path_factory):
    data = tmp_path_factory.mktemp("kaohe-data")
    env = {
        **os.environ,
        "KAOHE_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'cli.sqlite3'}",
    }
    env.pop("KAOHE_DEMO_PASSWORD", None)
    exe = shutil.which("kaohe") or ""
    command = [exe] if exe else [sys.executable, "-m", "kaohe.cli"]

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*command, *args], env=env, capture_output=True, text=True, check=check
        )

    first = run("demo")
    assert "初始密码" in first.stdout  # generated once, printed once
    second = run("demo")  # idempotent
    assert "初始密码" not in second.stdout and "密码未改动" in second.stdout
    return run, data


def test_results_csv_from_the_console(kaohe):
    run, _ = kaohe
    out = run("results", "jinghe-2020", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["考核表", "类别", "序号", "单位", "得分", "等次"]
    assert rows[1][1:5] == ["乡镇场", "1", "八家户农场", "98"]
    assert len(rows) == 1 + 7 + 25 + 29  # a second `kaohe demo` added nothing


def test_results_json_and_xlsx(kaohe, tmp_path):
    run, _ = kaohe
    data = json.loads(
        run("results", "jinghe-2020", "--scorecard", "zwgk", "--format", "json").stdout
    )
    assert data["campaign"] == "jinghe-2020" and len(data["results"]) == 32
    target = tmp_path / "r.xlsx"
    run("results", "jinghe-2020", "--format", "xlsx", "-o", str(target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["1-乡镇场", "2-县直部门", "3-平台相关单位"]
    sheet = book["2-县直部门"]
    assert [c.value for c in sheet[3]][:3] == [1, "财政局", 100]


def test_errors_are_clear_and_exit_nonzero(kaohe, tmp_path):
    run, _ = kaohe
    missing = run("results", "no-such", "--format", "csv", check=False)
    assert missing.returncode != 0 and "没有代码为“no-such”的考核" in missing.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("考核表,单位,指标编码,分值,原因\nzwgk,无此单位,1.1,1,测试\n", encoding="utf-8")
    failed = run("import", "jinghe-2020", str(bad), check=False)
    assert failed.returncode != 0
    assert (
        "第2行“单位”列：未知单位“无此单位”。" in failed.stderr and "未写入任何数据" in failed.stderr
    )


def test_import_dry_run_and_template(kaohe, tmp_path):
    run, _ = kaohe
    template = tmp_path / "scores.csv"
    run("template", "scores", "-o", str(template))
    dry = run("import", "jinghe-2020", str(template), "--dry-run").stdout
    assert "新增评分记录 1 条" in dry and "未写入任何数据" in dry
    again = run("import", "jinghe-2020", str(template), "--dry-run").stdout
    assert "新增评分记录 1 条" in again  # the dry run really wrote nothing


def test_explain_accepts_an_alias(kaohe):
    run, _ = kaohe
    out = run("explain", "jinghe-2020", "住房和城乡建设局").stdout
    assert out.startswith("精河县住房和城乡建设局（县直部门）")


def test_secret_key_is_generated_into_the_data_dir_not_the_repo(kaohe):
    _, data = kaohe
    key = Path(data) / "secret_key"
    assert key.exists() and oct(key.stat().st_mode)[-3:] == "600" and len(key.read_text()) > 40


def test_sqlite_runs_in_wal_mode(kaohe):
    import sqlite3

    _, data = kaohe
    with sqlite3.connect(Path(data) / "cli.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_serve_answers_with_pages_and_vendored_assets(kaohe):
    import socket
    import time
    import urllib.request

    run, data = kaohe
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "KAOHE_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'cli.sqlite3'}",
    }
    exe = shutil.which("kaohe")
    command = [exe] if exe else [sys.executable, "-m", "kaohe.cli"]
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                login = urllib.request.urlopen(f"{base}/accounts/login/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert "登录" in login and 'src="/static/vendor/htmx-2.0.8.min.js"' in login
        css = urllib.request.urlopen(f"{base}/static/kaohe/app.css", timeout=2)
        assert css.status == 200 and b"--accent" in css.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
