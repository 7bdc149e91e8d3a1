"""check_notice on the real 2020 精河县 notice: exactly its known contradictions, nothing
else; and every kind of planted error in a copy of it is found."""

from __future__ import annotations

from dataclasses import replace

import pytest
from kaohe_notice_facts import facts_by_rules, facts_without_adjustment, seed_units

from kaohe.core.notice import Finding, NoticeFacts, UnitFact, check_notice
from kaohe.core.notice.text import body_of

OPENING = (
    "按照《关于印发《2020年自治州政务服务考核实施方案》的通知》的通知(博州政办发电〔2020〕23号)"
    "和《关于开展精河县政务公开、政务服务2020年度考核工作的通知》(精政办发电〔2020〕6号)要求,"
    "县政府办公室对7个乡镇场和33个县直有关部门2020年政务公开、政务服务工作进行了考核。"
)
RESULTS = (
    "从考核结果看,八家户农场等2个乡镇场和县财政局、自然资源局、教育局等18个县直部门达到优秀等次;"
    "精河镇等2个乡镇场和审计局、交通运输局等10个县直部门达到良好等次。"
)
DEPARTMENT_COUNT = Finding(OPENING, "33个县直有关部门", "县直部门共32个", "count")
AUDIT = Finding(RESULTS, "审计局 良好", "审计局 数据中为优秀（94.7分，优秀线90分）", "grade_member")


def test_seed_notice_reports_only_the_33_departments(seed_text, facts):
    assert check_notice(seed_text, facts) == [DEPARTMENT_COUNT]


def test_without_the_adjustment_the_audit_bureau_is_reported_too(seed_text):
    assert check_notice(seed_text, facts_without_adjustment()) == [DEPARTMENT_COUNT, AUDIT]


def test_with_the_rules_grade_the_grade_counts_are_wrong_as_well(seed_text):
    findings = check_notice(seed_text, facts_by_rules())
    assert [(f.kind, f.claim, f.fact) for f in findings] == [
        ("count", "33个县直有关部门", "县直部门共32个"),
        ("grade_count", "18个县直部门达到优秀等次", "县直部门中优秀19个"),
        ("grade_member", "审计局 良好", "审计局 数据中为优秀（94.7分，优秀线90分）"),
        ("grade_count", "10个县直部门达到良好等次", "县直部门中良好9个"),
    ]


PLANTED = [
    pytest.param("对7个乡镇场", "对8个乡镇场", "count", "8个乡镇场", "乡镇场共7个", id="scope-count"),
    pytest.param(
        "等18个县直部门", "等17个县直部门", "grade_count", "17个县直部门达到优秀等次",
        "县直部门中优秀18个", id="grade-count",
    ),
    pytest.param(
        "等2个乡镇场和审计局", "等3个乡镇场和审计局", "grade_count", "3个乡镇场达到良好等次",
        "乡镇场中良好2个", id="grade-count-second-clause",
    ),
    pytest.param(
        "占29%", "占30%", "percent", "乡镇场得满分的占30%", "“主动公开”指标乡镇场得满分的占29%",
        id="percent",
    ),
    pytest.param(
        "部门得满分的占12%", "部门得满分的占21%", "percent", "部门得满分的占21%",
        "“主动公开”指标县直部门得满分的占12%", id="percent-departments",
    ),
    pytest.param(
        "此项总分40分", "此项总分50分", "points", "此项总分50分", "“主动公开”指标总分为40分",
        id="points",
    ),
    pytest.param(
        "县财政局、自然资源局", "县财政局、交通运输局", "grade_member", "交通运输局 优秀",
        "交通运输局 数据中为良好（89.2分，优秀线90分）", id="excellent-that-is-good",
    ),
    pytest.param(
        "精河镇等2个", "托托镇等2个", "grade_member", "托托镇 良好",
        "托托镇 数据中为一般（76.8分，良好线78分）", id="good-that-is-ordinary",
    ),
    pytest.param(
        "审计局、交通运输局等10个", "茫丁乡、交通运输局等10个", "grade_member", "茫丁乡 良好",
        "茫丁乡 不属于县直部门", id="town-counted-as-department",
    ),
    pytest.param(
        "(如:托里镇、县文旅局)", "(如:托里镇、县财政局)", "problem_member",
        "县财政局：“三审三校”档案中发布文章与审批表不一致",
        "财政局 不在数据中（“三审三校”档案中发布文章与审批表不一致：托里镇、文旅局）",
        id="problem-example",
    ),
    pytest.param(
        "县住建局、农业农村局", "县住建局、财政局", "problem_member",
        "财政局：重点领域信息更新发布滞后",
        "财政局 不在数据中（重点领域信息更新发布滞后：农业农村局、卫健委、住建局）",
        id="problem-example-unclosed-list",
    ),
    pytest.param(
        "住建局、阿合其农场还未上报", "财政局、阿合其农场还未上报", "problem_member",
        "财政局：年度工作总结未按时上报",
        "财政局 不在数据中（年度工作总结未按时上报：阿合其农场、住建局、工业园区）",
        id="problem-subject-list",
    ),
    pytest.param(
        "(如:托里镇、县文旅局)", "(如:托里镇、县城管局)", "unknown_unit", "县城管局",
        "单位名册中没有这个名称（含简称、别称）", id="unknown-example",
    ),
    pytest.param(
        "卫健委三是", "县卫计委三是", "unknown_unit", "县卫计委",
        "单位名册中没有这个名称（含简称、别称）", id="unknown-in-unclosed-list",
    ),
    pytest.param(
        "教育局等18个", "教体局等18个", "unknown_unit", "教体局",
        "单位名册中没有这个名称（含简称、别称）", id="unknown-grade-example",
    ),
    pytest.param(
        "企业用户1268个", "企业用户1286个", "count", "APP注册企业用户1286", "APP注册企业用户合计1268",
        id="report-total",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "kind", "claim", "fact"), PLANTED)
