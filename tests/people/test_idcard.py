"""Identity numbers (GB 11643-1999) against known answers: the standard's own example
numbers, a sum worked by hand, and the check character derived from the ISO 7064
MOD 11-2 definition, never from the table the code uses."""

from __future__ import annotations

import datetime as dt

import pytest

from people import idcard

TODAY = dt.date(2026, 11, 29)


def iso7064_check(first17: str) -> str:
    """MOD 11-2 from its definition: weights 2^(17-i) mod 11, check = (12 - sum) mod 11."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def test_the_standards_example_numbers():
    # GB 11643-1999, annex: 北京市朝阳区, born 1949-12-31, sequence 002 → X;
    # 广东省汕头市潮阳县, born 1880-01-01, sequence 001 → 4.
    assert idcard.check_character("11010519491231002") == "X"
    assert idcard.check_character("44052418800101001") == "4"
    assert idcard.parse("11010519491231002X", today=TODAY) == (dt.date(1949, 12, 31), "F")


def test_a_sum_worked_by_hand():
    # 3·7+7·9+1·10+3·5+0·8+2·4+2·2+0·1+0·6+8·3+0·7+5·9+1·10+7·5+0·8+0·4+1·2 = 237;
    # 237 mod 11 = 6, and the check of residue 6 is 6.
    assert idcard.check_character("37130220080517001") == "6"
    assert idcard.parse("371302200805170016", today=TODAY) == (dt.date(2008, 5, 17), "M")


def test_every_residue_gets_the_check_character_of_its_definition():
    seen = {}
    for sequence in range(200):
        first17 = f"371302200805{17:02d}{sequence:03d}"
        seen.setdefault(iso7064_check(first17), first17)
    assert len(seen) == 11  # every check character 0–9 and X occurs
    for check, first17 in seen.items():
        assert idcard.check_character(first17) == check
        idcard.parse(first17 + check, today=TODAY)
        wrong = next(c for c in "0123456789X" if c != check)
        with pytest.raises(idcard.InvalidIdNumber, match="校验码"):
            idcard.parse(first17 + wrong, today=TODAY)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("11010519491231002", "身份证号应为 17 位数字加 1 位数字或 X。"),
        ("11010519491231002X0", "身份证号应为 17 位数字加 1 位数字或 X。"),
        ("1101051949123100AX", "身份证号应为 17 位数字加 1 位数字或 X。"),
        ("11010519491231002Y", "身份证号应为 17 位数字加 1 位数字或 X。"),
        ("110105202102290021", "身份证号中的出生日期不存在。"),
        ("110105202611300029", "身份证号中的出生日期在未来。"),
        ("110105189912310021", "身份证号中的出生日期早于 1900 年。"),
        ("110105194912310021", "身份证号的校验码不正确。"),
    ],
)
def test_each_fault_has_its_message(number, message):
    with pytest.raises(idcard.InvalidIdNumber) as caught:
        idcard.parse(number, today=TODAY)
    assert str(caught.value) == message


def test_the_boundaries_of_the_birth_date_are_accepted():
    first = "11010519000101001"
    assert idcard.parse(first + iso7064_check(first), today=TODAY)[0] == dt.date(1900, 1, 1)
    born_today = "11010520261129002"
    assert idcard.parse(born_today + iso7064_check(born_today), today=TODAY) == (TODAY, "F")


def test_the_sequence_parity_gives_the_sex():
    for sequence, sex in [(1, "M"), (2, "F"), (9, "M"), (10, "F"), (999, "M")]:
        first17 = f"11010519491231{sequence:03d}"
        assert idcard.parse(first17 + iso7064_check(first17), today=TODAY)[1] == sex


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        (" 110105 19491231 002X\t", "11010519491231002X"),
        (None, ""),
        ("", ""),
        (11010519491231002, "11010519491231002"),
    ],
)
def test_normalising(raw, normal):
    assert idcard.normalise(raw) == normal


def test_masking_shows_the_first_four_and_the_last_four():
    assert idcard.mask("11010519491231002X") == "1101**********002X"
    assert idcard.mask("371302200805170016") == "3713**********0016"
    # Anything that is not a whole number is hidden whole.
    assert idcard.mask("1101051949123100") == "****************"
    assert idcard.mask("") == ""


def test_make_builds_the_standards_example():
    assert idcard.make("110105", dt.date(1949, 12, 31), 2) == "11010519491231002X"


@pytest.mark.parametrize(
    ("birth", "band"),
    [
        (dt.date(2026, 11, 29), "0–4"),  # born today
        (dt.date(2021, 11, 30), "0–4"),  # 4 until tomorrow
        (dt.date(2021, 11, 29), "5–9"),  # 5 today
        (dt.date(2008, 5, 17), "15–19"),
        (dt.date(2006, 11, 30), "15–19"),  # 19, turning 20 tomorrow
        (dt.date(2006, 11, 29), "20–24"),
        (dt.date(1966, 1, 1), "60–64"),
    ],
)
def test_age_bands(birth, band):
    assert idcard.age_band(birth, today=TODAY) == band


def test_a_check_of_anything_but_seventeen_digits_is_a_programming_error():
    with pytest.raises(ValueError):
        idcard.check_character("1101051949123100")  # 16 digits
    with pytest.raises(ValueError):
        idcard.check_character("110105194912310020")  # 18
