"""Reading files: types, size, header problems."""

import pytest

from kaohe.imports.errors import ImportFailure
from kaohe.imports.reader import read_table


def errors_of(data: bytes, name: str) -> list[str]:
    with pytest.raises(ImportFailure) as failure:
        read_table(data, name)
    return [str(e) for e in failure.value.errors]


def test_utf8_bom_and_blank_rows():
    table = read_table("\ufeff单位,类别\n住建局,县直部门\n,\n托里镇,乡镇场\n".encode(), "u.csv")
    assert table.header == ["单位", "类别"]
    assert [n for n, _ in table.rows] == [2, 4]


def test_refusals():
    assert errors_of(b"a,b", "u.txt") == ["不支持的文件类型“.txt”：请使用 .csv 或 .xlsx。"]
    assert errors_of("单位,单位\n".encode(), "u.csv") == ["第1行“单位”列：表头重复。"]
    assert errors_of(b"", "u.csv") == ["第1行：文件没有表头行。"]
    assert errors_of(b"PK\x03\x04broken", "u.xlsx") == ["无法读取 Excel 文件：BadZipFile"]
