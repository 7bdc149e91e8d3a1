"""Who may open the workspace and which cells: scorers see their agency's indicators only."""

import pytest
from kaohe_scoring_testutil import HTMX, cell_url, leaf, unit

from kaohe.assessment.models import Indicator, LedgerEntry

pytestmark = pytest.mark.django_db


def workspace_url(campaign) -> str:
    return f"/campaigns/{campaign.code}/scoring/"


def test_a_scorer_sees_only_the_indicators_their_agency_owns(open_campaign, login):
    response = login("scorer-dsj").get(workspace_url(open_campaign))
    assert response.status_code == 200
    ws = response.context["ws"]
    shown = {leaf.pk for card in ws.cards for leaf in card.leaves}
    dsj = unit("县政务服务和大数据发展服务中心")
    assert shown == set(
        Indicator.objects.filter(
            scorecard__campaign=open_campaign, owner=dsj, children__isnull=True
        ).values_list("pk", flat=True)
    )
    assert len(shown) == 10  # zwgk 1.1–1.4, 3.1–3.3; ythpt 2–4
    html = response.content.decode()
    assert "决策和执行公开" in html and "网上办件应用" in html
    assert "依申请公开" not in html  # zwgk 2 belongs to the office
    assert "“双随机、一公开”监管" not in html  # zwgk 6 belongs to 市场监管局
    foreign = leaf(open_campaign, "zwgk", "6")
    assert f'/{foreign.pk}/"' not in html


def test_the_matrix_shows_scores_counts_and_progress(open_campaign, login):
    response = login("scorer-dsj").get(workspace_url(open_campaign))
    ws = response.context["ws"]
    zwgk = ws.cards[0]
    assert [g.group.name for g in zwgk.groups] == ["乡镇场", "县直部门"]
    town = next(g for g in zwgk.groups if g.group.name == "乡镇场")
    assert len(town.rows) == 7 and town.cells == 7 * 7
    # Every cell shows the score compute() gives and the ledger's entry count.
    bjh = unit("八家户农场")
    _card, _group, row, cell = ws.find(bjh.pk, leaf(open_campaign, "zwgk", "3.2").pk)
    entries = LedgerEntry.objects.filter(
        campaign=open_campaign, unit=bjh, indicator__code="3.2", indicator__scorecard__code="zwgk"
    )
    assert cell.entries == entries.count() > 0
    assert cell.state == "deducted" and cell.score < cell.points
    assert ws.done == sum(1 for *_, c in ws.index.values() if c.entries)
    assert ws.cells == len(ws.index)
    html = response.content.decode()
    assert 'class="cell deducted"' in html
    assert f"已评 {ws.done}/{ws.cells} 格" in html


def test_cells_are_keyboard_reachable_links_that_open_the_drawer(open_campaign, login):
    html = login("scorer-dsj").get(workspace_url(open_campaign)).content.decode()
    # An <a href> is in the tab order and opens on Enter; htmx loads it into the drawer.
    assert 'class="cell' in html and 'hx-target="#cell-panel"' in html
    assert '<aside id="cell-panel"' in html


def test_the_office_sees_every_leaf_and_can_filter_by_scorecard(open_campaign, login):
    client = login("office")
    ws = client.get(workspace_url(open_campaign)).context["ws"]
    leaves = Indicator.objects.filter(scorecard__campaign=open_campaign, children__isnull=True)
    assert sum(len(c.leaves) for c in ws.cards) == leaves.count()
    filtered = client.get(workspace_url(open_campaign), {"card": "ythpt"})
    assert [c.card.code for c in filtered.context["shown"]] == ["ythpt"]
    assert "自治区一体化在线政务服务平台" in filtered.content.decode()


def test_a_foreign_indicator_is_not_found(open_campaign, login):
    client = login("scorer-dsj")
    foreign = leaf(open_campaign, "zwgk", "6")  # 市场监管局's
    town = unit("托里镇")
    url = cell_url(open_campaign, town, foreign)
    assert client.get(url).status_code == 404
    before = LedgerEntry.objects.count()
    posted = client.post(url, {"amount": "1", "reason": "x", "version": "0"}, headers=HTMX)
    assert posted.status_code == 404
    theirs = LedgerEntry.objects.filter(campaign=open_campaign, indicator=foreign).first()
    if theirs is None:
        theirs = LedgerEntry.objects.create(
            campaign=open_campaign, unit=town, indicator=foreign, amount=1, reason="监管未公示"
        )
        before += 1
    reverse = f"/campaigns/{open_campaign.code}/scoring/entry/{theirs.pk}/reverse/"
    assert client.post(reverse, {"reason": "x", "version": theirs.pk}).status_code == 404
    evidence = f"/campaigns/{open_campaign.code}/scoring/entry/{theirs.pk}/evidence/"
    assert client.get(evidence).status_code == 404
    assert LedgerEntry.objects.count() == before
    # An inner node is never a cell, not even for the office.
    inner = leaf(open_campaign, "zwgk", "1")
    assert login("office").get(cell_url(open_campaign, town, inner)).status_code == 404


def test_a_unit_not_enrolled_on_the_scorecard_is_not_a_cell(open_campaign, login):
    town = unit("托里镇")  # a township: not on the platform scorecard
    platform = leaf(open_campaign, "ythpt", "2")
    assert login("scorer-dsj").get(cell_url(open_campaign, town, platform)).status_code == 404


@pytest.mark.parametrize("username", ["unit-zjj", "leader"])
def test_unit_users_and_leaders_are_refused(open_campaign, login, username):
    client = login(username)
    own = leaf(open_campaign, "zwgk", "1.1")
    base = f"/campaigns/{open_campaign.code}/scoring/"
    assert client.get(base).status_code == 403
    assert client.get(cell_url(open_campaign, unit("住建局"), own)).status_code == 403
    assert client.get(base + "bulk/").status_code == 403
    before = LedgerEntry.objects.count()
    posted = client.post(
        cell_url(open_campaign, unit("住建局"), own),
        {"amount": "1", "reason": "x", "evidence": "https://a.example/", "version": "0"},
    )
    assert posted.status_code == 403
    assert LedgerEntry.objects.count() == before


def test_anonymous_visitors_are_sent_to_login(open_campaign, client):
    response = client.get(f"/campaigns/{open_campaign.code}/scoring/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_frozen_campaign_is_shown_read_only(open_campaign, login):
    open_campaign.status = open_campaign.Status.PUBLISHED
    open_campaign.save(update_fields=["status"])
    html = login("scorer-dsj").get(workspace_url(open_campaign)).content.decode()
    assert "考核已发布，结果已冻结。现在只能查看" in html
    assert "批量粘贴录入" not in html
