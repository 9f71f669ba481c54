"""Numbered names sort by their number, known answers worked by hand."""

from readiness.naming import _number, natural_key


def test_chinese_numerals_read_as_numbers():
    assert [_number(n) for n in ("一", "十", "十一", "二十", "二十三", "一百零五", "13")] == [
        1, 10, 11, 20, 23, 105, 13,
    ]  # fmt: skip


def test_teams_and_squads_sort_by_their_number():
    teams = ["市级第三核验组", "市级第一核验组", "市级第十核验组", "市级第二核验组"]
    assert sorted(teams, key=natural_key) == [
        "市级第一核验组", "市级第二核验组", "市级第三核验组", "市级第十核验组",
    ]  # fmt: skip
    squads = ["督查第10组", "督查第2组", "督查第1组", "督查第13组"]
    assert sorted(squads, key=natural_key) == [
        "督查第1组",
        "督查第2组",
        "督查第10组",
        "督查第13组",
    ]
