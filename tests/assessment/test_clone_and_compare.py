"""Next year's campaign cloned from the 2020 Jinghe demo, then compared with it (“全力做好2021年工作”)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

import kaohe.urls
from kaohe.accounts.models import Membership, Role
from kaohe.assessment import views_years
from kaohe.assessment.clone import CloneError, clone_campaign, retired_units
from kaohe.assessment.compare import OVERALL, compare_campaigns
from kaohe.assessment.models import (
    BasisDocument,
    Campaign,
    Downgrade,
    Enrollment,
    GradeAdjustment,
    GradeBand,
    Indicator,
    IndicatorPoints,
    LedgerEntry,
    RankingGroup,
    Result,
    Scorecard,
    Transition,
)
from kaohe.assessment.results import recompute
from kaohe.assessment.statistics import campaign_statistics
from kaohe.audit.models import AuditRecord
from kaohe.audit.trail import verify
from kaohe.core.stats import percent
from kaohe.registry.models import Category, Unit
from kaohe.registry.names import UnitNames

# The project's URLs plus the two pages of this feature, so these tests run whether or not
# kaohe/urls.py has been wired yet (once it has, its own patterns match first).
urlpatterns = [
    *kaohe.urls.urlpatterns,
    path(
        "campaigns/<slug:code>/",
        include([
            path("clone/", views_years.clone, name="clone"),
            path("compare/", views_years.compare, name="compare"),
        ]),
    ),
]  # fmt: skip

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

BACKEND = "django.contrib.auth.backends.ModelBackend"
PEOPLE = {
    "y-office": (Role.OFFICE, "县政府办公室"),
    "y-admin": (Role.ADMIN, "县政府办公室"),
    "y-leader": (Role.LEADER, "县政府办公室"),
    "y-scorer": (Role.SCORER, "县政务服务和大数据发展服务中心"),
    "y-unit": (Role.UNIT, "住建局"),
}
NEW = "jinghe-2021"
NAME = "2021年度全县政务公开政务服务工作考核"


@pytest.fixture
def people(db, django_user_model) -> dict:
    names = UnitNames()
    found = {}
    for username, (role, unit) in PEOPLE.items():
        user = django_user_model.objects.create_user(username, first_name=f"{username}（测试）")
        Membership.objects.create(user=user, role=role, unit=names.resolve(unit))
        found[username] = user
    return found


@pytest.fixture
def as_user(people):
    def sign_in(username: str) -> Client:
        client = Client()
        client.force_login(people[username], backend=BACKEND)
        return client

    return sign_in


@pytest.fixture
def unit():
    """A unit by any of its names (read afresh: tests add units)."""
    return lambda name: UnitNames().resolve(name)


def structure(campaign: Campaign) -> dict:
    """The set-up of a campaign as comparable plain values (ids replaced by codes and names)."""
    return {
        "basis": list(campaign.basis_documents.values_list("title", "number", "sort_order")),
        "scorecards": list(
            campaign.scorecards.values_list(
                "code", "full_marks", "tie_policy", "tie_break", "tie_break_indicator", "weight",
                "annex_name_label", "annex_score_label", "sort_order",
            )
        ),
        "groups": sorted(
            (g.scorecard.code if g.scorecard else "", g.name, g.fallback_grade, g.sort_order,
             tuple(sorted(c.name for c in g.categories.all())),
             tuple((b.grade, b.min_score, b.quota, b.sort_order) for b in g.bands.all()))
            for g in campaign.groups.select_related("scorecard").prefetch_related("categories", "bands")
        ),
        "indicators": sorted(
            (i.scorecard.code, i.code, i.parent.code if i.parent else "", i.name, i.points,
             i.rule_kind, i.rule_params, i.owner_id, i.sort_order,
             tuple(sorted((p.category.name, p.points) for p in i.category_points.all())))
            for i in Indicator.objects.filter(scorecard__campaign=campaign)
            .select_related("scorecard", "parent").prefetch_related("category_points__category")
        ),
        "enrollments": sorted(
            Enrollment.objects.filter(scorecard__campaign=campaign).values_list(
                "scorecard__code", "unit_id", "display_name"
            )
        ),
    }  # fmt: skip


def history_of(campaign: Campaign) -> dict[str, int]:
    return {
        "ledger": LedgerEntry.objects.filter(campaign=campaign).count(),
        "results": Result.objects.filter(campaign=campaign).count(),
        "adjustments": GradeAdjustment.objects.filter(campaign=campaign).count(),
        "downgrades": Downgrade.objects.filter(campaign=campaign).count(),
        "transitions": Transition.objects.filter(campaign=campaign).count(),
    }


# ---- clone -----------------------------------------------------------------------------------


def test_clone_copies_the_structure_exactly_and_no_history(campaign, people):
    # Details the demo does not use, so that copying them is checked too.
    town = Category.objects.get(name="乡镇场")
    top = Indicator.objects.get(scorecard__campaign=campaign, scorecard__code="zwgk", code="2")
    IndicatorPoints.objects.create(indicator=top, category=town, points=Decimal(10))
    Indicator.objects.filter(pk=top.pk).update(rule_params={"cap": "8"})
    Downgrade.objects.create(campaign=campaign, unit=UnitNames().resolve("住建局"), reason="测试")
    GradeBand.objects.filter(group__campaign=campaign, grade="优秀").update(quota=Decimal("0.3"))

    new = clone_campaign(campaign, NEW, 2021, NAME, people["y-office"])

    assert structure(new) == structure(campaign)
    counts = {
        model.__name__: (model.objects.filter(**{lookup: campaign}).count(),
                         model.objects.filter(**{lookup: new}).count())
        for model, lookup in (
            (BasisDocument, "campaign"), (Scorecard, "campaign"), (RankingGroup, "campaign"),
            (GradeBand, "group__campaign"), (Indicator, "scorecard__campaign"),
            (IndicatorPoints, "indicator__scorecard__campaign"),
            (Enrollment, "scorecard__campaign"),
        )
    }  # fmt: skip
    assert all(before == after and before > 0 for before, after in counts.values()), counts
    assert counts["Scorecard"] == (2, 2) and counts["Enrollment"][1] == 61
    assert history_of(new) == dict.fromkeys(history_of(new), 0)
    assert history_of(campaign)["ledger"] > 0 and history_of(campaign)["downgrades"] == 1

    assert (new.year, new.name, new.previous, new.status) == (2021, NAME, campaign, "draft")
    assert (new.issuer, new.method, new.overall_method) == (
        campaign.issuer, campaign.method, campaign.overall_method,
    )  # fmt: skip
    assert (new.window_start, new.window_end) == (dt.date(2021, 11, 9), dt.date(2021, 11, 13))
    assert (new.period_start, new.period_end) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert new.appeal_deadline is None
    names = list(new.scorecards.values_list("name", flat=True))
    assert names == [
        n.replace("2020年", "2021年") for n in campaign.scorecards.values_list("name", flat=True)
    ]
    # The clone's indicators belong to the clone's scorecards, parents included.
    assert not Indicator.objects.filter(
        scorecard__campaign=new, parent__scorecard__campaign=campaign
    ).exists()

    audit = AuditRecord.objects.get(action="campaign.clone")
    assert (audit.campaign_id, audit.actor_id) == (new.pk, people["y-office"].pk)
    assert audit.before == {"source": "jinghe-2020", "source_id": campaign.pk}
    assert audit.after["copied"]["enrollments"] == 61 and audit.after["code"] == NEW
    assert verify() == []


def test_clone_enrolls_only_units_still_active_in_the_new_year(campaign, people, unit):
    gone = unit("阿合其农场")
    gone.active_to = 2020
    gone.save(update_fields=["active_to"])
    assert retired_units(campaign, 2021) == [gone]
    assert retired_units(campaign, 2020) == []

    new = clone_campaign(campaign, NEW, 2021, NAME, people["y-office"])
    old = Enrollment.objects.filter(scorecard__campaign=campaign)
    cloned = Enrollment.objects.filter(scorecard__campaign=new)
    assert (
        cloned.count()
        == old.exclude(unit=gone).count()
        == old.count() - old.filter(unit=gone).count()
    )
    assert not cloned.filter(unit=gone).exists()


def test_clone_refuses_an_existing_code_and_writes_nothing(campaign, people):
    clone_campaign(campaign, NEW, 2021, NAME, people["y-office"])
    before = (Campaign.objects.count(), Scorecard.objects.count(), AuditRecord.objects.count())
    for code in (NEW, "jinghe-2020"):
        with pytest.raises(CloneError, match=f"考核代码“{code}”已存在"):
            clone_campaign(campaign, code, 2021, NAME, people["y-office"])
    for code, year, name, message in (
        ("jinghe 2021", 2021, NAME, "考核代码“jinghe 2021”无效"),
        ("jinghe-2022", 1999, NAME, "年度“1999”无效"),
        ("jinghe-2022", 2022, "  ", "请填写新考核的名称"),
    ):
        with pytest.raises(CloneError, match=message):
            clone_campaign(campaign, code, year, name, people["y-office"])
    assert (
        Campaign.objects.count(),
        Scorecard.objects.count(),
        AuditRecord.objects.count(),
    ) == before


def test_cloning_a_published_campaign_changes_nothing_in_it(campaign, people):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PUBLISHED)
    campaign.refresh_from_db()
    rows = list(
        Result.objects.filter(campaign=campaign).values_list(
            "unit_id", "group_id", "total", "grade"
        )
    )
    setup, history = structure(campaign), history_of(campaign)

    new = clone_campaign(campaign, NEW, 2021, NAME, people["y-office"])

    campaign.refresh_from_db()
    assert campaign.is_frozen and not new.is_frozen
    assert structure(campaign) == setup and history_of(campaign) == history
    assert (
        list(
            Result.objects.filter(campaign=campaign).values_list(
                "unit_id", "group_id", "total", "grade"
            )
        )
        == rows
    )
    assert recompute(new) == len(rows)  # the clone is open: every unit scores full marks


def test_clone_page_is_for_the_office_and_admin_only(campaign, as_user):
    url = f"/campaigns/{campaign.code}/clone/"
    form = {"code": NEW, "year": "2021", "name": NAME}
    for username in ("y-leader", "y-scorer", "y-unit"):
        client = as_user(username)
        assert client.get(url).status_code == 403
        assert client.post(url, form).status_code == 403
    assert Client().post(url, form).status_code == 302  # anonymous: to the login page
    assert not Campaign.objects.filter(code=NEW).exists()

    page = as_user("y-office").get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="jinghe-2021"' in text and 'value="2021年度全县政务公开政务服务工作考核"' in text
    assert "不复制：评分记录" in text

    response = as_user("y-admin").post(url, form)
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{NEW}/"
    assert Campaign.objects.get(code=NEW).previous == campaign

    again = as_user("y-office").post(url, {**form, "name": "另一个"})
    assert again.status_code == 200 and "考核代码“jinghe-2021”已存在" in again.content.decode()
    assert Campaign.objects.filter(code=NEW).count() == 1
    assert not Campaign.objects.filter(name="另一个").exists()


def test_clone_command(campaign):
    out = io.StringIO()
    call_command("clone", "jinghe-2020", NEW, "--year", "2021", "--name", NAME, stdout=out)
    new = Campaign.objects.get(code=NEW)
    assert new.previous == campaign and new.name == NAME
    assert "已由 jinghe-2020 复制出 jinghe-2021" in out.getvalue()
    assert (
        AuditRecord.objects.get(action="campaign.clone", campaign_id=new.pk).actor_name == "命令行"
    )
    with pytest.raises(CommandError, match="已存在"):
        call_command("clone", "jinghe-2020", NEW, stdout=io.StringIO())
    with pytest.raises(CommandError, match="没有代码为“nope”的考核"):
        call_command("clone", "nope", "jinghe-2022", stdout=io.StringIO())
    call_command("clone", "jinghe-2020", "jinghe-2022", "--year", "2022", stdout=io.StringIO())
    assert Campaign.objects.get(code="jinghe-2022").name == "2022年度全县政务公开政务服务工作考核"


# ---- compare ---------------------------------------------------------------------------------


def deduct(campaign: Campaign, unit: Unit, card: str, code: str, amount: str) -> None:
    LedgerEntry.objects.create(
        campaign=campaign, unit=unit, author_name="测试", reason="2021年测试扣分",
        indicator=Indicator.objects.get(scorecard__campaign=campaign, scorecard__code=card, code=code),
        amount=Decimal(amount),
    )  # fmt: skip


@pytest.fixture
def year_2021(campaign, people, unit):
    """2021 cloned from 2020 without 阿合其农场 (dissolved), with one new department and a few
    deductions, recomputed."""
    gone = unit("阿合其农场")
    gone.active_to = 2020
    gone.save(update_fields=["active_to"])
    new = clone_campaign(campaign, NEW, 2021, NAME, people["y-office"])
    fresh = Unit.objects.create(
        name="精河县数据局", short_name="数据局", category=Category.objects.get(name="县直部门"),
        sort_order=999, active_from=2021,
    )  # fmt: skip
    Enrollment.objects.create(
        scorecard=new.scorecards.get(code="zwgk"), unit=fresh, display_name="数据局"
    )
    deduct(new, unit("住建局"), "zwgk", "1.3", "3")  # 主动公开 > 重点领域信息公开
    deduct(new, unit("托里镇"), "zwgk", "2", "1.5")  # 依申请公开
    deduct(new, unit("住建局"), "ythpt", "2", "5")  # 网上办件应用
    recompute(new)
    return new


def test_compare_computes_changes_for_named_units(campaign, year_2021, unit):
    comparison = compare_campaigns(year_2021, campaign)

    zjj = comparison.unit(unit("住建局").pk, "zwgk")
    assert (zjj.previous.total, zjj.current.total, zjj.change) == (
        Decimal("76.2"),
        Decimal(97),
        Decimal("20.8"),
    )
    assert zjj.change_text == "+20.8" and zjj.direction == "up"
    assert (zjj.previous.grade, zjj.current.grade) == ("良好", "优秀") and zjj.grade_changed
    assert (zjj.previous.rank, zjj.previous.group, zjj.current.group) == (
        23,
        "县直部门",
        "县直部门",
    )
    # The other 25 departments (数据局 new among them) score 100; 住建局 (97) comes last.
    assert zjj.current.rank == 26 and zjj.rank_change == -3 and zjj.rank_change_text == "↓3"

    tlz = comparison.unit(unit("托里镇").pk, "zwgk")
    assert (tlz.previous.total, tlz.current.total, tlz.change) == (
        Decimal("67.5"),
        Decimal("98.5"),
        Decimal(31),
    )
    assert (tlz.previous.rank, tlz.current.rank, tlz.previous.grade, tlz.current.grade) == (
        7,
        6,
        "一般",
        "优秀",
    )

    platform = comparison.unit(unit("住建局").pk, "ythpt")
    assert (platform.name, platform.previous.total, platform.current.total) == (
        "住房和城乡建设局",
        Decimal("93.8"),
        Decimal(95),
    )
    audit = comparison.unit(unit("审计局").pk, "zwgk")
    assert audit.previous.adjusted and not audit.current.adjusted  # adjustments stay in 2020
    assert audit.change == Decimal("5.3")

    # Each row agrees with the stored results of both years.
    for row in comparison.section("zwgk", "县直部门").rows:
        for side, year in ((row.previous, campaign), (row.current, year_2021)):
            if side is not None:
                stored = Result.objects.get(
                    campaign=year, group__scorecard__code="zwgk", unit_id=row.unit_id
                )
                assert (side.total, side.rank, side.grade) == (
                    stored.total,
                    stored.rank,
                    stored.grade,
                )

    # Joined and left, campaign-wide and in the rows.
    assert [u.name for u in comparison.joined] == ["数据局"]
    assert [u.name for u in comparison.left] == ["阿合其农场"]
    assert comparison.unit(unit("数据局").pk, "zwgk").status == "joined"
    assert comparison.unit(unit("阿合其农场").pk, "zwgk").status == "left"
    assert comparison.unit(unit("阿合其农场").pk, "zwgk").change is None
    towns = comparison.section("zwgk", "乡镇场")
    assert (len(towns.previous_scores), len(towns.current_scores)) == (7, 6)
    assert towns.grades == [("优秀", 2, 6), ("良好", 2, 0), ("一般", 3, 0)]

    # The overall (综合) result is compared too.
    overall = comparison.unit(unit("托里镇").pk, OVERALL)
    assert (overall.previous.total, overall.current.total) == (Decimal("67.5"), Decimal("98.5"))


def test_compare_full_mark_ratios_per_top_level_indicator(campaign, year_2021):
    comparison = compare_campaigns(year_2021, campaign)
    ratios = {
        (s.group, i.code): i
        for s in comparison.sections
        for i in s.indicators
        if s.scorecard_code == "zwgk"
    }
    # 2020 as the notice says: 主动公开 full marks for 29% of 乡镇场 and 12% of departments.
    assert percent(ratios["乡镇场", "1"].previous) == "29%" and ratios[
        "乡镇场", "1"
    ].previous_count == (2, 7)
    assert percent(ratios["县直部门", "1"].previous) == "12%"
    # 2021: only 住建局 lost points in 主动公开; only 托里镇 in 依申请公开.
    assert ratios["县直部门", "1"].current_count == (25, 26)
    assert ratios["乡镇场", "1"].current_count == (6, 6)
    assert ratios["乡镇场", "2"].current_count == (5, 6)
    assert ratios["乡镇场", "1"].change_text == "+71个百分点"
    assert ratios["乡镇场", "1"].current_text == "100%（6/6）"
    # Last year's ratios are the statistics page's.
    for row in campaign_statistics(campaign):
        if "." not in row.code and row.scorecard.startswith("2020年精河县政务公开"):
            assert ratios[row.group, row.code].previous == row.stats.full_mark_ratio
    chart = comparison.section("zwgk", "乡镇场").ratio_chart
    assert [p.label for p in chart.pairs] == ["1", "2", "3", "4", "5", "6"]
    assert chart.pairs[0].previous.text == "29%" and chart.pairs[0].current.text == "100%"


def test_compare_page_for_office_and_leader_not_for_units(campaign, year_2021, as_user):
    url = f"/campaigns/{NEW}/compare/"
    for username in ("y-office", "y-leader", "y-admin"):
        response = as_user(username).get(url)
        assert response.status_code == 200, username
        text = response.content.decode()
        assert text.count("<svg") == 2 * 3 + 2  # 3 scorecard groups × 2 charts + 2 overall groups
        assert "住建局" in text and "+20.8" in text and "新参评" in text and "阿合其农场" in text
        assert "29%（2/7）" in text
    for username in ("y-unit", "y-scorer"):
        assert as_user(username).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    # Another campaign may be chosen; an unknown one is 404; the campaign itself is refused.
    office = as_user("y-office")
    assert office.get(f"{url}?previous=nope").status_code == 404
    assert "不能与本考核自身对比" in office.get(f"{url}?previous={NEW}").content.decode()
    alone = office.get(f"/campaigns/{campaign.code}/compare/").content.decode()
    assert "尚未关联上一年度考核" in alone


def grow(campaigns: list[Campaign], extra: int = 360) -> None:
    """``extra`` more departments, enrolled on 政务公开 in every given campaign, one deduction each."""
    category = Category.objects.get(name="县直部门")
    units = Unit.objects.bulk_create(
        Unit(
            name=f"测试单位{i:03d}",
            short_name=f"测试{i:03d}",
            category=category,
            sort_order=1000 + i,
        )
        for i in range(extra)
    )
    for campaign in campaigns:
        card = campaign.scorecards.get(code="zwgk")
        Enrollment.objects.bulk_create(
            Enrollment(scorecard=card, unit=u, display_name=u.short_name) for u in units
        )
        leaf = Indicator.objects.get(scorecard=card, code="1.3")
        LedgerEntry.objects.bulk_create(
            LedgerEntry(campaign=campaign, unit=u, indicator=leaf, amount=Decimal(i % 7),
                        reason="批量测试扣分", author_name="测试")
            for i, u in enumerate(units)
        )  # fmt: skip
        recompute(campaign)


def page_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_compare_page_queries_do_not_grow_with_units(campaign, year_2021, as_user):
    client = as_user("y-office")
    url = f"/campaigns/{NEW}/compare/"
    client.get(url)  # warm the session and content-type caches
    small = page_queries(client, url)
    enrolled = Enrollment.objects.filter(scorecard__campaign=year_2021).values("unit").distinct()
    assert enrolled.count() < 45
    grow([campaign, year_2021])
    assert enrolled.count() > 395
    large = page_queries(client, url)
    assert large == small, f"{small} queries with ~40 units, {large} with ~400"
    assert small <= 60
    text = client.get(url).content.decode()
    assert "测试359" in text
