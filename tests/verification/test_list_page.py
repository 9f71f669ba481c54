"""The list of verifications."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.readiness.factories import SchoolFactory
from verification import services
from verification.models import Verification

from .factories import VerificationFactory


@pytest.mark.parametrize("count", [1, 8])
def test_the_list_query_count_does_not_grow(
    login,
    official_a,
    county_team,
    county_members,
    county_a,
    template,
    tomorrow,
    django_assert_num_queries,
    count,
):
    schools = SchoolFactory.create_batch(count, county=county_a)
    services.verification_assign(
        actor=official_a, team=county_team, schools=schools, planned_on=tomorrow
    )
    client = login(official_a)
    with django_assert_num_queries(5):  # session, user, count, page, the user's teams
        response = client.get(reverse("verification_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert all(school.name in body for school in schools)


def test_the_list_filters_by_status(login, official_a, county_a, template):
    VerificationFactory(school__county=county_a, template=template)
    VerificationFactory(
        school__county=county_a, template=template, status=Verification.Status.IN_PROGRESS
    )
    client = login(official_a)
    page = client.get(reverse("verification_list"), {"status": "in_progress"}).context["page"]
    assert [v.status for v in page] == ["in_progress"]


def test_an_unknown_status_filters_nothing(login, official_a, county_a, template):
    VerificationFactory.create_batch(2, school__county=county_a, template=template)
    client = login(official_a)
    page = client.get(reverse("verification_list"), {"status": "nonsense"}).context["page"]
    assert page.paginator.count == 2


def test_the_list_shows_only_the_users_county(login, official_a, county_a, county_b, template):
    VerificationFactory(school__county=county_a, template=template)
    VerificationFactory(school__county=county_b, template=template)
    page = login(official_a).get(reverse("verification_list")).context["page"]
    assert [v.school.county for v in page] == [county_a]


def test_a_member_takes_their_assignments_offline_from_the_list(
    login, verification, county_members, official_a
):
    body = login(county_members["health"]).get(reverse("verification_list")).content.decode()
    urls = f"/verification/{verification.pk}/ /schools/{verification.school_id}/"
    assert f'data-take-offline="{urls}" data-title="{verification.school.name}"' in body
    body = login(official_a).get(reverse("verification_list")).content.decode()
    assert "data-take-offline" not in body
