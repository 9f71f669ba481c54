"""Each worker keeps the items of a published version of the rules (such a version
never changes), reads them again when a department changes, in its own process or in
another, and never keeps a draft's."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from verification import selectors, services
from verification.models import ChecklistItem, ChecklistTemplate, Department

from .factories import ChecklistItemFactory


def test_a_published_versions_items_are_read_once(verification, django_assert_num_queries):
    selectors.forget_kept_items()
    with django_assert_num_queries(1):
        first = selectors.template_items(verification.template)
    with django_assert_num_queries(0):
        again = selectors.template_items(verification.template)
    assert again is first
    assert [item.code for item in first] == [f"{n:02d}" for n in range(1, 11)]


def test_a_department_renamed_shows_on_the_next_page_once_committed(
    login, verification, county_members, django_capture_on_commit_callbacks
):
    client = login(county_members["health"])
    page = reverse("verification_detail", args=[verification.pk])
    assert "卫健" in client.get(page).content.decode()
    health = Department.objects.get(code="health")
    health.name = "卫生健康委员会"
    with django_capture_on_commit_callbacks(execute=True) as committed:
        health.save()
        # Until the rename is committed, no worker reads the items again.
        assert selectors.template_items(verification.template)[0].department.name == "卫健"
    assert len(committed) == 1
    assert "卫生健康委员会" in client.get(page).content.decode()


def test_a_department_changed_by_another_worker_is_read_again(
    verification, django_assert_num_queries
):
    selectors.template_items(verification.template)
    # Another worker saved a department: the generation in the shared cache moved on
    # without this process hearing the signal.
    cache.set(selectors.RULES_GENERATION, "another worker's", timeout=None)
    Department.objects.filter(code="health").update(name="卫生健康委员会")
    with django_assert_num_queries(1):
        items = selectors.template_items(verification.template)
    assert items[0].department.name == "卫生健康委员会"


def test_a_drafts_items_are_read_each_time(verification, django_assert_num_queries):
    draft = services.template_new_draft(template=verification.template)
    assert draft.status == ChecklistTemplate.Status.DRAFT
    before = selectors.template_items(draft)
    ChecklistItemFactory(
        template=draft, section=before[0].section, department=before[0].department,
        code="99", text="新增条目", order=99,
    )  # fmt: skip
    with django_assert_num_queries(1):
        after = selectors.template_items(draft)
    # In its section (the first: items 01 to 05), after the others by its order.
    assert [i.code for i in after] == ["01", "02", "03", "04", "05", "99", *(
        f"{n:02d}" for n in range(6, 11))]  # fmt: skip
    assert ChecklistItem.objects.filter(template=verification.template, code="99").count() == 0


def test_an_answer_is_saved_against_the_kept_items(
    verification, county_members, django_assert_num_queries
):
    member = county_members["health"]
    item = next(i for i in selectors.template_items(verification.template)
                if i.department.code == "health")  # fmt: skip
    # The verification under its lock (with its school, team and rules), the member's
    # place in the team, the answer under its lock, the answer and its history, the
    # department's confirmation withdrawn (read, then deleted: none here), the status
    # moved to in progress and its history, the audit entry: nothing of the rules. Nine,
    # and in a test's transaction the audit's and the service's savepoints, opened and
    # released: 13.
    with django_assert_num_queries(13):
        services.response_save(actor=member, verification=verification,
                               item_id=item.pk, answer="pass")  # fmt: skip


def test_an_item_of_another_version_is_refused_from_the_kept_items(verification, county_members):
    draft = services.template_new_draft(template=verification.template)
    other = selectors.template_items(draft)[0]
    with pytest.raises(ValidationError, match="该条目不适用于此学校"):
        services.response_save(actor=county_members[other.department.code],
                               verification=verification, item_id=other.pk, answer="pass")  # fmt: skip
    assert not verification.responses.exists()
