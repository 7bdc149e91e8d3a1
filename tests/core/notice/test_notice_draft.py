"""draft_body: the 2020 精河县 body drafted from facts; it passes its own check, and its
result sentence says what the published notice says."""

from __future__ import annotations

import string
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from kaohe_notice_facts import facts_by_rules, facts_without_adjustment, seed_facts, seed_units

from kaohe.core.notice import IndicatorFact, NoticeFacts, check_notice, draft_body, render_text
from kaohe.core.notice import draft as templates
from kaohe.core.notice.draft import format_window
from kaohe.core.notice.text import fold_width
from kaohe.documents.model import Heading, Notice, Paragraph

SEED_RESULTS = (
    "从考核结果看,八家户农场等2个乡镇场和县财政局、自然资源局、教育局等18个县直部门达到优秀等次;"
    "精河镇等2个乡镇场和审计局、交通运输局等10个县直部门达到良好等次。"
)
# The 2020 notice's choice of which 优秀 departments to name (as it wrote them).
SEED_EXAMPLES = {("县直部门", "优秀"): ("县财政局", "自然资源局", "教育局")}


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


@pytest.mark.parametrize("make", [seed_facts, facts_without_adjustment, facts_by_rules])
def test_round_trip_a_draft_passes_its_own_check(make):
    facts = make()
    assert check_notice(render_text(draft_body(facts)), facts) == []


def test_round_trip_with_the_seed_examples(facts):
    assert check_notice(render_text(draft_body(facts, examples=SEED_EXAMPLES)), facts) == []


def test_result_sentence_is_the_seed_sentence(seed_text, facts):
    drafted = _line(render_text(draft_body(facts, examples=SEED_EXAMPLES)), "从考核结果看")
    assert fold_width(drafted) == fold_width(SEED_RESULTS)
    assert SEED_RESULTS in seed_text


def test_result_sentence_by_default_names_the_top_ranked_units(facts):
    drafted = _line(render_text(draft_body(facts)), "从考核结果看")
    assert drafted == (
        "从考核结果看，八家户农场等2个乡镇场和财政局、科技局、人社局等18个县直部门达到优秀等次；"
        "精河镇等2个乡镇场和审计局、交通运输局等10个县直部门达到良好等次。"
    )


def test_a_unit_whose_grade_lacks_an_adjustment_is_never_named():
    drafted = _line(render_text(draft_body(facts_without_adjustment())), "从考核结果看")
    assert "审计局" not in drafted
    assert "交通运输局、民政局等10个县直部门达到良好等次" in drafted


def test_examples_must_be_units_of_that_group_and_grade(facts):
    for wrong in (("交通运输局",), ("茫丁乡",), ("县城管局",)):
        with pytest.raises(ValueError, match="交通运输局|茫丁乡|县城管局"):
            draft_body(facts, examples={("县直部门", "优秀"): wrong})


def test_opening_states_the_counts_from_the_facts(facts):
    opening = draft_body(facts)[0]
    assert opening == Paragraph(
        "按照《关于印发《2020年自治州政务服务考核实施方案》的通知》（博州政办发电〔2020〕23号）"
        "和《关于开展精河县政务公开、政务服务2020年度考核工作的通知》（精政办发电〔2020〕6号）要求，"
        "县政府办公室对7个乡镇场和32个县直有关部门2020年政务公开、政务服务工作进行了考核。"
        "经县人民政府同意，现将有关情况通报如下："
    )


def test_overview_states_window_method_and_lead_agencies(facts):
    text = render_text(draft_body(facts))
    assert _line(text, "县政府办公室于") == (
        "县政府办公室于11月9日-13日对各乡镇场、县直部门的政务公开、政务服务工作进行考核，"
        "此次考核采用网上核验与日常考核相结合的方式进行，"
        "由县行政服务中心、县政务服务和大数据发展服务中心、县市场监管局牵头考核赋分。"
    )


