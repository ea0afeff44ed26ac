"""The privacy guard, with properties over generated identifiers embedded in Chinese text."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.core.privacy import (
    ID_CHECK,
    ID_WEIGHTS,
    find_identifiers,
    id_checksum_ok,
    mask_text,
)

CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=30)
PUNCT = st.sampled_from(["", "，", "：", "。", " ", "（", "）", "、", "\n", "号码"])


@st.composite
def id_numbers(draw):
    region = draw(st.sampled_from(["510104", "510117", "140105", "110101", "440306"]))
    born = draw(st.dates(min_value=__import__("datetime").date(1920, 1, 1),
                         max_value=__import__("datetime").date(2024, 12, 31)))
    seq = draw(st.integers(0, 999))
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    check = ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


mobiles = st.builds(lambda p, r: f"1{p}{r:09d}", st.sampled_from("3456789"),
                    st.integers(0, 999_999_999))
banks = st.builds(lambda n, d: "6" + "".join(d)[: n - 1],
                  st.integers(16, 19), st.lists(st.sampled_from(string.digits), min_size=18,
                                                max_size=18))


def test_known_values():
    assert id_checksum_ok("11010519491231002X")
    assert not id_checksum_ok("110105194912310021")
    assert mask_text("身份证11010519491231002X。") == "身份证110105********002X。"
    assert mask_text("联系电话13812341234") == "联系电话138****1234"
    assert mask_text("卡号6222021234567890123") == "卡号***************0123"
    assert mask_text("卡号 6222 0212 3456 7890") == "卡号 ************7890"
    assert mask_text("电话+86 138 1234 1234") == "电话138****1234"
    assert mask_text("手机１３８１２３４１２３４") == "手机138****1234"
    assert mask_text("办公电话028-87654321，金额12345.67元") == "办公电话028-87654321，金额12345.67元"


@settings(max_examples=150)
@given(CHINESE, PUNCT, id_numbers(), PUNCT, CHINESE)
def test_id_numbers_in_chinese_text_are_found_and_masked(before, p1, number, p2, after):
    text = before + p1 + number + p2 + after
    findings = find_identifiers(text)
    assert [f.kind for f in findings] == ["id"]
    masked = mask_text(text)
    assert number not in masked
    assert number[:6] + "********" + number[-4:] in masked
    assert find_identifiers(masked) == []


@settings(max_examples=150)
@given(CHINESE, PUNCT, mobiles, PUNCT, CHINESE)
def test_mobiles_in_chinese_text_are_found_and_masked(before, p1, number, p2, after):
    text = before + p1 + number + p2 + after
    assert [f.kind for f in find_identifiers(text)] == ["mobile"]
    masked = mask_text(text)
    assert number not in masked and number[:3] + "****" + number[-4:] in masked
    assert find_identifiers(masked) == []


@settings(max_examples=150)
@given(CHINESE, PUNCT, banks, PUNCT, CHINESE)
def test_bank_numbers_keep_only_the_last_four(before, p1, number, p2, after):
    text = before + p1 + number + p2 + after
    findings = find_identifiers(text)
    assert len(findings) == 1 and findings[0].kind in {"bank", "id"}
    masked = mask_text(text)
    assert number not in masked
    if findings[0].kind == "bank":
        assert "*" * (len(number) - 4) + number[-4:] in masked
    assert find_identifiers(masked) == []


@given(st.text(max_size=200))
def test_masking_is_idempotent_and_never_grows_findings(text):
    once = mask_text(text)
    assert mask_text(once) == once
    assert find_identifiers(once) == []


@given(st.lists(st.one_of(id_numbers(), mobiles), min_size=1, max_size=5), CHINESE)
def test_every_identifier_in_a_list_is_found(numbers, filler):
    text = filler.join(f"{n}、" for n in numbers)
    assert len(find_identifiers(text)) == len(numbers)
    masked = mask_text(text)
    assert not any(n in masked for n in numbers)
