"""Every rule kind, fed through imports and the ledger, with corrections as reversing entries."""

import json

import pytest

from kaohe.assessment.models import Campaign, LedgerEntry, Result, evidence_in_use
from kaohe.assessment.results import compute, recompute
from kaohe.imports.dispatch import import_file

pytestmark = pytest.mark.django_db

SETUP = {
    "year": 2021,
    "name": "规则测试（合成数据）",
    "scorecards": [
        {
            "code": "t",
            "name": "测试表",
            "tie_policy": "competition",
            "groups": [
                {
                    "name": "乡镇场",
                    "categories": ["乡镇场"],
                    "fallback_grade": "一般",
                    "bands": [
                        {"grade": "优秀", "min_score": "90", "quota": "0.3"},
                        {"grade": "良好", "min_score": "80"},
                    ],
                }
            ],
        }
    ],
}
INDICATORS = """考核表,指标编码,上级编码,指标名称,分值,规则,规则参数,牵头单位
t,1,,扣分项,40,扣分,"{""cap"": 30}",
t,2,,清单项,20,清单,"{""items"": {""a"": 10, ""b"": 10}}",
t,3,,注册率,20,比例,,
t,4,,排名项,20,排名,"{""table"": {""1"": 20, ""2"": 15}, ""table_else"": 10}",
t,5,,否决项,0,否决,"{""veto_grade"": ""一般""}",
"""
UNITS = ["精河镇", "托里镇", "托托镇", "茫丁乡"]


@pytest.fixture
def synthetic(db):
    import_file("t-2021", "setup.json", json.dumps(SETUP, ensure_ascii=False).encode())
    import_file("t-2021", "i.csv", INDICATORS.encode())
    import_file(
        "t-2021", "e.csv", ("考核表,参评单位\n" + "".join(f"t,{u}\n" for u in UNITS)).encode()
    )
    scores = """考核表,单位,指标编码,分值,原因,事项
t,精河镇,1,25,多处扣分,
t,精河镇,1,20,再次扣分,
t,精河镇,2,1,完成检查项a,a
t,精河镇,2,1,完成检查项b,b
t,精河镇,3,300,注册数,
t,精河镇,4,5,办件量,
t,托里镇,2,1,完成检查项a,a
t,托里镇,3,600,注册数,
t,托里镇,4,9,办件量,
t,托托镇,3,150,注册数,
t,托托镇,4,9,办件量,
t,托托镇,5,1,发生重大失误,
t,茫丁乡,2,1,完成检查项a,a
t,茫丁乡,2,1,完成检查项b,b
t,茫丁乡,3,600,注册数,
t,茫丁乡,4,9,办件量,
"""
    import_file("t-2021", "s.csv", scores.encode())
    return Campaign.objects.get(code="t-2021")


def totals(campaign) -> dict[str, str]:
    recompute(campaign)
    return {r.display_name: str(r.total) for r in Result.objects.filter(campaign=campaign)}


def test_each_rule_kind(synthetic):
    outcome = next(iter(compute(synthetic).values()))
    by_name = {outcome.names[u]: s for u, s in outcome.scores.items()}
    codes = {i.code: i.id for i in synthetic.scorecards.get().indicators.all()}
    jhz = by_name["精河镇"].by_indicator
    assert jhz[codes["1"]] == 10  # 45 deducted, capped at 30: 40 − 30
    assert jhz[codes["2"]] == 20  # both checklist items
    assert jhz[codes["3"]] == 10  # 300 / best 600 × 20
    assert jhz[codes["4"]] == 10  # rank 4 of 4 → table_else
    assert by_name["托里镇"].by_indicator[codes["4"]] == 20  # 9 ties for rank 1
    assert by_name["托托镇"].veto_grade == "一般"
    assert totals(synthetic) == {
        "茫丁乡": "100.00",
        "托里镇": "90.00",
        "精河镇": "50.00",
        "托托镇": "65.00",
    }


def test_quota_and_veto_in_grades(synthetic):
    recompute(synthetic)
    grades = {r.display_name: (r.grade, r.notes) for r in Result.objects.filter(campaign=synthetic)}
    assert grades["茫丁乡"][0] == "优秀"
    assert grades["托里镇"][0] == "良好" and "名额" in grades["托里镇"][1]  # 30% of 4 = 1 place
    assert grades["托托镇"][0] == "一般"


def test_a_reversal_restores_the_score(synthetic):
    entry = LedgerEntry.objects.get(
        campaign=synthetic, unit__short_name="精河镇", reason="再次扣分"
    )
    LedgerEntry.objects.create(
        campaign=synthetic,
        unit=entry.unit,
        indicator=entry.indicator,
        amount=-entry.amount,
        weight=-1,
        reason="复核后撤销",
        reverses=entry,
    )
    assert totals(synthetic)["精河镇"] == "55.00"  # indicator 1 now 40 − 25 = 15, was 10
    item = LedgerEntry.objects.get(campaign=synthetic, unit__short_name="精河镇", item="b")
    LedgerEntry.objects.create(
        campaign=synthetic,
        unit=item.unit,
        indicator=item.indicator,
        amount=-item.amount,
        weight=-1,
        item="b",
        reason="检查项b不成立",
        reverses=item,
    )
    assert totals(synthetic)["精河镇"] == "45.00"  # checklist item b no longer counts


def test_one_defect_is_deducted_once_while_its_entry_stands(synthetic):
    entry = LedgerEntry.objects.filter(campaign=synthetic).first()
    fields = {
        "campaign": synthetic,
        "unit": entry.unit,
        "indicator": entry.indicator,
        "amount": 1,
        "reason": "x",
    }
    first = LedgerEntry.objects.create(**fields, evidence="https://example.gov.cn/p/1")
    args = (synthetic.id, entry.unit_id, entry.indicator_id)
    assert evidence_in_use(*args, "https://example.gov.cn/p/1#para3") == first
    assert evidence_in_use(*args, "https://example.gov.cn/p/12") is None
    LedgerEntry.objects.create(**{**fields, "amount": -1}, weight=-1, reverses=first)
    assert evidence_in_use(*args, "https://example.gov.cn/p/1") is None  # free for a correction


def test_amount_above_points_is_refused_per_row(synthetic):
    from kaohe.imports.errors import ImportFailure

    with pytest.raises(ImportFailure) as failure:
        import_file(
            "t-2021", "s.csv", "考核表,单位,指标编码,分值,原因\nt,精河镇,1,45,超额扣分\n".encode()
        )
    assert [str(e) for e in failure.value.errors] == [
        "第2行“分值”列：分值 45 超过指标“1”的分值 40。"
    ]
