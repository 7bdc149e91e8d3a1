"""Folding: width, script, deleted characters, and offsets back into the original."""

from kaohe.core.wording.normalize import (
    DELETED_CHARS,
    Normalizer,
    fold,
    fold_table,
    normalize,
    traditional_table,
)


def test_full_width_ascii_and_spaces():
    assert fold("（２０２０）ＡＢｃ＃") == "(2020)ABc#"
    assert fold("\u3000\u00a0") == "  "


def test_traditional_to_simplified_one_character_at_a_time():
    assert fold("國土資源局") == "国土资源局"
    assert fold("衛生和計劃生育委員會") == "卫生和计划生育委员会"
    assert fold("著名") == "著名"  # 著 is not a traditional form of 着


def test_table_comes_from_opencc_and_is_idempotent():
    table = traditional_table()
    assert len(table) > 2500
    for code, image in fold_table().items():
        assert fold(image) == image, chr(code)


def test_identity_when_nothing_to_fold():
    norm = normalize("全县政务公开工作稳步推进。")
    assert norm.text == norm.original
    assert norm.span(2, 4) == (2, 4)


def test_deleted_characters_keep_offsets_pointing_into_the_original():
    original = "县\u200b国土\u200b\u200b资源局（２０２０）"
    norm = normalize(original)
    assert norm.text == "县国土资源局(2020)"
    start = norm.text.index("国土资源局")
    o_start, o_end = norm.span(start, start + 5)
    assert original[o_start:o_end] == "国土\u200b\u200b资源局"
    start = norm.text.index("(2020)")
    o_start, o_end = norm.span(start, start + 6)
    assert original[o_start:o_end] == "（２０２０）"
    for i, ch in enumerate(norm.text):
        assert fold(original[norm.to_original(i)]) == ch


def test_every_deletable_character_is_deleted():
    assert fold("a" + DELETED_CHARS + "b") == "ab"


def test_restricted_normalizer_folds_only_what_can_matter():
    normalizer = Normalizer(relevant="(0123456789国")
    assert normalizer.normalize("國，（２０）").text == "国，(20）"


def test_normalize_at_agrees_with_normalize():
    normalizer = Normalizer()
    text = "國土\u200b資源局，（２０２０）年" * 3
    positions = [i for i, ch in enumerate(text) if ord(ch) in normalizer.table]
    by_scan = normalizer.normalize(text)
    by_positions = normalizer.normalize_at(text, positions)
    assert by_positions.text == by_scan.text
    assert [by_positions.to_original(i) for i in range(len(by_scan.text))] == [
        by_scan.to_original(i) for i in range(len(by_scan.text))
    ]


def test_dense_page_falls_back_to_translate():
    text = "國務院辦公廳關於進一步加強政務公開工作的意見" * 20
    norm = normalize(text)
    assert norm.text == fold(text)
    assert "国务院办公厅关于进一步加强政务公开工作的意见" in norm.text


def test_supplementary_plane_characters_fold_and_keep_offsets():
    astral = next(chr(code) for code in traditional_table() if code > 0xFFFF)
    text = "😀" + astral + "國" * 200  # dense enough for the translate path too
    norm = normalize(text)
    assert norm.text[1] == fold(astral) != astral
    assert norm.text[2] == "国" and norm.span(2, 3) == (2, 3)
