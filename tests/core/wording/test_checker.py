"""The checker end to end: every category, offsets into the original text, exceptions,
allowlist, ignore / mark-fixed, date-bound rules and the leader roster."""

from datetime import date

import pytest
from kaohe_wording_testutil import ID_NUMBER, ROSTER

from kaohe.core.wording import Category, Checker, Finding, Severity

# Clean sentences in 公文 style, written for these tests; none of them may be reported.
CLEAN = (
    "　　各乡镇人民政府，县政府各部门：为深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署，"
    "进一步提升政务服务水平，结合我县实际，现将《精河县2023年政务公开工作要点》印发给你们，"
    "请认真贯彻执行。截至2023年12月31日，全县累计办理政务服务事项12345件，按时办结率100%。"
    "县自然资源局、县生态环境局、县卫生健康委员会、县市场监督管理局、县应急管理局、"
    "县农业农村局和县文化和旅游局要按照职责分工，加强协调配合，确保各项任务落到实处。"
    "对群众反映的问题，要做到件件有回音、事事有着落。联系电话：0909-5221234，"
    "邮政编码：833300。附件：关于印发《精河县政务公开工作考核办法》的通知（精政办发〔2023〕5号）。"
    "会议由副县长张三主持，县长李四出席并讲话。"
)


def by_rule(findings: list[Finding]) -> dict[str, Finding]:
    return {f.rule: f for f in findings}


def assert_offsets(text: str, findings: list[Finding]) -> None:
    for f in findings:
        if f.category is not Category.PRIVACY:
            assert text[f.offset : f.end] == f.text, f


def test_clean_paragraph_has_no_findings(checker):
    assert checker.scan(CLEAN, page_date=date(2023, 6, 1)) == []
    assert checker.scan(CLEAN) == []


def test_every_category_is_found_in_planted_text(checker):
    text = (
        "根据精政办发[2020]6号文件要求，县国土资源局要认真布署。"
        "有关做法被称为台湾政府的所谓改革。秘密★1年。"
        "中华人民共合国成立以来，县长张三出席会议。"
        f"申请人身份证号{ID_NUMBER}。"
    )
    findings = checker.scan(text, page_date=date(2023, 5, 4))
    assert {f.category for f in findings} == {
        Category.DOC_NUMBER,
        Category.RENAMED_AGENCY,
        Category.TYPO,
        Category.NONSTANDARD,
        Category.SENSITIVE,
        Category.OFFICIAL_NAME,
        Category.LEADER_TITLE,
        Category.PRIVACY,
    }
    assert_offsets(text, findings)
    found = {f.text: f for f in findings}
    assert found["[2020]"].suggestion == "〔2020〕"
    assert found["国土资源局"].suggestion == "自然资源局"
    assert found["布署"].suggestion == "部署"
    assert found["台湾政府"].suggestion == "台湾当局"
    assert found["中华人民共合国"].suggestion == "中华人民共和国"
    assert found["县长张三"].severity is Severity.ERROR
    privacy = next(f for f in findings if f.category is Category.PRIVACY)
    assert text[privacy.offset : privacy.end] == ID_NUMBER
    assert privacy.text == "110*************2X"
    assert ID_NUMBER not in repr(findings)
    assert offsets_sorted(findings)


def offsets_sorted(findings):
    return [f.offset for f in findings] == sorted(f.offset for f in findings)


def test_offsets_point_into_the_original_after_folding(checker):
    text = "縣國土資源局要贯\u200b切落实，精政辦發（２０２０）６號。手机１３８１２３４５６７８。"
    findings = checker.scan(text, page_date=date(2023, 1, 1))
    assert_offsets(text, findings)
    texts = {f.text for f in findings}
    assert {"國土資源局", "贯\u200b切", "（２０２０）"} <= texts
    phone = next(f for f in findings if f.rule == "P002")
    assert text[phone.offset : phone.end] == "１３８１２３４５６７８"
    assert phone.text == "138****5678"


def test_suggestions_of_regex_rules_are_folded(checker):
    (finding,) = checker.scan("精政办发（２０２１）３号")
    assert finding.suggestion == "〔2021〕"


