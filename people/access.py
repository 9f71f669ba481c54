"""Rights of the ledger (一人一档). Sight follows the readiness scope: a file is
seen by whoever sees its school."""

from __future__ import annotations

from enum import StrEnum

from readiness.models import User

Role = User.Role


class Right(StrEnum):
    PERSON_IMPORT = "person_import"
    PERSON_FULL_ID = "person_full_id"
    PERSON_EXPORT = "person_export"


RIGHTS: dict[str, frozenset[str]] = {
    Right.PERSON_IMPORT: frozenset({Role.CITY_STAFF, Role.COUNTY_OFFICIAL, Role.SCHOOL}),
    Right.PERSON_FULL_ID: frozenset({Role.CITY_STAFF}),
    # Those who keep the ledger export it; the rows are their scope's only.
    Right.PERSON_EXPORT: frozenset({Role.CITY_STAFF, Role.COUNTY_OFFICIAL, Role.SCHOOL}),
}
