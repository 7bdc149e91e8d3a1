"""Score imports: a wrong file is rejected whole, every error named by row and column."""

import io

import pytest
from openpyxl import Workbook

from kaohe.assessment.models import LedgerEntry
from kaohe.imports.dispatch import import_file
from kaohe.imports.errors import ImportFailure

pytestmark = pytest.mark.django_db

HEADER = "考核表,单位,指标编码,分值,原因,证据\n"


def rejected(data: bytes, filename: str = "scores.csv") -> list[str]:
    before = LedgerEntry.objects.count()
    with pytest.raises(ImportFailure) as failure:
        import_file("jinghe-2020", filename, data)
    assert LedgerEntry.objects.count() == before, "a rejected file must write nothing"
    return [str(e) for e in failure.value.errors]


def test_a_good_file_adds_entries_and_resolves_aliases(campaign):
    data = (
        HEADER + "zwgk,县住建局,3.3,0.5,栏目文章有错别字,https://example.gov.cn/a.html\n"
    ).encode()
    plan = import_file("jinghe-2020", "scores.csv", data, author_name="张三")
    assert plan.lines == ["新增评分记录 1 条；已存在而跳过 0 条。"]
    entry = LedgerEntry.objects.latest("id")
    assert (entry.unit.name, entry.indicator.code, str(entry.amount), entry.author_name) == (
        "精河县住房和城乡建设局",
        "3.3",
        "0.50",
        "张三",
    )
    again = import_file("jinghe-2020", "scores.csv", data)
    assert again.lines == ["新增评分记录 0 条；已存在而跳过 1 条。"]


def test_every_bad_row_is_reported_and_nothing_is_written(campaign):
    data = (
        HEADER
        + "zwgk,住建委,3.3,0.5,错别字,\n"  # unknown unit (row 2)
        + "zwgk,住建局,3.3,6,错别字,\n"  # above the indicator's 5 points (row 3)
        + "zwgk,住建局,3.3,abc,错别字,\n"  # not a number (row 4)
        + "zwgk,住建局,1,1,错别字,\n"  # inner node (row 5)
        + "zwgk,住建局,3.2,1,留言超期,\n"
        + "zwgk,住建局,3.2,1,留言超期,\n"  # duplicate of row 6 (row 7)
        + "zwgk,住建局,3.2,1,,\n"  # no reason (row 8)
        + "ythpt,八家户农场,2,1,办件少,\n"  # not on that scorecard (row 9)
        + "zwgk,住建局,9.9,1,原因,\n"  # unknown indicator (row 10)
    ).encode()
    assert rejected(data) == [
        "第2行“单位”列：未知单位“住建委”。",
        "第3行“分值”列：分值 6 超过指标“3.3”的分值 5。",
        "第4行“分值”列：不是有效的数字：“abc”。",
        "第5行“指标编码”列：“1”有下级指标，请记到末级指标上。",
        "第7行：与第6行重复（同一单位、指标、分值、原因和证据）。",
        "第8行“原因”列：每条评分记录都必须写明原因。",
        "第9行“单位”列：“八家户农场”未参加考核表“2020年精河县“自治区一体化在线政务服务平台”年度绩效考核评分表”。",
        "第10行“指标编码”列：考核表“2020年精河县政务公开年度绩效考核评分表”没有指标“9.9”。",
    ]


def test_missing_column_is_named(campaign):
    assert rejected("考核表,单位,指标编码,分值\nzwgk,住建局,3.3,1\n".encode()) == [
        "第1行“原因”列：缺少必需的列。"
    ]


def test_score_form_above_maximum_and_conversion(campaign):
    errors = rejected("考核表,单位,指标编码,得分,原因\nzwgk,住建局,3.3,5.5,复核\n".encode())
    assert errors == ["第2行“得分”列：得分 5.5 超过指标“3.3”的分值 5。"]
    import_file(
        "jinghe-2020",
        "s.csv",
        "考核表,单位,指标编码,得分,原因\nzwgk,财政局,3.3,4.5,错别字\n".encode(),
    )
    assert str(LedgerEntry.objects.latest("id").amount) == "0.50"  # 5 points − 4.5 scored


def test_same_evidence_cannot_deduct_twice(campaign):
    row = "zwgk,住建局,3.3,0.5,错别字,https://example.gov.cn/a.html\n"
    import_file("jinghe-2020", "a.csv", (HEADER + row).encode())
    errors = rejected((HEADER + row.replace("0.5,错别字", "1,另一处错别字")).encode())
    assert errors == ["第2行“证据”列：该证据已在本指标下记录过扣分，不得重复扣分。"]
    in_file = (
        HEADER
        + row.replace("a.html", "b.html")
        + row.replace("a.html", "b.html").replace("0.5", "0.3")
    )
    assert rejected(in_file.encode()) == ["第3行“证据”列：与第2行就同一证据重复扣分。"]


def test_gb18030_csv_is_read_and_a_wrong_encoding_is_refused(campaign):
    data = (HEADER + "zwgk,托里镇,3.3,0.2,错别字,\n").encode("gb18030")
    import_file("jinghe-2020", "gbk.csv", data)
    assert LedgerEntry.objects.latest("id").unit.name == "托里镇人民政府"
    utf16 = (HEADER + "zwgk,托里镇,3.3,0.2,错别字,\n").encode("utf-16")
    assert rejected(utf16) == ["文件编码无法识别：CSV 文件应为 UTF-8 或 GB18030（GBK）编码。"]


def test_xlsx_rows_are_numbered_as_in_excel(campaign):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["考核表", "单位", "指标编码", "分值", "原因"])
    sheet.append(["zwgk", "住建局", "3.3", 0.5, "错别字"])
    sheet.append(["zwgk", "不存在的局", "3.3", 0.5, "错别字"])
    out = io.BytesIO()
    workbook.save(out)
    assert rejected(out.getvalue(), "scores.xlsx") == ["第3行“单位”列：未知单位“不存在的局”。"]


def test_dry_run_writes_nothing(campaign):
    before = LedgerEntry.objects.count()
    plan = import_file(
        "jinghe-2020", "s.csv", (HEADER + "zwgk,住建局,3.3,0.5,错别字,\n").encode(), dry_run=True
    )
    assert plan.lines == ["新增评分记录 1 条；已存在而跳过 0 条。"]
    assert LedgerEntry.objects.count() == before


def test_frozen_campaign_refuses_scores(campaign):
    campaign.status = campaign.Status.PUBLISHED
    campaign.save()
    assert rejected((HEADER + "zwgk,住建局,3.3,0.5,错别字,\n").encode()) == [
        "考核“jinghe-2020”已发布，结果已冻结，不能再录入评分。"
    ]
