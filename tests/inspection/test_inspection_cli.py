"""``kaohe inspect URL …`` against the planted site: the report's JSON shape and kinds, the
text format, -o, the progress bar on stderr, bad column files; no database involved (these
tests have no ``db`` fixture, so pytest-django refuses any query)."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from kaohe_inspection_testutil import AS_OF, PHONE, TYPO

CONTRACT = {
    "dead_link": {"page", "target", "status"},
    "unverified_link": {"page", "target", "status"},
    "stale_column": {"unit", "column", "url", "last_update", "max_age_days"},
    "empty_column": {"unit", "column", "url"},
    "missing_column": {"unit", "column", "url"},
    "unreachable": {"url", "status"},
    "wording": {"page", "text", "offset", "category", "severity", "suggestion", "rule"},
    "privacy": {"page", "text", "offset", "category", "severity", "suggestion", "rule"},
}
# Fields added to the contract since, never replacing one: a reason where the status or the
# dates alone would not explain a finding, and the date a page's text was checked as of.
ADDED = {
    "dead_link": set(),
    "unverified_link": {"reason"},
    "stale_column": {"reason"},
    "empty_column": set(),
    "missing_column": {"reason"},
    "unreachable": set(),
    "wording": {"page_date"},
    "privacy": {"page_date"},
}


def _columns(planted, tmp_path: Path) -> Path:
    path = tmp_path / "栏目.csv"
    path.write_bytes(planted.columns_csv())
    return path


def test_kaohe_inspect_json(planted, tmp_path):
    """The command exactly as the issue spells it, through the ``kaohe`` entry point."""
    args = [
        sys.executable, "-m", "kaohe.cli", "inspect", planted.base + "/",
        "--columns", str(_columns(planted, tmp_path)), "--as-of", AS_OF, "--max-pages", "50",
        "--concurrency", "4", "--rate", "0", "--format", "json",
    ]  # fmt: skip
    env = {**os.environ, "KAOHE_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == {"site", "as_of", "pages_fetched", "findings"}
    assert report["site"] == planted.base + "/" and report["as_of"] == AS_OF
    assert report["pages_fetched"] >= 8
    kinds = {f["kind"] for f in report["findings"]}
    assert kinds == {
        "dead_link", "unverified_link", "stale_column", "empty_column", "missing_column",
        "wording", "privacy",
    }  # fmt: skip
    for finding in report["findings"]:
        kind, got = finding["kind"], set(finding) - {"kind"}
        assert CONTRACT[kind] <= got <= CONTRACT[kind] | ADDED[kind], finding
        if kind in ("wording", "privacy"):
            assert "page_date" in finding, finding  # always there, null when undated
    [stale] = [f for f in report["findings"] if f["kind"] == "stale_column"]
    assert stale == {
        "kind": "stale_column", "unit": "住建局", "column": "保障性住房",
        "url": planted.base + "/col/zjj/", "last_update": "2023-01-02", "max_age_days": 180,
    }  # fmt: skip
    [wording] = [f for f in report["findings"] if f["kind"] == "wording"]
    assert (wording["text"], wording["suggestion"], wording["category"]) == (TYPO, "部署", "typo")
    assert PHONE not in done.stdout  # privacy findings quote masked numbers
    assert {f["status"] for f in report["findings"] if f["kind"] == "unverified_link"} == {503}
    # the progress bar, on stderr
    assert "抓取 [" in done.stderr and "100%" in done.stderr
    assert not (tmp_path / "data" / "kaohe.sqlite3").exists()  # no database was opened


def test_text_format_to_a_file(planted, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "report.txt"
    call_command(
        "inspect", planted.base, "--as-of", AS_OF, "--rate", "0", "--format", "text",
        "-o", str(target), stdout=out, stderr=err,
    )  # fmt: skip
    text = target.read_text(encoding="utf-8")
    assert out.getvalue() == ""
    assert text.startswith(f"网站：{planted.base}/\n核验日期：{AS_OF}\n")
    assert "[死链]" in text and f"“{TYPO}” → 部署" in text
    assert "[栏目未按期更新]" not in text  # no column file, no column checks
    assert "已写入" in err.getvalue() and "抓取 [" in err.getvalue()


def test_xlsx_column_file(planted, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for line in planted.columns_csv().decode().splitlines():
        book.active.append(line.split(","))
    path = tmp_path / "栏目.xlsx"
    book.save(path)
    out = io.StringIO()
    call_command(
        "inspect", planted.base + "/", "--columns", str(path), "--as-of", AS_OF, "--rate", "0",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    kinds = [f["kind"] for f in json.loads(out.getvalue())["findings"]]
    assert "stale_column" in kinds and "missing_column" in kinds


def test_bad_column_file_exits_2_without_crawling(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("单位,栏目,网址,更新周期(天)\n住建局,栏目,not-a-url,x\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "inspect", "http://127.0.0.1:9/", "--columns", str(path), stderr=err,
            stdout=io.StringIO(),
        )  # fmt: skip
    assert raised.value.returncode == 2
    assert ":2 [网址]" in err.getvalue() and ":2 [更新周期(天)]" in err.getvalue()


def test_bad_arguments():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("inspect", "http://127.0.0.1:9/", "--as-of", "2024/06/30")
    with pytest.raises(CommandError, match="http"):
        call_command("inspect", "ftp://example/")