@pytest.mark.parametrize(
    "text",
    [
        "公布署名文章",
        "依据公安规定",
        "县文化和旅游局",
        "县文化广电体育和旅游局",
        "纪检监察部门",
        "大学生村官",
        "自己经常讲",
        "研究竞争政策",
        "统计年鉴（2020）显示",
        "精政办发〔2020〕6号",
    ],
)
def test_right_forms_containing_a_wrong_pattern_are_not_reported(checker, text):
    assert checker.scan(text, page_date=date(2024, 1, 1)) == []


def test_wrong_forms_are_reported_outside_their_exceptions(checker):
    findings = checker.scan("县旅游局、纪检监察部，即然如此。", page_date=date(2024, 1, 1))
    assert [f.text for f in findings] == ["旅游局", "监察部", "即然"]


@pytest.mark.parametrize(
    "text, rule",
    [
        ("精政办发[2020]6号", "DN001"),
        ("精政办发(2020)6号", "DN001"),
        ("精政办发（2020）6号", "DN001"),
        ("精政办发【2020】6号", "DN001"),
        ("精政办发﹝2020﹞6号", "DN001"),
        ("精政办发［２０２０］６号", "DN001"),
        ("精政办发〔2020]6号", "DN004"),
        ("精政办发〔2020）6号", "DN004"),
    ],
)
def test_doc_number_brackets(checker, text, rule):
    (finding,) = checker.scan(text)
    assert finding.rule == rule and finding.suggestion == "〔2020〕"
    assert finding.text == text[4:10]


def test_brackets_that_are_not_doc_numbers(checker):
    for text in ("《2020年政府工作报告》6号楼", "（2020）", "资料(2020)显示", "第(2020)6项"):
        assert checker.scan(text) == [], text


def test_doc_number_di_and_padding(checker):
    found = by_rule(checker.scan("精政办发〔2020〕第06号"))
    assert found["DN002"].suggestion == "〔2020〕06号"
    assert found["DN003"].suggestion == "〔2020〕6号"


def test_people_congress_and_cutoff_wording(checker):
    text = "全国人大十四届二次会议、十四届全国政协二次会议召开。截止2023年底，任务完成。"
    found = by_rule(checker.scan(text))
    assert found["NR001"].suggestion == "十四届全国人大二次会议"
    assert found["NR002"].suggestion == "全国政协十四届二次会议"
    assert found["NR003"].text == "截止"
    assert (
        checker.scan("十四届全国人大二次会议、全国政协十四届二次会议。报名截止时间另行通知。") == []
    )


class TestRenamedAgencies:
    def test_old_name_is_an_error_only_after_the_effective_date(self, checker):
        text = "县环境保护局开展执法检查。"
        assert checker.scan(text, page_date=date(2018, 6, 1)) == []
        (after,) = checker.scan(text, page_date=date(2019, 6, 1))
        assert after.severity is Severity.ERROR and after.suggestion == "生态环境局"
        (undated,) = checker.scan(text)
        assert undated.severity is Severity.INFO and "页面无日期" in undated.note

    def test_page_date_may_be_a_datetime_or_iso_string(self, checker):
        text = "县环境保护局开展执法检查。"
        assert checker.scan(text, page_date="2018-06-01 09:30") == []
        assert checker.scan(text, page_date="2019-06-01")

    def test_multi_hop_rename_uses_the_name_in_force(self, checker):
        text = "国家环境保护总局发布通知。"
        assert checker.scan(text, page_date=date(2005, 1, 1)) == []
        (f2010,) = checker.scan(text, page_date=date(2010, 1, 1))
        (f2020,) = checker.scan(text, page_date=date(2020, 1, 1))
        assert (f2010.suggestion, f2020.suggestion) == ("环境保护部", "生态环境部")

    def test_longer_new_name_is_not_flagged_as_the_old_inner_one(self, checker):
        assert checker.scan("银保监会印发通知。", page_date=date(2020, 1, 1)) == []
        (finding,) = checker.scan("银保监会印发通知。", page_date=date(2024, 1, 1))
        assert finding.text == "银保监会" and finding.suggestion == "国家金融监管总局"

    @pytest.mark.parametrize(
        "text",
        [
            "原县国土资源局的档案已移交。",
            "原国土资源局干部。",
            "不再保留县环境保护局。",
            "县环保局现已更名为生态环境分局。",
            "将县国土资源局的职责整合。",
        ],
    )
    def test_texts_about_the_reform_itself_are_not_reported(self, checker, text):
        assert checker.scan(text, page_date=date(2020, 1, 1)) == []

    def test_renamed_term_with_a_date(self, checker):
        assert checker.scan("新冠肺炎疫情防控", page_date=date(2022, 6, 1)) == []
        (finding,) = checker.scan("新冠肺炎疫情防控", page_date=date(2023, 2, 1))
        assert finding.suggestion == "新冠病毒感染"


