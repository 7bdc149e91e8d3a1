"""The fast paths of the scan must not change what it finds: engines, privacy gate, the
required-literal search of ungated regex rules."""

import random
from datetime import date

import pytest
from kaohe_wording_testutil import ID_NUMBER, ROSTER

from kaohe.core.wording import Category, Checker
from kaohe.core.wording.engine import DEFAULT_BACKEND
from kaohe.core.wording.privacy import detect

PAGE = (
    "\u3000\u3000县国土资源局要贯彻落实布署，县长张三出席。精政办发[2020]6号。縣國土資源局。"
    f"截止2023年底，全国人大十三届一次会议。身份证号{ID_NUMBER}，电话13812345678，"
    "１３８１２３４５６７８，卡号6222 0212 3456 7890 128。中华人民共合国。\u200b布署。"
)
NUMBERS = [
    "13812345678",
    "138 1234 5678",
    "138-1234-5678",
    "138\u30001234\u30005678",
    "138－1234－5678",
    "138\u00a01234\u00a05678",
    "１３８１２３４５６７８",
    "１３８\u3000１２３４\u3000５６７８",
    "1３8１2３4５6７8",
    "13８12345678",
    ID_NUMBER,
    "１１０１０５１９４９１２３１００２Ｘ",
    "6222 0212 3456 7890 128",
    "6222－0212－3456－7890－128",
    "6222\u30000212\u30003456\u30007890\u3000128",
    "0991-1234567",
]


def test_daachorse_is_the_default_engine(checker):
    assert DEFAULT_BACKEND == "daachorse"
    assert checker.automaton.backend == "daachorse"


def test_ahocorasick_rs_engine_gives_the_same_findings(checker):
    other = Checker.from_packs(roster=ROSTER, engine="ahocorasick_rs")
    for on in (None, date(2023, 5, 1)):
        assert other.scan(PAGE, on) == checker.scan(PAGE, on) != []


def privacy_spans(findings):
    return [(f.rule, f.offset, f.length) for f in findings if f.category is Category.PRIVACY]


def ungated(text):
    """What the detector finds when it looks at the whole text, whatever the gates say."""
    return [(hit.rule, hit.start, hit.end - hit.start) for hit in detect(text, gated=True)]


@pytest.mark.parametrize("number", NUMBERS)
@pytest.mark.parametrize("before", ["", "联系电话", "　", "号", "〔２０２０〕"])
def test_privacy_gate_lets_every_number_through(checker, number, before):
    text = f"各单位要认真落实。{before}{number}，请核对。"
    assert privacy_spans(checker.scan(text)) == ungated(text)


def test_privacy_gate_on_random_digit_soup(checker):
    rng = random.Random(5)
    atoms = [*"0123456789", *"０１２３４５６７８９", " ", "-", "－", "\u3000", "\u00a0", "县", "X"]
    atoms += NUMBERS
    for _ in range(1500):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 40)))
        assert privacy_spans(checker.scan(text)) == ungated(text), text


@pytest.mark.parametrize(
    "text",
    [
        "截止2023年底",
        "全国人大十三届一次会议",
        "十四届全国政协二次会议",
        "截止目前，全国人大十届二次会议",
    ],
)
def test_ungated_regex_rules_still_run(checker, text):
    """Their required literals are looked for with a compiled literal search first."""
    found = {f.rule for f in checker.scan(text)}
    expected = {item.rule.id for item in checker._regexes if item.regex.search(text)}
    assert expected and expected <= found
