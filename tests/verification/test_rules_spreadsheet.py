"""The rules as a spreadsheet in the admin: export, and import into a draft only."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.readiness.factories import UserFactory
from verification import services
from verification.models import ChecklistItem


@pytest.fixture
def admin_client(login, db):
    return login(UserFactory(role="", is_staff=True, is_superuser=True))


def export(admin_client):
    response = admin_client.post(
        reverse("admin:verification_checklistitem_export"),
        {
            "format": "0",
            "resource": "0",
            **{
                f"checklistitemresource_{k}": "on"
                for k in (
                    "template",
                    "version",
                    "section_code",
                    "section_title",
                    "code",
                    "text",
                    "guidance",
                    "department",
                    "veto",
                    "evidence_required",
                    "levels",
                    "boarding_only",
                    "order",
                )
            },
        },
    )
    assert response.status_code == 200, response.content[:500]
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def upload(admin_client, sheet):
    out = io.BytesIO()
    sheet.parent.save(out)
    return admin_client.post(
        reverse("admin:verification_checklistitem_import"),
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("rules.xlsx", out.getvalue()),
        },
    )


def test_the_rules_export_with_chinese_headers(admin_client, template):
    sheet = export(admin_client)
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["细则名称", "版本", "章节代码", "章节", "条目代码", "核验要求"]
    assert sheet.max_row == 1 + template.items.count()


def test_a_published_version_cannot_be_changed_by_import(admin_client, template):
    before = sorted(ChecklistItem.objects.values_list("pk", "template", "code", "text"))
    sheet = export(admin_client)
    sheet.cell(row=2, column=6).value = "被篡改的要求"
    body = upload(admin_client, sheet).content.decode()
    assert "已发布的版本不能修改" in body
    assert not ChecklistItem.objects.filter(text="被篡改的要求").exists()
    assert sorted(ChecklistItem.objects.values_list("pk", "template", "code", "text")) == before


def test_a_draft_is_changed_by_import(admin_client, template):
    draft = services.template_new_draft(template=template)
    published = sorted(template.items.values_list("code", "text"))
    sheet = export(admin_client)
    typed = {}  # item code -> the requirement as the file has it
    for row in range(sheet.max_row, 1, -1):  # keep the draft's rows only
        if str(sheet.cell(row=row, column=2).value) != str(draft.version):
            sheet.delete_rows(row)
        else:
            sheet.cell(row=row, column=6).value = f"{sheet.cell(row=row, column=6).value}（修订）"
            typed[str(sheet.cell(row=row, column=5).value)] = sheet.cell(row=row, column=6).value
    assert typed
    response = upload(admin_client, sheet)
    form = response.context["confirm_form"]
    confirm = admin_client.post(
        reverse("admin:verification_checklistitem_process_import"),
        {**form.initial, "resource": "0"},
    )
    assert confirm.status_code == 302
    assert draft.items.filter(text__endswith="（修订）").count() == draft.items.count()
    assert not template.items.filter(text__endswith="（修订）").exists()
    assert dict(draft.items.values_list("code", "text")) == typed
    assert sorted(template.items.values_list("code", "text")) == published


def test_trailing_blank_rows_of_a_sheet_are_not_data(admin_client, template):
    draft = services.template_new_draft(template=template)
    sheet = export(admin_client)
    for row in range(sheet.max_row, 1, -1):
        if str(sheet.cell(row=row, column=2).value) != str(draft.version):
            sheet.delete_rows(row)
    sheet.cell(row=sheet.max_row + 5, column=1).value = ""  # an empty but formatted row
    response = upload(admin_client, sheet)
    assert "confirm_form" in response.context
    items = sorted(draft.items.values_list("code", "text"))
    confirm = admin_client.post(
        reverse("admin:verification_checklistitem_process_import"),
        {**response.context["confirm_form"].initial, "resource": "0"},
    )
    assert confirm.status_code == 302
    assert sorted(draft.items.values_list("code", "text")) == items  # no item from a blank row
