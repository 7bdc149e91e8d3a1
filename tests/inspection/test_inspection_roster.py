"""The leaders' roster is kept in the registry, imported like any sheet, and read by the checker."""

import datetime as dt

import pytest

from kaohe.imports.dispatch import import_file
from kaohe.imports.errors import ImportFailure
from kaohe.inspection.services import checker_for_next_run
from kaohe.registry.models import LeaderTenure

pytestmark = pytest.mark.django_db

ROSTER = "姓名,职务,任职日期,离任日期\n李四（示例）,县长,2019-01-05,2021-08-31\n王五（示例）,县长,2021-09-01,\n"


def test_roster_import_and_the_check_it_feeds(db):
    import_file("", "roster.csv", ROSTER.encode())
    assert LeaderTenure.objects.count() == 2
    checker = checker_for_next_run().checker
    text = "县长李四（示例）主持召开常务会议。"
    later = checker.scan(text, dt.date(2022, 3, 1))
    assert any(f.rule == "L001" for f in later)  # 李四 had left office by then
    earlier = checker.scan(text, dt.date(2020, 3, 1))
    assert not any(f.rule == "L001" for f in earlier)


def test_bad_roster_rows_are_named(db):
    with pytest.raises(ImportFailure) as failure:
        import_file(
            "",
            "roster.csv",
            "姓名,职务,任职日期,离任日期\n李四,县长,2021-13-01,\n,县长,2021-01-01,2020-01-01\n".encode(),
        )
    assert [str(e) for e in failure.value.errors] == [
        "第2行“任职日期”列：日期应写作 YYYY-MM-DD，实际为“2021-13-01”。",
        "第3行“姓名”列：不能为空。",
        "第3行“离任日期”列：离任日期早于任职日期。",
    ]
    assert not LeaderTenure.objects.exists()
