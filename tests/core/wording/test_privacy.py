"""Personal-data detectors: checksums, boundaries, masking, URLs."""

from datetime import date

import pytest
from kaohe_wording_testutil import ID_NUMBER

from kaohe.core.wording.privacy import (
    BANK_RULE,
    ID_RULE,
    PHONE_RULE,
    detect,
    id_check_char,
    is_credit_code,
    is_valid_id,
    luhn_ok,
    mask,
)

VALID_CARD = "6222021234567890128"  # Luhn-valid, made up


def test_id_check_character_follows_gb11643():
    assert id_check_char(ID_NUMBER[:17]) == "X"
    assert is_valid_id(ID_NUMBER)
    assert is_valid_id(ID_NUMBER.lower())


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "110105194902300023",  # 30 February
        "110105189912310028",  # born before 1900
        "010105194912310021",  # area code cannot start with 0
        "11010519491231002",  # too short
    ],
)
def test_invalid_id_numbers(number):
    assert not is_valid_id(number)


def test_id_born_after_the_page_is_not_an_id():
    body = "11010520300101001"
    number = body + id_check_char(body)
    assert is_valid_id(number)
    assert not is_valid_id(number, on=date(2024, 1, 1))


def test_luhn():
    assert luhn_ok(VALID_CARD)
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("6222021234567890127")


def test_credit_code_checksum():
    assert is_credit_code("91350100M000100Y43")
    assert not is_credit_code("91350100M000100Y44")


def test_mask_keeps_separators():
    assert mask("13812345678", 3, 4) == "138****5678"
    assert mask("138-1234-5678", 3, 4) == "138-****-5678"


def rules(text):
    return [(hit.rule, text[hit.start : hit.end], hit.masked) for hit in detect(text)]


def test_id_phone_and_card_are_found_and_masked():
    text = f"身份证号{ID_NUMBER}，手机13812345678，银行卡号{VALID_CARD}。"
    assert rules(text) == [
        (ID_RULE, ID_NUMBER, "110*************2X"),
        (PHONE_RULE, "13812345678", "138****5678"),
        (BANK_RULE, VALID_CARD, "6222***********0128"),
    ]


def test_invalid_id_is_not_reported():
    assert rules("身份证号110105194912310021。") == []


def test_phone_inside_a_longer_digit_run_is_not_a_phone():
    assert rules("编号813812345678") == []
    assert rules("编号138123456789") == []
    assert rules("订单2138123456789号") == []


def test_phone_must_start_with_a_mobile_prefix():
    assert rules("号码12812345678") == []
    assert rules("座机01012345678") == []


def test_grouped_phone_and_card():
    text = "电话 138 1234 5678；卡号 6222 0212 3456 7890 128"
    found = rules(text)
    assert [r for r, _, _ in found] == [PHONE_RULE, BANK_RULE]
    assert found[0][2] == "138 **** 5678"


def test_card_needs_luhn_and_no_longer_run():
    assert rules("流水号6222021234567890127") == []
    assert rules("流水号16222021234567890128") == []  # 20 digits


def test_card_severity_depends_on_context():
    (plain,) = detect(f"编号{VALID_CARD}")
    (keyed,) = detect(f"开户行卡号：{VALID_CARD}")
    assert plain.severity == "warning"
    assert keyed.severity == "error"


def test_numbers_inside_urls_are_skipped():
    assert rules("详见 http://www.example.gov.cn/art/13812345678.html 。") == []
    assert rules("手机13812345678") != []


def test_credit_code_of_digits_is_not_a_card():
    code = "121000000000000251"  # all digits, Luhn-valid, and a valid 统一社会信用代码
    assert luhn_ok(code) and is_credit_code(code)
    assert rules(f"统一社会信用代码：{code}") == []


def test_personal_data_detection_can_be_left_out_of_a_checker():
    """For texts meant to carry contact numbers (a notice's 联系电话): the wording rules
    still run, personal data is not reported."""
    from kaohe.core.wording import Category, Checker, load_default_packs

    text = f"联系电话：13812345678，身份证号{ID_NUMBER}。精政办发[2020]6号。"
    packs = load_default_packs()
    both = Checker(packs).scan(text, date(2020, 11, 13))
    wording = Checker(packs, personal_data=False).scan(text, date(2020, 11, 13))
    assert {f.rule for f in both if f.category is Category.PRIVACY} == {PHONE_RULE, ID_RULE}
    assert wording == [f for f in both if f.category is not Category.PRIVACY] != []
