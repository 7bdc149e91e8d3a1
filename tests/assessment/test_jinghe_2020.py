"""The 2020 Jinghe assessment reproduced: the notice's annexes, grade counts and statements."""

import csv
import io
import json
from collections import Counter

import pytest
from django.core.management import call_command

from kaohe.assessment.models import GradeAdjustment, LedgerEntry, Result
from kaohe.assessment.results import FrozenError, recompute
from kaohe.assessment.statistics import campaign_statistics
from kaohe.core.stats import percent

pytestmark = pytest.mark.django_db

ANNEX_SCORECARDS = {
    "1": "2020年精河县政务公开年度绩效考核评分表",
    "2": "2020年精河县“自治区一体化在线政务服务平台”年度绩效考核评分表",
}


def results_csv(*args: str) -> list[dict]:
    out = io.StringIO()
    call_command("results", "jinghe-2020", "--format", "csv", *args, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_csv_header_is_the_contract(campaign):
    out = io.StringIO()
    call_command("results", "jinghe-2020", "--format", "csv", stdout=out)
    assert out.getvalue().splitlines()[0] == "考核表,类别,序号,单位,得分,等次"


def test_results_reproduce_both_annexes_exactly(campaign, seed_annexes):
    assert len(seed_annexes) == 7 + 25 + 29
    expected = [
        (ANNEX_SCORECARDS[a], g, str(n), unit, score) for a, g, n, unit, score in seed_annexes
    ]
    actual = [(r["考核表"], r["类别"], r["序号"], r["单位"], r["得分"]) for r in results_csv()]
    assert actual == expected


def test_each_annex_keeps_its_own_wording_for_the_same_unit(campaign):
    rows = results_csv()
    by_table = {(r["考核表"], r["单位"]) for r in rows}
    assert (ANNEX_SCORECARDS["1"], "住建局") in by_table
    assert (ANNEX_SCORECARDS["2"], "住房和城乡建设局") in by_table
    assert (ANNEX_SCORECARDS["2"], "发展和改革委员会") in by_table
    same = Result.objects.filter(campaign=campaign, display_name__in=["住建局", "住房和城乡建设局"])
    assert {r.unit.name for r in same} == {"精河县住房和城乡建设局"}


def test_equal_scores_follow_the_stroke_tie_break_not_hard_coding(campaign):
    platform = [r for r in results_csv("--scorecard", "ythpt")]
    order = [r["单位"] for r in platform]
    assert order.index("卫生健康委员会") < order.index(
        "农业农村局"
    )  # 91.6 each: 卫 3 < 农 6 strokes
    assert order.index("文旅局") < order.index("市场监督管理局") < order.index("退役军人事务局")
    assert order.index("医疗保障局") < order.index("应急管理局")  # 医疗 7+7 < 应急 7+9
    # Switching the tie-break changes the order of ties only.
    card = campaign.scorecards.get(code="ythpt")
    card.tie_break = card.TieBreak.SORT_ORDER
    card.save()
    resorted = [r["单位"] for r in results_csv("--scorecard", "ythpt")]
    assert resorted != order
    assert [r["得分"] for r in results_csv("--scorecard", "ythpt")] == [r["得分"] for r in platform]


def test_overall_grade_counts_match_the_notice(campaign):
    rows = results_csv("--overall")
    counts = Counter((r["类别"], r["等次"]) for r in rows)
    assert counts[("乡镇场", "优秀")] == 2
    assert counts[("乡镇场", "良好")] == 2
    assert counts[("县直部门", "优秀")] == 18
    assert counts[("县直部门", "良好")] == 10
    grade = {r["单位"]: r["等次"] for r in rows}
    assert grade["八家户农场"] == "优秀" and grade["精河镇"] == "良好"
    for unit in ("财政局", "自然资源局", "教育局"):
        assert grade[unit] == "优秀"
    for unit in ("审计局", "交通运输局"):
        assert grade[unit] == "良好"


def test_audit_bureau_is_an_explicit_adjustment_with_its_reason(campaign):
    adjustment = GradeAdjustment.objects.get(campaign=campaign, unit__name="精河县审计局")
    assert adjustment.grade == "良好" and "94.7" in adjustment.reason
    result = Result.objects.get(
        campaign=campaign, unit=adjustment.unit, group__scorecard__code="zwgk"
    )
    assert (result.rule_grade, result.grade, result.adjusted) == ("优秀", "良好", True)
    assert "调整" in result.notes
    out = io.StringIO()
    call_command("results", "jinghe-2020", "--format", "json", stdout=out)
    audit = [r for r in json.loads(out.getvalue())["results"] if r["unit"] == "审计局"][0]
    assert audit["adjusted"] is True and audit["rule_grade"] == "优秀"


def test_active_disclosure_is_40_points_with_the_notices_full_mark_ratios(campaign):
    stats = {(r.group, r.code): r for r in campaign_statistics(campaign, "zwgk")}
    assert stats[("乡镇场", "1")].name == "主动公开"
    assert stats[("乡镇场", "1")].points == 40
    assert percent(stats[("乡镇场", "1")].stats.full_mark_ratio) == "29%"
    assert percent(stats[("县直部门", "1")].stats.full_mark_ratio) == "12%"


@pytest.mark.parametrize(
    ("code", "reason_part", "units"),
    [
        (
            "1.3",
            "重点领域信息更新发布滞后",
            {"精河县住房和城乡建设局", "精河县农业农村局", "精河县卫生健康委员会"},
        ),
        ("3.1", "发布文章与审批表不一致", {"托里镇人民政府", "精河县文化体育广播电视和旅游局"}),
        ("5.1", "工作总结", {"精河工业园区管委会", "精河县住房和城乡建设局", "阿合其农场管委会"}),
    ],
)
def test_ledger_embodies_the_notices_named_problems(campaign, code, reason_part, units):
    entries = LedgerEntry.objects.filter(
        campaign=campaign, indicator__scorecard__code="zwgk", indicator__code=code
    )
    assert {e.unit.name for e in entries if reason_part in e.reason} == units
    assert all(e.illustrative for e in entries)


def test_recompute_from_the_ledger_gives_the_same_results(campaign):
    before = list(
        Result.objects.filter(campaign=campaign).values_list(
            "group_id", "unit_id", "total", "position", "grade"
        )
    )
    recompute(campaign)
    after = list(
        Result.objects.filter(campaign=campaign).values_list(
            "group_id", "unit_id", "total", "position", "grade"
        )
    )
    assert sorted(before) == sorted(after)


def test_published_campaign_is_frozen(campaign):
    campaign.status = campaign.Status.PUBLISHED
    campaign.save()
    with pytest.raises(FrozenError):
        recompute(campaign)


def test_explain_shows_every_entry_behind_the_score(campaign):
    out = io.StringIO()
    call_command("explain", "jinghe-2020", "县住建局", stdout=out)
    text = out.getvalue()
    assert "精河县住房和城乡建设局" in text
    assert "第23名  得分 76.2" in text and "第5名  得分 93.8" in text
    assert "1 主动公开  31.3/40" in text
    assert "重点领域信息更新发布滞后" in text and "[示例]" in text
    entries = LedgerEntry.objects.filter(
        campaign=campaign, unit__name="精河县住房和城乡建设局"
    ).count()
    assert text.count("· ") == entries
