"""Unit imports: names and aliases stay unambiguous."""

import pytest

from kaohe.imports.dispatch import detect_kind, import_file
from kaohe.imports.errors import ImportFailure
from kaohe.registry.models import Unit
from kaohe.registry.names import UnitNames

pytestmark = pytest.mark.django_db


def test_new_unit_with_aliases(db):
    import_file(
        "",
        "u.csv",
        "单位,类别,简称,别名\n精河县林业和草原局,县直部门,林草局,县林草局、林业和草原局\n".encode(),
    )
    names = UnitNames()
    assert names.resolve("县林草局").name == "精河县林业和草原局"
    assert names.resolve("林草") is None  # exact only, never fuzzy


def test_alias_taken_by_another_unit_is_refused(db):
    with pytest.raises(ImportFailure) as failure:
        import_file(
            "",
            "u.csv",
            "单位,类别,别名\n精河县新局,县直部门,住建局\n精河县另一局,未知类别,\n".encode(),
        )
    assert [str(e) for e in failure.value.errors] == [
        "第2行“别名”列：“住建局”已是单位“精河县住房和城乡建设局”的名称或别名。",
        "第3行“类别”列：未知类别“未知类别”；请先导入单位类别。",
    ]
    assert not Unit.objects.filter(name="精河县新局").exists()


def test_unrecognised_header(db):
    with pytest.raises(ImportFailure) as failure:
        import_file("", "x.csv", "甲,乙\n1,2\n".encode())
    assert "无法识别文件类型" in str(failure.value)


def test_kind_detection_tolerates_one_missing_column():
    assert detect_kind(["考核表", "单位", "指标编码", "分值"]) == "scores"
    assert detect_kind(["单位", "别名"]) == "units"
    assert detect_kind(["考核表", "参评单位"]) == "enrollments"
