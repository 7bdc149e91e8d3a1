"""The column registry: ``单位,栏目,网址,更新周期(天)`` from CSV or XLSX, every row checked
before anything is written."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaohe.audit.models import AuditRecord
from kaohe.inspection import services
from kaohe.inspection.models import Column, Site

GOOD = (
    "单位,栏目,网址,更新周期(天)\n"
    "住建局,保障性住房,http://www.jh.test/col/zjj/,180\n"
    "托里镇,乡镇动态,http://www.jh.test/col/tlz/dt/,14\n"
    "精河县农业农村局,政府信息公开指南,http://www.jh.test/col/nyj/zn/,365\n"
)


def _site(db_site_name="精河县人民政府网") -> Site:
    return Site.objects.create(name=db_site_name, base_url="http://www.jh.test/")


def test_good_csv_in_gb18030(db):
    site = _site()
    plan = services.import_columns(site, GOOD.encode("gb18030"), "栏目.csv", None)
    assert plan.ok and (plan.created, plan.updated) == (3, 0)
    rows = {c.name: c for c in Column.objects.filter(site=site).select_related("unit")}
    assert rows["保障性住房"].unit.short_name == "住建局" and rows["保障性住房"].max_age_days == 180
    assert (rows["乡镇动态"].kind, rows["乡镇动态"].mandatory) == ("news", False)
    assert (rows["政府信息公开指南"].kind, rows["政府信息公开指南"].mandatory) == ("guide", True)
    assert rows["政府信息公开指南"].unit.short_name == "农业农村局"  # full name resolved
    assert AuditRecord.objects.filter(action="inspection.columns.import").count() == 1
    # again, with a changed interval: updated in place, nothing duplicated
    plan = services.import_columns(site, GOOD.replace(",14\n", ",7\n").encode(), "栏目.csv", None)
    assert (plan.created, plan.updated) == (0, 3)
    assert Column.objects.get(site=site, name="乡镇动态").max_age_days == 7


def test_good_xlsx(db):
    from openpyxl import Workbook

    book = Workbook()
    for line in GOOD.splitlines():
        book.active.append(line.split(","))
    book.active.append([])
    book.active.append(["住建局", "通知公告", "http://www.jh.test/col/zjj/tz/", 180.0])
    data = io.BytesIO()
    book.save(data)
    plan = services.import_columns(_site(), data.getvalue(), "栏目.xlsx", None)
    assert plan.ok, plan.errors
    assert plan.created == 4


def test_bad_rows_are_all_reported_and_nothing_is_written(db):
    site = _site()
    bad = (
        "单位,栏目,网址,更新周期(天)\n"
        "住建局,保障性住房,http://www.jh.test/col/zjj/,180\n"  # good
        "不存在局,动态,http://www.jh.test/a/,14\n"  # unknown unit
        "托里镇,动态,ftp://www.jh.test/b/,14\n"  # not http(s)
        "托里镇,通知公告,http://www.jh.test/c/,十四\n"  # not a number
        "住房和城乡建设局,保障性住房,http://www.jh.test/d/,30\n"  # same unit, other name
    )
    plan = services.import_columns(site, bad.encode(), "栏目.csv", None)
    assert not plan.ok
    where = {(e.row, e.field) for e in plan.errors}
    assert where == {(3, "单位"), (4, "网址"), (5, "更新周期(天)"), (6, "栏目")}
    assert "不存在局" in str(plan.errors)
    assert not Column.objects.filter(site=site).exists()
    assert not AuditRecord.objects.filter(action="inspection.columns.import").exists()


def test_wrong_header_and_wrong_file_type(db):
    site = _site()
    plan = services.import_columns(site, "单位,栏目,网址\n住建局,a,http://x.test/\n".encode(), "a.csv", None)  # fmt: skip
    assert [(e.row, e.field) for e in plan.errors] == [(1, "表头")]
    plan = services.import_columns(site, b"%PDF-1.4", "a.pdf", None)
    assert "不支持的文件类型" in plan.errors[0].message
    assert not Column.objects.exists()


def test_import_through_the_page(login, campaign):
    site = _site()
    url = reverse("inspection:import_columns", args=[campaign.code, site.id])
    upload = SimpleUploadedFile("栏目.csv", GOOD.encode(), content_type="text/csv")
    response = login("office").post(url, {"file": upload})
    assert response.status_code == 302
    assert Column.objects.filter(site=site).count() == 3
    bad = SimpleUploadedFile("栏目.csv", (GOOD + "谁,栏目,http://x.test/,1\n").encode())
    response = login("office").post(url, {"file": bad})
    assert response.status_code == 422
    assert "第 5 行" in response.content.decode() and "未导入任何内容" in response.content.decode()
    # only the office imports
    again = SimpleUploadedFile("栏目.csv", GOOD.encode())
    assert login("unit-zjj").post(url, {"file": again}).status_code == 403
    assert login("scorer-dsj").post(url, {"file": again}).status_code == 403
    page = login("office").get(reverse("inspection:site", args=[campaign.code, site.id]))
    assert page.status_code == 200 and "保障性住房" in page.content.decode()
    # the units lacking mandatory columns are named
    assert "缺少必设栏目" in page.content.decode()


def test_register_a_site(login, campaign):
    url = reverse("inspection:sites", args=[campaign.code])
    response = login("office").post(url, {"name": "县住建局网站", "base_url": "http://ZJJ.jh.test"})
    assert response.status_code == 302
    assert Site.objects.get().base_url == "http://zjj.jh.test/"
    assert (
        login("office").post(url, {"name": "重复", "base_url": "http://zjj.jh.test/"}).status_code
        == 422
    )
    assert login("leader").get(url).status_code == 200
    assert login("leader").post(url, {"name": "x", "base_url": "http://x.test/"}).status_code == 403
    assert login("unit-zjj").get(url).status_code == 403
