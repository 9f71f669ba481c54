"""The rules editor (核验细则): the city bureau changes a draft — sections, items,
their order — previews it for a school, publishes it; a published version never
changes; the preview is exactly the checklist a team gets."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from readiness.models import AuditEntry, School
from tests.readiness.factories import SchoolFactory
from tests.verification.factories import (
    ChecklistItemFactory,
    ChecklistSectionFactory,
    ChecklistTemplateFactory,
    DepartmentFactory,
    VerificationFactory,
)
from verification import rules, selectors, services
from verification.models import ChecklistItem, ChecklistSection, ChecklistTemplate

LEVEL = School.Level


@pytest.fixture
def education(db):
    return DepartmentFactory(code="education", name="教育")


@pytest.fixture
def published(education):
    template = ChecklistTemplateFactory(name="临沂市学校开学条件核验细则")
    section = ChecklistSectionFactory(template=template, code="1", title="防控机制", order=1)
    ChecklistItemFactory(
        section=section, code="1.1", text="成立防控领导小组", department=education, order=1
    )
    ChecklistItemFactory(
        section=section, code="1.2", text="制定应急预案", department=education, order=2, veto=True
    )
    return services.template_publish(template=template)


def item_data(of, **fields):
    """An item of section ``of`` as the form posts it, with ``fields`` changed."""
    return {"section": of.pk, "code": "1.3", "text": "设置隔离观察室", "guidance": "",
            "department": of.items.first().department_id, "levels": [], "fact": "",
            "threshold": ""} | fields  # fmt: skip


def test_the_city_bureau_drafts_changes_and_publishes_the_rules(
    login, city_staff, published, education
):
    client = login(city_staff)
    client.post(reverse("rules_draft", args=[published.pk]))
    draft = ChecklistTemplate.objects.get(status="draft")
    assert (draft.version, draft.based_on) == (2, published)
    section = draft.sections.get(code="1")
    # An item added goes last in its section; a new section last among the sections.
    assert client.post(reverse("rules_item_new", args=[draft.pk]), item_data(section, veto="on",
                       evidence_required="on", levels=["primary", "middle"], boarding_only="on")).status_code == 302  # fmt: skip
    added = draft.items.get(code="1.3")  # its levels kept in School.Level order
    assert (added.order, added.veto, added.evidence_required, added.levels, added.boarding_only) == (
        3, True, True, ["middle", "primary"], True)  # fmt: skip
    client.post(reverse("rules_section_new", args=[draft.pk]), {"code": "2", "title": "物资保障"})
    assert list(draft.sections.order_by("order").values_list("code", flat=True)) == ["1", "2"]
    # 1.3 moves up twice: first in its section; section 2 moves up: first.
    for _ in range(2):
        client.post(reverse("rules_move", args=[draft.pk, "item", added.pk, "up"]))
    client.post(
        reverse("rules_move", args=[draft.pk, "section", draft.sections.get(code="2").pk, "up"])
    )
    assert list(section.items.order_by("order").values_list("code", flat=True)) == [
        "1.3",
        "1.1",
        "1.2",
    ]
    assert list(draft.sections.order_by("order").values_list("code", flat=True)) == ["2", "1"]
    # Edited, then deleted: 1.1 goes; the empty section 2 goes.
    one = draft.items.get(code="1.1")
    client.post(
        reverse("rules_item_edit", args=[draft.pk, one.pk]),
        item_data(section, code="1.1", text="成立领导小组并明确分工"),
    )
    assert draft.items.get(code="1.1").text == "成立领导小组并明确分工"
    client.post(reverse("rules_delete", args=[draft.pk, "item", one.pk]))
    client.post(
        reverse("rules_delete", args=[draft.pk, "section", draft.sections.get(code="2").pk])
    )
    client.post(reverse("rules_publish", args=[draft.pk]))
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status) == ("retired", "published")
    assert list(draft.items.order_by("order").values_list("code", flat=True)) == ["1.3", "1.2"]
    assert list(published.items.order_by("order").values_list("code", flat=True)) == [
        "1.1",
        "1.2",
    ]  # untouched
    actions = set(AuditEntry.objects.filter(actor=city_staff).values_list("action", flat=True))
    assert actions == {"verification.rules_draft", "verification.item_save", "verification.section_save",
                       "verification.rules_move", "verification.item_delete", "verification.section_delete",
                       "verification.rules_publish"}  # fmt: skip


def test_a_published_version_never_changes(login, city_staff, published, education):
    section = published.sections.get()
    item = published.items.get(code="1.1")
    client = login(city_staff)
    responses = [
        client.post(
            reverse("rules_item_edit", args=[published.pk, item.pk]),
            item_data(section, code="1.1", text="改"),
        ),
        client.post(reverse("rules_item_new", args=[published.pk]), item_data(section)),
        client.post(
            reverse("rules_section_new", args=[published.pk]), {"code": "9", "title": "新"}
        ),
        client.post(reverse("rules_move", args=[published.pk, "item", item.pk, "down"])),
        client.post(reverse("rules_delete", args=[published.pk, "item", item.pk])),
    ]
    assert all(r.status_code == 302 for r in responses)
    page = client.get(reverse("rules_edit", args=[published.pk])).content.decode()
    assert "此版本已发布，不会再改动" in page
    item.refresh_from_db()
    assert (item.text, item.order) == ("成立防控领导小组", 1)
    assert published.items.count() == 2 and published.sections.count() == 1
    for change in (
        lambda: rules.item_delete(actor=city_staff, template=published, item=item),
        lambda: rules.move(actor=city_staff, template=published, row=item, up=False),
        lambda: rules.section_save(actor=city_staff, template=published, code="9", title="新"),
    ):
        with pytest.raises(ValidationError):
            change()
    assert not AuditEntry.objects.exists()


def test_wrong_items_are_refused_and_the_form_keeps_what_was_typed(login, city_staff, published):
    draft = services.template_new_draft(template=published)
    section = draft.sections.get()
    other_section = ChecklistSectionFactory()  # of another version
    client = login(city_staff)
    url = reverse("rules_item_new", args=[draft.pk])
    taken = client.post(url, item_data(section, code="1.1", text="重复的编号"))
    assert taken.status_code == 400 and "此版本已有条目 1.1" in taken.content.decode()
    assert "重复的编号" in taken.content.decode()
    half = client.post(url, item_data(section, fact="people.coverage"))
    assert half.status_code == 400 and "数据项与阈值须同时填写" in half.content.decode()
    assert client.post(url, item_data(section, section=other_section.pk)).status_code == 400
    assert draft.items.count() == 2


def test_the_preview_is_the_checklist_the_school_gets(login, city_staff, education):
    template = ChecklistTemplateFactory()
    one = ChecklistSectionFactory(template=template, code="1", title="一", order=1)
    two = ChecklistSectionFactory(template=template, code="2", title="二", order=2)
    for code, section, levels, boarding in [
        ("A", one, [], False),  # every school
        ("B", one, [LEVEL.PRIMARY], False),  # primary schools
        ("C", two, [LEVEL.HIGH], True),  # boarding high schools
        ("D", two, [], True),  # boarding schools
    ]:
        ChecklistItemFactory(
            section=section, code=code, levels=levels, boarding_only=boarding, department=education
        )
    primary = SchoolFactory(level=LEVEL.PRIMARY, boarding=False)
    high = SchoolFactory(level=LEVEL.HIGH, boarding=True)
    # Worked by hand from the table above.
    expected = {primary: {"一": ["A", "B"]}, high: {"一": ["A"], "二": ["C", "D"]}}
    for school, by_section in expected.items():
        preview = rules.checklist_preview(template=template, school=school)
        assert {p.section.title: [i.code for i in p.items] for p in preview.sections} == by_section
        assert (preview.total, preview.applicable) == (4, sum(map(len, by_section.values())))
        sheet = selectors.checklist(
            verification=VerificationFactory(school=school, template=template)
        )
        assert [row.item.code for row in sheet.rows] == [
            c for codes in by_section.values() for c in codes
        ]
    page = login(city_staff).get(
        reverse("rules_preview", args=[template.pk]), {"school": high.code}
    )
    assert f"{high.name}（普通高中）适用本版本 4 项中的 3 项" in page.content.decode()
    missing = login(city_staff).get(
        reverse("rules_preview", args=[template.pk]), {"school": "0000000000"}
    )
    assert "没有代码为 0000000000 的学校" in missing.content.decode()


def test_the_rules_are_the_city_bureaus_to_edit(login, official_a, task_force, published):
    section = published.sections.get()
    for user in (official_a, task_force):
        client = login(user)
        assert client.get(reverse("rules_versions")).status_code == 403
        assert client.get(reverse("rules_edit", args=[published.pk])).status_code == 403
        assert client.post(reverse("rules_draft", args=[published.pk])).status_code == 403
        with pytest.raises(PermissionDenied):
            rules.section_save(actor=user, template=published, code="9", title="x")
    assert ChecklistTemplate.objects.count() == 1 and ChecklistSection.objects.count() == 1
    assert ChecklistItem.objects.filter(section=section).count() == 2


def test_a_version_exports_as_the_spreadsheet_the_import_reads(login, city_staff, published):
    response = login(city_staff).get(reverse("rules_xlsx", args=[published.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:6] == ("细则名称", "版本", "章节代码", "章节", "条目代码", "核验要求")
    assert [r[4] for r in rows[1:]] == ["1.1", "1.2"] and rows[2][5] == "制定应急预案"
