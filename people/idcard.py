"""Resident identity numbers (居民身份证号码, GB 11643-1999).

18 characters: a 6-digit region code, the birth date (YYYYMMDD), a 3-digit
sequence whose parity gives the sex, and an ISO 7064 MOD 11-2 check character.
"""

from __future__ import annotations

import datetime as dt
import operator
import unicodedata

from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


class InvalidIdNumber(ValueError):
    """The message says, in the user's language, what is wrong."""


def normalise(raw: object) -> str:
    """Full-width digits and letters become ASCII, spaces go, x becomes X."""
    if isinstance(raw, str) and raw.isascii() and raw.isalnum():
        return raw.upper()  # the usual case, without the Unicode tables
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(text.split()).upper()


def check_character(first17: str) -> str:
    if len(first17) != 17:
        raise ValueError(f"a check character is computed on 17 digits, not {len(first17)}")
    return CHECK[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


def parse(number: str, *, today: dt.date) -> tuple[dt.date, str]:
    """The birth date and sex ("M"/"F") of a normalised number, or InvalidIdNumber."""
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise InvalidIdNumber(_("An identity number has 17 digits and a digit or X at the end."))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber(_("The birth date in the identity number does not exist.")) from None
    if birth > today:
        raise InvalidIdNumber(_("The birth date in the identity number is in the future."))
    if birth.year < 1900:
        raise InvalidIdNumber(_("The birth date in the identity number is before 1900."))
    if check_character(number[:17]) != number[17]:
        raise InvalidIdNumber(_("The check character of the identity number is wrong."))
    return birth, "M" if int(number[16]) % 2 else "F"


def mask(number: str) -> str:
    """3713**********123X: the region's first digits and the last four only."""
    return f"{number[:4]}{'*' * 10}{number[-4:]}" if len(number) == 18 else "*" * len(number)


def make(region: str, birth: dt.date, sequence: int) -> str:
    """A valid number (for demo data and tests)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def age_band(birth: dt.date, *, today: dt.date) -> str:
    """The age in five-year bands ("15–19"): what a user may know of someone whose
    number is masked, since a birth date beside a masked number gives it back."""
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    low = max(0, age) // 5 * 5
    return f"{low}–{low + 4}"