def test_problems_section_computes_every_figure(facts):
    text = render_text(draft_body(facts))
    assert _line(text, "㈠部分指标") == (
        "㈠部分指标得分率偏低。特别是“主动公开”指标（此项总分40分），"
        "乡镇场得满分的占29%，部门得满分的占12%。"
    )
    assert _line(text, "㈡网上核验") == (
        "㈡网上核验和日常考核发现的问题。"
        "一是重点领域信息更新发布滞后（如：农业农村局、卫健委、住建局）。"
        "二是“三审三校”档案中发布文章与审批表不一致（如：托里镇、文旅局）。"
        "三是年度工作总结未按时上报。按照考核通知要求，应于11月10日前完成，"
        "截至目前，阿合其农场、住建局、工业园区还未上报。"
    )
    assert _line(text, "㈢数据报送") == (
        "㈢数据报送情况。截至目前，APP注册企业用户1268个，APP注册个人用户57360个。"
    )


def test_body_structure_and_it_fits_the_document_model(facts):
    body = draft_body(facts)
    headings = [(b.level, b.text) for b in body if isinstance(b, Heading)]
    assert [t for level, t in headings if level == 1] == [
        "一、总体情况",
        "二、存在问题",
        "三、相关要求",
    ]
    assert all(isinstance(b, Paragraph | Heading) for b in body)
    assert body[-1].text.endswith("全力做好2021年政务公开、政务服务工作。")
    notice = Notice(
        issuer="精河县政府办公室",
        doc_number="",
        title="关于2020年度全县政务公开政务服务工作考核结果的通报",
        addressees="精河工业园区管委会，各乡镇人民政府、场管委，县直各部门：",
        body=body,
        signature="精河县政府办公室",
        date=date(2020, 12, 24),
    )
    assert notice.body == body


def test_weakest_chooses_indicators_by_full_mark_ratio(facts):
    easy = IndicatorFact(
        "政策解读", Decimal(10), {"乡镇场": Decimal(6) / 7, "县直部门": Decimal(1)}
    )
    hard = IndicatorFact(
        "依申请公开", Decimal(15), {"乡镇场": Decimal(0), "县直部门": Decimal(1) / 4}
    )
    more = replace(facts, indicators=(easy, *facts.indicators, hard))
    one = _line(render_text(draft_body(more)), "㈠")
    assert "“依申请公开”指标（此项总分15分），乡镇场得满分的占0%，部门得满分的占25%" in one
    assert "主动公开" not in one
    two = render_text(draft_body(more, weakest=2))
    assert "；“主动公开”指标（此项总分40分）" in two and "政策解读" not in two
    assert check_notice(two, more) == []
    none = render_text(draft_body(more, weakest=0))
    assert "得满分" not in none and "㈠网上核验" in none


def test_a_single_unit_of_a_grade_is_named_without_deng(facts: NoticeFacts):
    units = seed_units()
    units["茫丁乡"] = replace(units["茫丁乡"], rule_grade="良好", grade="良好")
    one = replace(facts, units=units)
    text = render_text(draft_body(one))
    assert "八家户农场1个乡镇场和" in text
    assert "精河镇等3个乡镇场" in text
    assert check_notice(text, one) == []


def test_no_examples_gives_the_bare_count(facts):
    drafted = render_text(draft_body(facts, examples={("乡镇场", "优秀"): ()}))
    assert "从考核结果看，2个乡镇场和财政局" in drafted
    assert check_notice(drafted, facts) == []


def test_a_drafted_body_that_is_then_edited_wrongly_is_caught(facts):
    text = render_text(draft_body(facts)).replace("32个县直有关部门", "33个县直有关部门")
    text = text.replace("占29%", "占30%").replace(
        "（如：托里镇、文旅局）", "（如：托里镇、财政局）"
    )
    assert [f.kind for f in check_notice(text, facts)] == ["count", "percent", "problem_member"]


@pytest.mark.parametrize(
    ("first", "last", "written"),
    [
        (date(2020, 11, 9), date(2020, 11, 13), "11月9日-13日"),
        (date(2020, 11, 30), date(2020, 12, 4), "11月30日-12月4日"),
        (date(2020, 12, 30), date(2021, 1, 3), "2020年12月30日-2021年1月3日"),
        (date(2020, 11, 9), date(2020, 11, 9), "11月9日"),
    ],
)
def test_format_window(first, last, written):
    assert format_window(first, last) == written


def test_templates_use_named_placeholders_only():
    """Positional "{}" would make a template unreadable and easy to fill in the wrong order."""
    constants = [v for k, v in vars(templates).items() if k.isupper() and isinstance(v, str)]
    assert len(constants) > 15
    for template in constants:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
        assert all(f.isidentifier() for f in fields), template
