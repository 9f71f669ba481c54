"""Rights of return plans and drills. A school writes its own plan; whoever may
edit the school (its county, or the city bureau for city-direct schools)
decides on it."""

from __future__ import annotations

from enum import StrEnum

from readiness.models import User

Role = User.Role


class Right(StrEnum):
    DRILL_RECORD = "drill_record"
    TERM_SET = "term_set"


RIGHTS: dict[str, frozenset[str]] = {
    Right.DRILL_RECORD: frozenset({Role.CITY_STAFF, Role.COUNTY_OFFICIAL}),
    Right.TERM_SET: frozenset({Role.CITY_STAFF}),
}