class TestRoster:
    def test_wrong_title_on_the_page_date(self, checker):
        (finding,) = checker.scan("县长张三出席会议。", page_date=date(2023, 5, 1))
        assert finding.category is Category.LEADER_TITLE
        assert finding.text == "县长张三" and finding.severity is Severity.ERROR
        assert "李四" in finding.suggestion and "副县长" in finding.suggestion

    def test_title_after_the_name(self, checker):
        assert checker.scan("张三副县长出席会议。", page_date=date(2023, 5, 1)) == []
        (finding,) = checker.scan("张三县长出席会议。", page_date=date(2023, 5, 1))
        assert finding.text == "张三县长"

    def test_tenure_boundaries(self, checker):
        text = "县长李四主持会议。"
        assert checker.scan(text, page_date=date(2023, 12, 31)) == []
        (late,) = checker.scan(text, page_date=date(2024, 1, 1))
        assert "王五" in late.suggestion
        (early,) = checker.scan("县长王五主持会议。", page_date=date(2023, 6, 1))
        assert early.severity is Severity.ERROR

    def test_former_holder_is_accepted(self, checker):
        for text in ("原县长李四", "时任县长李四", "前县长李四"):
            assert checker.scan(text, page_date=date(2024, 6, 1)) == [], text
        assert checker.scan("原县长王五", page_date=date(2023, 6, 1))  # not yet then

    def test_qualified_titles(self, checker):
        assert checker.scan("副县长赵六", page_date=date(2023, 1, 1)) == []
        assert checker.scan("常务副县长赵六", page_date=date(2023, 1, 1)) == []
        assert checker.scan("县长赵六", page_date=date(2023, 1, 1))

    def test_undated_page_checks_any_tenure(self, checker):
        assert checker.scan("副县长张三") == []
        (finding,) = checker.scan("县长张三")
        assert finding.severity is Severity.WARNING

    def test_traditional_page(self, checker):
        text = "縣長張三出席會議。"
        (finding,) = checker.scan(text, page_date=date(2023, 5, 1))
        assert finding.text == "縣長張三" and text[finding.offset : finding.end] == "縣長張三"

    def test_no_roster_no_check(self):
        assert Checker.from_packs().scan("县长张三", page_date=date(2023, 1, 1)) == []


class TestAllowlistAndMarks:
    TEXT = "《县国土资源局2015年工作总结》中写道：县国土资源局要加强管理。"

    def test_allowlisted_phrase_suppresses_only_inside_it(self):
        checker = Checker.from_packs(allowlist=["县国土资源局2015年工作总结"])
        (finding,) = checker.scan(self.TEXT, page_date=date(2020, 1, 1))
        assert finding.offset == self.TEXT.rindex("国土资源局")

    def test_allowlist_phrase_matches_folded_text(self):
        checker = Checker.from_packs(allowlist=["公佈署名"])
        assert checker.scan("公佈署名") == []

    def test_allowlist_regex_runs_on_the_original(self):
        checker = Checker.from_packs(allowlist=["re:《[^》]*》"])
        (finding,) = checker.scan(self.TEXT, page_date=date(2020, 1, 1))
        assert finding.offset == self.TEXT.rindex("国土资源局")

    def test_allowlisted_url(self):
        url = "http://www.example.gov.cn/zfxxgk/布署.html"
        checker = Checker.from_packs(allowlist=[url])
        assert checker.scan(f"详见{url}。") == []
        assert checker.scan("请布署。")

    def test_ignore_by_fingerprint(self, checker):
        text = "请按要求布署。另外，各单位要及时布署到位。"
        first, second = checker.scan(text)
        assert first.fingerprint != second.fingerprint
        quiet = Checker.from_packs(ignore=[first.key])
        assert quiet.scan(text) == [second]
        assert checker.scan(text, ignore=[f"{first.rule}:{first.fingerprint}"]) == [second]
        assert checker.scan(text, ignore=[("TY001", "*")]) == []

    def test_fingerprint_survives_edits_elsewhere_and_folding(self, checker):
        sentence = "全县各单位请按要求布署到位，抓好落实。"  # 8+ characters either side
        (a,) = checker.scan(sentence)
        (b,) = checker.scan("前言。" * 50 + sentence.replace("布", "佈") + "附件。")
        (c,) = checker.scan(sentence, page_date=date(2024, 1, 1))
        assert a.fingerprint == b.fingerprint == c.fingerprint
        (d,) = checker.scan(sentence.replace("各单位", "各部门"))
        assert d.fingerprint != a.fingerprint

    def test_marked_fixed_and_back_is_reopened(self, checker):
        (finding,) = checker.scan("请按要求布署。")
        assert not finding.reopened
        (again,) = checker.scan("请按要求布署。", fixed=[finding.key])
        assert again.reopened

    def test_malformed_mark(self, checker):
        with pytest.raises(ValueError):
            checker.scan("布署", ignore=["TY001"])


