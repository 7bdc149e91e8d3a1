"""The demo's own accounts, and one object of every kind for 住建局 (unit-zjj's own unit) and for
托里镇 (a foreign unit), so every URL parameter can be filled with a real object of each side."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from kaohe_web_testutil import SCJG_MARK, TLZ_MARK, World

from kaohe.assessment.models import Indicator, LedgerEntry
from kaohe.crawler import WarcArchive
from kaohe.crawler.extract import parse_html
from kaohe.demo.loader import USERS, ensure_demo_users
from kaohe.inspection import services as inspection
from kaohe.inspection.models import Finding, FindingRule, Inspection, Site
from kaohe.portal.models import Appeal, Rectification
from kaohe.registry.models import Contact, Duty, Handover, UnitAlias
from kaohe.registry.names import UnitNames

BACKEND = "django.contrib.auth.backends.ModelBackend"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Evidence files (and online verification's WARC archives) go to a throw-away directory;
    passwords hash fast."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KAOHE_WARC_DIR = tmp_path / "warc"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_users(db, monkeypatch, django_user_model) -> dict:
    """The accounts `kaohe demo` creates, made by the demo loader itself."""
    monkeypatch.setenv("KAOHE_DEMO_PASSWORD", "Demo-pass-2020!")
    ensure_demo_users(log=lambda *_: None)
    return {
        u.username: u for u in django_user_model.objects.filter(username__in=[u[0] for u in USERS])
    }


@pytest.fixture
def sign_in(demo_users):
    def make(username: str | None, **kwargs) -> Client:
        client = Client(**kwargs)
        if username:
            client.force_login(demo_users[username], backend=BACKEND)
        return client

    return make


def _pdf(name: str) -> ContentFile:
    return ContentFile(PDF, name=name)


SITE = "http://www.jh.test"
TYPO = "部暑"  # a wording error on 住建局's article


def _html(title: str, body: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    ).encode()


def _inspection(campaign, office, zjj, tlz, dsj_leaf, scjg_leaf) -> dict:
    """The county portal with a column of each unit (imported through the service, as in
    tests/inspection); a finished run of it whose three findings are built with the ORM, shaped
    as ``store_report`` stores them, each with its page archived as WARC (a dead link's target
    too); and the rules mapping their kinds: wording and stale columns to dsj_leaf (scorer-dsj's
    agency), dead links to scjg_leaf (县市场监管局)."""
    site = Site.objects.create(name="精河县人民政府网", base_url=f"{SITE}/")
    columns = (
        "单位,栏目,网址,更新周期(天)\n"
        f"住建局,保障性住房,{SITE}/col/zjj/,180\n"
        f"托里镇,{TLZ_MARK}通知公告,{SITE}/col/tlz/,14\n"
    ).encode()
    plan = inspection.import_columns(site, columns, "columns.csv", office)
    assert plan.ok and plan.created == 2, plan.errors
    zjj_column, tlz_column = site.columns.get(unit=zjj), site.columns.get(unit=tlz)
    now = timezone.now()
    run = Inspection.objects.create(
        campaign=campaign, site=site, status=Inspection.Status.DONE, as_of=dt.date(2020, 11, 13),
        max_pages=20, requested_by=office, started_at=now, finished_at=now, pages_done=4,
        pages_total=4,
    )  # fmt: skip
    directory = inspection.warc_root() / campaign.code / f"site-{site.id}" / f"run-{run.id}"
    article, tlz_list = f"{SITE}/col/zjj/a1.html", f"{SITE}/col/tlz/"
    linking, target = f"{SITE}/col/zjj/a2.html", f"{SITE}/col/zjj/{SCJG_MARK}.html"
    pages = {
        article: (200, _html("保障性住房分配公示", f"<p>各单位要认真{TYPO}本年度保障性住房分配工作。</p>")),
        tlz_list: (200, _html(f"托里镇{TLZ_MARK}通知公告", "<ul><li>托里镇会议通知 2020-01-02</li></ul>")),
        linking: (200, _html("棚户区改造进展", f'<a href="{target}">抽查结果</a>')),
        target: (404, b"not found"),
    }  # fmt: skip
    offsets = {}
    with WarcArchive(directory) as archive:
        for url, (status, body) in pages.items():
            headers = [("Content-Type", "text/html; charset=utf-8")]
            offsets[url] = archive.write_exchange(url, "GET", [], status, "", headers, body)
        name = str(archive.path.relative_to(inspection.warc_root()))
    run.warc_dir = str(directory)
    run.save(update_fields=["warc_dir"])

    def finding(kind, unit, column, url, fields, fingerprint, **extra):
        return Finding.objects.create(
            inspection=run, kind=kind, unit=unit, column=column, fields=fields, url=url,
            fingerprint=fingerprint, fetched_at=now, http_status="200", warc_file=name,
            warc_offset=offsets[url], **extra,
        )  # fmt: skip

    text = parse_html(article, pages[article][1].decode()).text
    offset = text.index(TYPO)
    zjj_finding = finding(
        "wording", zjj, zjj_column, article,
        {"page": article, "text": TYPO, "offset": offset, "category": "typo", "severity": "error",
         "suggestion": "部署", "rule": "typo-bushu"},
        "zjj-wording", context_before=text[offset - 5 : offset],
        context_after=text[offset + 2 : offset + 7],
    )  # fmt: skip
    tlz_finding = finding(
        "stale_column", tlz, tlz_column, tlz_list,
        {"unit": "托里镇", "column": tlz_column.name, "url": tlz_list, "last_update": "2020-01-02",
         "max_age_days": 14},
        "tlz-stale",
    )  # fmt: skip
    zjj_scjg_finding = finding(
        "dead_link", zjj, zjj_column, linking,
        {"page": linking, "target": target, "status": 404},
        "zjj-dead-link", target_warc_file=name, target_warc_offset=offsets[target],
    )  # fmt: skip
    for kind, leaf, mark in (
        ("wording", dsj_leaf, ""), ("stale_column", dsj_leaf, ""), ("dead_link", scjg_leaf, SCJG_MARK),
    ):  # fmt: skip
        FindingRule.objects.create(
            campaign=campaign, kind=kind, indicator=leaf, amount=Decimal("0.5"),
            reason_template=f"{mark}{inspection.DEFAULT_REASONS[kind]}",
        )  # fmt: skip
    return {
        "site": site, "run": run, "zjj_finding": zjj_finding, "tlz_finding": tlz_finding,
        "zjj_scjg_finding": zjj_scjg_finding,
    }  # fmt: skip


@pytest.fixture
def world(campaign, demo_users) -> World:
    names = UnitNames()
    zjj, tlz = names.resolve("住建局"), names.resolve("托里镇")
    leaves = Indicator.objects.filter(scorecard__campaign=campaign, scorecard__code="zwgk")
    dsj_leaf, scjg_leaf = leaves.get(code="1.1"), leaves.get(code="6")
    assert dsj_leaf.owner == demo_users["scorer-dsj"].membership.unit
    assert scjg_leaf.owner == demo_users["scorer-scjg"].membership.unit
    office, zjj_user, tlz_user = (demo_users[n] for n in ("office", "unit-zjj", "unit-tlz"))

    def entry(unit, leaf, reason, file_name):
        return LedgerEntry.objects.create(
            campaign=campaign, unit=unit, indicator=leaf, amount=Decimal("0.5"), reason=reason,
            evidence_file=_pdf(file_name), author=office, author_name="考核办",
        )  # fmt: skip

    zjj_entry = entry(zjj, dsj_leaf, "住建局栏目更新不及时（附截图）", "zjj.pdf")
    zjj_scjg_entry = entry(zjj, scjg_leaf, f"{SCJG_MARK} 抽查结果公示超期", "scjg.pdf")
    tlz_entry = entry(tlz, dsj_leaf, f"{TLZ_MARK} 托里镇会议纪要未公开", "tlz.pdf")

    def appeal(unit, e, user, text):
        return Appeal.objects.create(
            campaign=campaign, entry=e, unit=unit, text=text, submitted_by=user,
            evidence_file=_pdf("appeal.pdf"), evidence_name=f"{text}.pdf",
        )  # fmt: skip

    def rect(unit, e, user, text):
        return Rectification.objects.create(
            campaign=campaign, entry=e, unit=unit, text=text, submitted_by=user,
            evidence_file=_pdf("rect.pdf"), evidence_name=f"{text}.pdf",
        )  # fmt: skip

    def contact(unit, name):
        return Contact.objects.create(
            unit=unit, duty=Duty.WEBSITE, name=name, start_date="2020-01-06"
        )

    def handover(unit, to):
        return Handover.objects.create(
            unit=unit, duty=Duty.WEBSITE, to_contact=to, date="2020-01-06", items="网站后台账号",
            recorded_by=office,
        )  # fmt: skip

    zjj_contact, tlz_contact = contact(zjj, "马住建"), contact(tlz, f"{TLZ_MARK}联系人")
    return World(
        campaign=campaign, zjj=zjj, tlz=tlz, dsj_leaf=dsj_leaf, scjg_leaf=scjg_leaf,
        zjj_entry=zjj_entry, zjj_scjg_entry=zjj_scjg_entry, tlz_entry=tlz_entry,
        zjj_appeal=appeal(zjj, zjj_entry, zjj_user, "住建局复核理由"),
        tlz_appeal=appeal(tlz, tlz_entry, tlz_user, f"{TLZ_MARK}复核理由"),
        zjj_rect=rect(zjj, zjj_entry, zjj_user, "住建局整改情况"),
        tlz_rect=rect(tlz, tlz_entry, tlz_user, f"{TLZ_MARK}整改情况"),
        zjj_alias=UnitAlias.objects.get(unit=zjj, alias="县住建局"),
        tlz_alias=UnitAlias.objects.create(unit=tlz, alias=f"{TLZ_MARK}镇"),
        zjj_contact=zjj_contact, tlz_contact=tlz_contact,
        zjj_handover=handover(zjj, zjj_contact), tlz_handover=handover(tlz, tlz_contact),
        **_inspection(campaign, office, zjj, tlz, dsj_leaf, scjg_leaf),
    )  # fmt: skip
