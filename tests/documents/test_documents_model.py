"""Validation in the document model: bad input fails before it reaches a signed document."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from kaohe_seed_notice import build_seed_notice

from kaohe.documents.model import (
    Annex,
    Column,
    ColumnKind,
    Heading,
    RankedTable,
    display_width,
    format_chinese_date,
    normalize_doc_number,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("精政办发〔2020〕6号", "精政办发〔2020〕6号"),
        ("精政办发[2020]6号", "精政办发〔2020〕6号"),
        ("精政办发【2020】12号", "精政办发〔2020〕12号"),
        (" 博州政办发电［2020］23号 ", "博州政办发电〔2020〕23号"),
    ],
)
def test_doc_number_normalised(raw: str, expected: str) -> None:
    assert normalize_doc_number(raw) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "精政办发〔20〕6号",
        "精政办发〔2020〕06号",
        "精政办发〔2020〕第6号",
        "精政办发(2020)6号",
        "〔2020〕6号",
    ],
)
def test_doc_number_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="发文字号"):
        normalize_doc_number(bad)


def test_date_has_no_zero_padding() -> None:
    assert format_chinese_date(dt.date(2021, 1, 5)) == "2021年1月5日"
    assert build_seed_notice().date_text == "2020年12月24日"


def test_table_rows_must_match_columns() -> None:
    with pytest.raises(ValueError, match="第1行"):
        RankedTable.standard([("1", "财政局")])
    with pytest.raises(ValueError, match="name"):
        RankedTable(
            columns=(Column("序号", ColumnKind.INDEX), Column("得分", ColumnKind.SCORE)), rows=()
        )
    with pytest.raises(TypeError, match="字符串"):
        RankedTable.standard([("1", "财政局", 100)])  # type: ignore[list-item]


def test_annexes_numbered_from_one() -> None:
    seed = build_seed_notice()
    with pytest.raises(ValueError, match="连续编号"):
        replace(seed, annexes=(replace(seed.annexes[0], number=2),), annex_notes=())
    with pytest.raises(ValueError, match="没有表格"):
        Annex(1, "空", ())


def test_annex_note_lines() -> None:
    seed = build_seed_notice()
    assert seed.annex_note_lines()[0].startswith("1.2020年")
    single = replace(seed, annexes=seed.annexes[:1], annex_notes=())
    assert single.annex_note_lines() == ["2020年精河县政务公开年度绩效考核评分表"]


def test_heading_level_checked() -> None:
    with pytest.raises(ValueError):
        Heading(5, "x")


def test_masthead_and_title_text() -> None:
    seed = build_seed_notice()
    assert seed.masthead == "精河县政府办公室文件"
    assert replace(seed, issuer_mark="精河县人民政府办公室").masthead == "精河县人民政府办公室"
    assert "\n" not in seed.title_text


def test_display_width() -> None:
    assert display_width("2020年12月24日") == 7
    assert display_width("附件：") == 3
