"""List pages: scoped, filtered, and a fixed number of queries whatever the rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.inspections.factories import (
    FindingFactory,
    RectificationNoticeFactory,
    VisitFactory,
)
from tests.readiness.factories import SchoolFactory


def test_findings_list_filters_and_is_scoped(login, finding, official_a, official_b):
    assert (
        login(official_a)
        .get(reverse("finding_list"), {"severity": "major"})
        .context["page"]
        .paginator.count
        == 1
    )
    assert (
        login(official_a)
        .get(reverse("finding_list"), {"severity": "minor"})
        .context["page"]
        .paginator.count
        == 0
    )
    assert login(official_b).get(reverse("finding_list")).context["page"].paginator.count == 0
    assert login(official_b).get(reverse("finding_detail", args=[finding.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_findings_list_query_count_does_not_grow(
    login, recorded_visit, areas, official_a, django_assert_num_queries, count
):
    FindingFactory.create_batch(count, visit=recorded_visit, key_area=areas["gate"])
    client = login(official_a)
    # session, user, count, page, reviews, and the filter's counties, areas and aspects
    with django_assert_num_queries(8):
        response = client.get(reverse("finding_list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    assert recorded_visit.school.name in response.content.decode()


@pytest.mark.parametrize("count", [1, 5])
def test_visit_and_notice_lists_query_counts_do_not_grow(
    login, inspector_a, squad_a, county_a, django_assert_num_queries, count
):
    schools = SchoolFactory.create_batch(count, county=county_a)
    notices = []
    for school in schools:
        visit = VisitFactory(squad=squad_a, school=school, recorded=True, present=[inspector_a])
        notices.append(
            RectificationNoticeFactory(visit=visit, findings=[FindingFactory(visit=visit)])
        )
    client = login(inspector_a)
    # session, user, count, page, the user's squads and their counties
    with django_assert_num_queries(6):
        response = client.get(reverse("visit_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert all(school.name in body for school in schools)
    with django_assert_num_queries(4):  # session, user, count, page
        response = client.get(reverse("notice_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert all(notice.title in body for notice in notices)


def test_photos_are_served_only_to_those_who_see_the_finding(
    login, finding, school_contact_a, official_b
):
    from tests.inspections.factories import FindingPhotoFactory, ReportEvidenceFactory

    photo = FindingPhotoFactory(finding=finding)
    evidence = ReportEvidenceFactory(report__finding=finding)
    for kind, piece in (("finding", photo), ("report", evidence)):
        url = reverse("inspection_file", args=[kind, piece.pk])
        response = login(school_contact_a).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert login(official_b).get(url).status_code == 404
    assert login(school_contact_a).get(f"/inspections/files/other/{photo.pk}/").status_code == 404


@pytest.mark.parametrize("count", [1, 4])
def test_the_visit_page_of_a_squad_member_takes_a_fixed_number_of_queries(
    login, recorded_visit, areas, aspects, inspector_a, django_assert_num_queries, count
):
    for _ in range(count):
        finding = FindingFactory(visit=recorded_visit, key_area=areas["gate"])
    RectificationNoticeFactory(visit=recorded_visit, findings=[finding])
    client = login(inspector_a)
    # session, user, the visit, membership; the key areas and the aspects (once for
    # both forms), the recorded checks, who was present, the squad's members; the
    # findings, their photos and their notices; the visit's notices
    with django_assert_num_queries(13):
        response = client.get(recorded_visit.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('name="finding"') == count
    # in order, problems found, not applicable, not checked
    assert body.count(f'name="area-{areas["gate"].pk}"') == 4
