"""The admin: drafts of the rules are edited there; the workflow only through services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.readiness.factories import UserFactory
from verification import services
from verification.models import ChecklistItem, ChecklistTemplate

from .factories import ChecklistSectionFactory, ChecklistTemplateFactory
from .fixtures import complete


@pytest.fixture
def admin_client(login, db):
    return login(UserFactory(role="", is_staff=True, is_superuser=True))


def test_the_admin_adds_items_only_to_a_draft(admin_client, template):
    admin = admin_client
    section = template.sections.first()
    response = admin.post(
        reverse("admin:verification_checklistitem_add"),
        {
            "template": template.pk,
            "section": section.pk,
            "code": "99",
            "text": "新增要求",
            "department": template.items.first().department_id,
            "levels": "[]",
            "order": 1,
        },
    )
    assert response.status_code == 200  # the form refuses a published version
    assert not ChecklistItem.objects.filter(code="99").exists()


def test_the_admin_refuses_an_item_whose_section_is_of_another_version(admin_client, departments):
    draft = ChecklistTemplateFactory(name="细则甲")
    other = ChecklistSectionFactory(template__name="细则乙")
    response = admin_client.post(
        reverse("admin:verification_checklistitem_add"),
        {
            "template": draft.pk,
            "section": other.pk,
            "code": "99",
            "text": "新增要求",
            "department": departments["health"].pk,
            "levels": "[]",
            "order": 1,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("section")
    assert not ChecklistItem.objects.filter(code="99").exists()


def test_publishing_in_the_admin_goes_through_the_service(admin_client, template):
    draft = services.template_new_draft(template=template)
    response = admin_client.post(
        reverse("admin:verification_checklisttemplate_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    template.refresh_from_db()
    assert (draft.status, template.status) == ("published", "retired")
    assert draft.published_at is not None


def test_a_published_version_is_not_deleted_even_in_bulk(admin_client, template):
    response = admin_client.post(
        reverse("admin:verification_checklisttemplate_changelist"),
        {"action": "delete_selected", "_selected_action": [template.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert template.items.count() == 10


def test_a_draft_is_deleted_in_the_admin(admin_client, template):
    draft = services.template_new_draft(template=template)
    delete = reverse("admin:verification_checklisttemplate_delete", args=[draft.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert list(ChecklistTemplate.objects.all()) == [template]


def test_a_verification_is_read_only_in_the_admin(admin_client, verification):
    change = reverse("admin:verification_verification_change", args=[verification.pk])
    assert admin_client.get(change).status_code == 200  # shown
    assert admin_client.post(change, {"status": "approved"}).status_code == 403
    delete = reverse("admin:verification_verification_delete", args=[verification.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    verification.refresh_from_db()
    assert verification.status == "assigned"


def test_an_old_version_of_a_verification_cannot_be_restored_in_the_admin(
    admin_client, verification, county_members
):
    first = verification.history.earliest()
    complete(verification, county_members)
    revert = reverse(
        "admin:verification_verification_simple_history",
        args=[verification.pk, first.history_id],
    )
    assert admin_client.get(revert).status_code == 200  # the old version is shown
    assert admin_client.post(revert, {}).status_code == 403
    verification.refresh_from_db()
    assert verification.status == "submitted"


@pytest.mark.parametrize("model", ["response", "evidence", "departmentsignoff"])
def test_the_workflows_records_cannot_be_added_in_the_admin(admin_client, model):
    assert admin_client.get(reverse(f"admin:verification_{model}_add")).status_code == 403