def test_finding_kind_for_the_crawler(checker):
    findings = checker.scan(f"布署，身份证{ID_NUMBER}")
    assert [f.kind for f in findings] == ["wording", "privacy"]


def test_ahocorasick_rs_engine_gives_the_same_findings(checker):
    other = Checker.from_packs(roster=ROSTER, engine="ahocorasick_rs")
    text = CLEAN + "县国土资源局要贯彻落实布署，县长张三，精政办发[2020]6号。縣國土資源局。"
    on = date(2023, 5, 1)
    assert other.scan(text, on) == checker.scan(text, on) != []


def test_unknown_engine():
    with pytest.raises(ValueError):
        Checker.from_packs(engine="regex")


def test_pack_rule_ids_must_be_unique_across_packs():
    from kaohe.core.wording import load_default_packs

    packs = load_default_packs()
    with pytest.raises(ValueError):
        Checker.from_packs([*packs, packs[0]])


REGEX_PACK = """# name: demo-regex
# version: 1
# date: 2024-01-01
# category: nonstandard
# kind: regex
# source: 测试用
id\tpattern\tsuggestion\tseverity
R1\t截止(?=[0-9]{4}年)\t截至\twarning
R2\t止20(?=[0-9]{2}年)\t止\tinfo
"""
LITERAL_PACK = """# name: demo-literal
# version: 1
# date: 2024-01-01
# category: typo
# source: 测试用
id\tpattern\tsuggestion\tseverity
L1\t日截止\t日截至\terror
"""


def test_regex_gates_never_hide_matches():
    """Gates are extra automaton patterns; where one would overlap a rule pattern or another
    regex's gate (here 截止 / 日截止 / 止20), the checker falls back to plain searches."""
    from kaohe.core.wording import parse_pack

    checker = Checker.from_packs([parse_pack(REGEX_PACK), parse_pack(LITERAL_PACK)])
    findings = checker.scan("当日截止2023年底，截止2024年。")
    assert sorted((f.rule, f.text) for f in findings) == [
        ("L1", "日截止"),
        ("R1", "截止"),
        ("R1", "截止"),
        ("R2", "止20"),
        ("R2", "止20"),
    ]


def test_regex_matches_are_found_wherever_they_start():
    """A regex whose literal prefix can overlap itself (天天 in 天天天) is not tried only
    where the automaton saw that prefix: the automaton reports non-overlapping matches."""
    from kaohe.core.wording import parse_pack

    pack = parse_pack(REGEX_PACK.replace("截止(?=[0-9]{4}年)", "天天(?=向上)"))
    (finding,) = [f for f in Checker.from_packs([pack]).scan("天天天向上") if f.rule == "R1"]
    assert finding.offset == 1


def test_anchored_regex_tries_every_prefix_occurrence(checker):
    text = "精政办发〔2020〕6号、精政办发[2021]7号、精政办发(2022)8号和精政办发〔2023〕09号"
    found = [(f.rule, f.text) for f in checker.scan(text)]
    assert found == [("DN001", "[2021]"), ("DN001", "(2022)"), ("DN003", "〔2023〕09号")]


def test_roster_rows_may_carry_iso_dates():
    checker = Checker.from_packs(roster=[("张三", "县长", "2021-01-01", "")])
    assert checker.scan("县长张三", page_date="2022-01-01") == []
    assert checker.scan("县长张三", page_date="2020-01-01")