def test_a_planted_error_is_found(seed_text, facts, old, new, kind, claim, fact):
    assert seed_text.count(old) == 1, "the planted text must be unique in the seed"
    planted = seed_text.replace(old, new)
    findings = check_notice(planted, facts)
    known = (DEPARTMENT_COUNT.kind, DEPARTMENT_COUNT.claim)
    new_findings = [f for f in findings if (f.kind, f.claim) != known]
    assert [(f.kind, f.claim, f.fact) for f in new_findings] == [(kind, claim, fact)]
    assert new in new_findings[0].sentence


def test_sentences_are_quoted_as_typed_full_width_or_not(seed_text, facts):
    """A copy typed with full-width punctuation gives the same findings, quoted as typed."""
    body = body_of(seed_text)
    wide = body.translate(str.maketrans(",:;()", "，：；（）"))
    findings = check_notice(wide, facts)
    assert [(f.kind, f.claim, f.fact) for f in findings] == [
        ("count", "33个县直有关部门", "县直部门共32个")
    ]
    assert findings[0].sentence == OPENING.translate(str.maketrans(",:;()", "，：；（）"))


def test_footer_and_annex_tables_are_not_read(seed_text, facts):
    annex = seed_text[seed_text.index("附件1\n") :]
    assert check_notice(annex, facts) == []
    assert "关闭" not in body_of(seed_text) and "附件1" not in body_of(seed_text)


@pytest.mark.parametrize(
    "text",
    [
        # A count outside the scope sentence and outside any grade claim: nothing to tie it to.
        "截至目前,3个乡镇场未上报统计数据。",
        # Group descriptions before a problem keyword are not lists of names.
        "部分乡镇场、县直部门在重点领域政府信息公开方面更新发布滞后。",
        # "一般" as an everyday word is not a grade claim.
        "工作水平较为一般,2个乡镇场需要加强。",
        # An example list of something that is not a unit.
        "二是重点领域信息更新发布滞后(如:重大项目批准与实施、社会公益事业建设)。",
        # A percent with no indicator named in its sentence.
        "乡镇场得满分的占50%。",
        # A total the facts do not hold.
        "目前APP注册社会组织用户12个。",
        # A unit and grade that match, written with an alias and the county prefix.
        "县住房和城乡建设局达到良好等次。",
        # 审计局 as 良好 is the recorded adjustment.
        "审计局、交通运输局等10个县直部门达到良好等次。",
        # The same percent written with one decimal.
        "“主动公开”指标,乡镇场得满分的占28.6%,部门得满分的占12.0%。",
    ],
)
def test_what_is_true_or_uncheckable_is_not_reported(facts, text):
    assert check_notice(text, facts) == []


def test_grade_named_without_a_count_is_checked(facts):
    findings = check_notice("财政局、民政局均达到优秀等次。", facts)
    assert [(f.kind, f.fact) for f in findings] == [
        ("grade_member", "民政局 数据中为良好（87.2分，优秀线90分）")
    ]


def test_adjusted_unit_named_with_its_rule_grade_is_reported(facts):
    findings = check_notice("财政局、审计局等18个县直部门达到优秀等次。", facts)
    assert [(f.kind, f.fact) for f in findings] == [
        (
            "grade_member",
            "审计局 数据中为良好（94.7分，优秀线90分，已调整：考核办研究确定为良好等次）",
        )
    ]


def test_a_problem_sentence_naming_several_problems_accepts_either(facts):
    text = "部分单位更新发布滞后、“三审三校”档案与审批表不一致(如:托里镇、住建局)。"
    assert check_notice(text, facts) == []


class TestResolve:
    def test_canonical_alias_and_county_prefix(self, facts: NoticeFacts):
        assert facts.resolve("住建局") == "住建局"
        assert facts.resolve("县住建局") == "住建局"
        assert facts.resolve("住房和城乡建设局") == "住建局"
        assert facts.resolve("精河县住房和城乡建设局") == "住建局"
        assert facts.resolve("党委编办（事业单位登记管理局）") == "党委编办"

    def test_never_fuzzy(self, facts: NoticeFacts):
        for near_miss in ("住建", "城建局", "县住建局局", "市住建局", "住建局 局"):
            assert facts.resolve(near_miss) is None


class TestFactsValidation:
    def test_one_name_for_two_units_is_rejected(self, facts: NoticeFacts):
        units = dict(facts.units)
        units["医保局"] = replace(units["医保局"], aliases=frozenset({"住房和城乡建设局"}))
        with pytest.raises(ValueError, match="同时指向"):
            replace(facts, units=units)

    def test_group_with_unknown_unit_is_rejected(self, facts: NoticeFacts):
        group = replace(facts.groups[0], units=(*facts.groups[0].units, "新城乡"))
        with pytest.raises(ValueError, match="新城乡"):
            replace(facts, groups=(group, facts.groups[1]))

    def test_supported_grade_needs_an_adjustment_to_differ_from_the_rules(self):
        audit = seed_units()["审计局"]
        assert audit.supported_grade == "良好"
        unrecorded: UnitFact = replace(audit, adjusted=False)
        assert unrecorded.supported_grade == "优秀"


def test_facts_without_groups_or_indicators_check_nothing(seed_text, facts):
    bare = replace(facts, groups=(), indicators=(), problems=(), reports=())
    assert check_notice(seed_text, bare) == []


def test_a_report_total_with_decimals_is_not_read_as_a_whole_number(facts):
    assert check_notice("APP注册企业用户12.68万个。", facts) == []
