"""The supplies pages: what each user sees, forms that keep what was typed, exports,
query counts that do not grow, and other counties refused."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from supplies import services
from supplies.models import AllocationPlan, Movement, NeedNorm, Shipment, SupplyRequest
from tests.readiness.factories import SchoolFactory

from .fixtures import receive


@pytest.fixture
def stocked(supplies_city, reserve, items, county_a, county_b):
    """Norm 0.01 kg a person a day; county A one school of 1,000 people, B one of 2,000;
    52.5 t of disinfectant in the reserve."""
    NeedNorm.objects.create(item=items["disinfectant"], per_person_day=Decimal("0.01"))
    SchoolFactory(county=county_a, students=950, staff=50, name="兰山一小")
    SchoolFactory(county=county_b, students=1900, staff=100, name="沂水一小")
    receive(supplies_city, reserve, items["disinfectant"], "52500", lot="84-A")
    return items["disinfectant"]


def test_the_city_overview_shows_need_balance_and_gap_per_county(login, supplies_city, stocked):
    response = login(supplies_city).get(reverse("supplies_overview"))
    assert response.status_code == 200
    body = response.content.decode()
    # Need for 14 days: A 1,000 × 0.01 × 14 = 140 kg = 0.14 t; B 280 kg = 0.28 t.
    rows = {r.label: (r.need, r.balance, r.gap) for r in response.context["rows"]}
    assert rows == {
        "兰山区": (Decimal(140), Decimal(0), Decimal(140)),
        "沂水县": (Decimal(280), Decimal(0), Decimal(280)),
    }
    assert '<span class="tile-value" id="reserve">52.5 t</span>' in body
    assert '<span class="tile-value" id="total-gap">0.42 t</span>' in body


def test_a_county_sees_its_schools_and_a_school_itself(
    login, official_a, school_contact_a, stocked, school_a
):
    rows = login(official_a).get(reverse("supplies_overview")).context["rows"]
    assert {r.label for r in rows} == {"兰山一小", school_a.name}
    response = login(school_contact_a).get(reverse("supplies_overview"))
    assert [r.label for r in response.context["rows"]] == [school_a.name]
    assert response.context["reserve"] is None


def test_the_overview_costs_the_same_for_more_schools(
    login, supplies_city, stocked, county_a, django_assert_num_queries
):
    client = login(supplies_city)
    client.get(reverse("supplies_overview"))  # settings row and holders exist from here on
    with django_assert_num_queries(18):
        assert client.get(reverse("supplies_overview")).status_code == 200
    SchoolFactory.create_batch(30, county=county_a)
    with django_assert_num_queries(18):
        response = client.get(reverse("supplies_overview"))
    assert response.status_code == 200
    assert {r.label: r.schools for r in response.context["rows"]}["兰山区"] == 31


def test_a_countys_schools_are_paged_under_the_countys_totals(
    login, official_a, stocked, county_a, school_a
):
    """52 schools of county A (the fixture's two and 50 more of 100 people each),
    the widest gaps first: 50 rows, then 2; the totals are the county's on both
    pages. Worked by hand: (1,000 + 645 for school_a + 50 × 100) people × 0.01 kg
    × 14 days = 930.3 kg, shown as 0.93 t of need; nothing is held."""
    SchoolFactory.create_batch(50, county=county_a, students=90, staff=10)
    client = login(official_a)
    first = client.get(reverse("supplies_overview"))
    second = client.get(reverse("supplies_overview"), {"item": stocked.code, "page": 2})
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 2
    assert first.context["rows"][0].label == "兰山一小"  # 140 kg, the widest gap
    assert f'href="?item={stocked.code}&amp;page=1"' in second.content.decode()
    for page in (first, second):
        tile = page.content.decode().split('id="total-need">')[1].split("</span>")[0]
        assert tile == "0.93 t"


def test_a_countys_rows_link_to_the_schools_stock_cards(
    login, official_a, stocked, county_a, school_a
):
    """A school that holds stock (it has a card) links to its card for the item
    shown; a school that never held any is named without a link."""
    bare = SchoolFactory(county=county_a, name="兰山无库存学校")
    card = services.school_holder(school_a)
    response = login(official_a).get(reverse("supplies_overview"), {"item": stocked.code})
    rows = {r.label: r.url for r in response.context["rows"]}
    expected = reverse("supplies_card", args=[card.pk]) + f"?item={stocked.code}"
    assert rows[school_a.name] == expected and rows[bare.name] == ""
    page = response.content.decode()
    assert f'<a href="{expected}">{school_a.name}</a>' in page
    assert f'<th scope="row">{bare.name}</th>' in page


def test_the_ledger_filters_and_exports_in_chinese(
    login, supplies_city, stocked, reserve, items, django_assert_num_queries
):
    receive(supplies_city, reserve, items["mask"], "1000", lot="KZ-1", supplier="红十字会")
    client = login(supplies_city)
    response = client.get(reverse("supplies_ledger"), {"item": "mask"})
    assert [m.lot.number for m in response.context["page"]] == ["KZ-1"]
    # Filtered by a holder, the list offers it chosen.
    response = client.get(reverse("supplies_ledger"), {"holder": reserve.pk})
    assert f'<option value="{reserve.pk}" selected>市级储备</option>' in response.content.decode()
    assert {m.holder_id for m in response.context["page"]} == {reserve.pk}
    with django_assert_num_queries(6):
        assert client.get(reverse("supplies_ledger")).status_code == 200
    for n in range(5):
        receive(supplies_city, reserve, items["mask"], "10", lot=f"KZ-{n + 2}")
    with django_assert_num_queries(6):
        assert client.get(reverse("supplies_ledger")).status_code == 200
    export = client.get(reverse("supplies_ledger"), {"item": "mask", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("时间", "持有方", "物资", "批号", "类别", "数量（库存单位）")
    assert {(r[1], r[2], r[3], r[4], r[5]) for r in rows[1:]} >= {
        ("市级储备", "口罩", "KZ-1", "入库", 1000)
    }


def test_the_stock_card_runs_the_balance(
    login, supplies_city, reserve, items, django_assert_num_queries
):
    receive(supplies_city, reserve, items["mask"], "100")
    services.consumption_record(
        actor=supplies_city, holder=reserve, item=items["mask"], quantity=Decimal(30)
    )
    receive(supplies_city, reserve, items["mask"], "5", lot="L2")
    client = login(supplies_city)
    url = reverse("supplies_card", args=[reserve.pk]) + "?item=mask"
    with django_assert_num_queries(7):  # with the holders the officer may send to
        response = client.get(url)
    assert response.status_code == 200
    assert [row["balance"] for row in response.context["card"]] == [100, 70, 75]


def test_a_refused_receipt_keeps_what_was_typed(login, supplies_city, reserve, items):
    response = login(supplies_city).post(
        reverse("supplies_receipt_new"),
        {
            "holder": reserve.pk,
            "item": items["disinfectant"].pk,
            "quantity": "1.0000005",
            "origin": "donation",
            "supplier": "临沂市慈善总会",
            "lot_number": "84-B",
            "expires_on": "2030-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["quantity"] == ["84消毒液的最小计量为 0.000001 t。"]
    body = response.content.decode()
    assert 'value="1.0000005"' in body and 'value="临沂市慈善总会"' in body
    assert not Movement.objects.exists()
    response = login(supplies_city).post(
        reverse("supplies_receipt_new"),
        {
            "holder": reserve.pk,
            "item": items["disinfectant"].pk,
            "quantity": "1.5",
            "origin": "donation",
            "supplier": "临沂市慈善总会",
            "lot_number": "84-B",
            "expires_on": "2030-01-01",
        },
    )
    assert response.status_code == 302
    movement = Movement.objects.get()
    assert (movement.quantity, movement.lot.number, movement.supplier) == (
        Decimal(1500),
        "84-B",
        "临沂市慈善总会",
    )


def test_a_county_confirms_on_the_page_and_a_shortfall_needs_a_note(
    login, supplies_city, official_a, official_b, reserve, depot_a, items
):
    receive(supplies_city, reserve, items["disinfectant"], "3000")
    [shipment] = services.shipment_send(
        actor=supplies_city,
        source=reserve,
        target=depot_a,
        item=items["disinfectant"],
        quantity=Decimal(2000),
    )
    url = reverse("supplies_shipment_confirm", args=[shipment.pk])
    assert login(official_b).post(url, {"received": "2"}).status_code == 404
    response = login(official_a).post(url, {"received": "1.5", "note": ""})
    assert response.status_code == 400
    assert "请说明短缺或破损情况。" in response.content.decode()
    assert 'value="1.5"' in response.content.decode()
    response = login(official_a).post(url, {"received": "1.5", "note": "破损半吨"})
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert (shipment.received_quantity, shipment.shortfall_note) == (Decimal(1500), "破损半吨")
    page = login(official_a).get(reverse("supplies_receipts"))
    assert "破损半吨" in page.content.decode()


def test_a_plan_is_proposed_edited_and_approved_on_its_page(
    login, supplies_city, stocked, county_a, county_b
):
    client = login(supplies_city)
    response = client.post(
        reverse("supplies_plans"),
        {
            "title": "第一批",
            "source": services.city_reserve().pk,
            "item": stocked.pk,
            "amount": "1",
        },
    )
    plan = AllocationPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "supplies_plan", args=[plan.pk]
    )
    # One tonne for gaps of 140 and 280 kg: 0.42 t needed, one whole tonne to B.
    lines = {line.target.county_id: line for line in plan.lines.select_related("target")}
    assert (lines[county_a.pk].proposed, lines[county_b.pk].proposed) == (0, 1000)
    response = client.post(
        reverse("supplies_plan", args=[plan.pk]),
        {
            f"line-{lines[county_a.pk].pk}": "0.6",
            f"line-{lines[county_b.pk].pk}": "0.5",
            "approve": "1",
        },
    )
    assert response.status_code == 400
    assert "明细合计 1.1 t，超过计划总量 1 t。" in response.content.decode()
    assert 'value="0.6"' in response.content.decode()
    assert not Shipment.objects.exists()
    response = client.post(
        reverse("supplies_plan", args=[plan.pk]),
        {
            f"line-{lines[county_a.pk].pk}": "0.4",
            f"line-{lines[county_b.pk].pk}": "0.6",
            "approve": "1",
        },
    )
    assert response.status_code == 302
    assert sorted(Shipment.objects.values_list("quantity", flat=True)) == [
        Decimal(400),
        Decimal(600),
    ]


def test_another_countys_holder_plan_and_request_are_not_found(
    login, supplies_a, supplies_city, depot_b, items, school_b, make_user
):
    receive(supplies_city, depot_b, items["sanitiser"], "100")
    plan = services.plan_propose(
        actor=supplies_city,
        source=depot_b,
        item=items["sanitiser"],
        amount=Decimal(10),
        title="沂水",
    )
    contact_b = make_user("school", school=school_b)
    request = services.request_create(
        actor=contact_b,
        holder=services.school_holder(school_b),
        item=items["sanitiser"],
        quantity=Decimal(5),
        reason="r",
    )
    client = login(supplies_a)
    assert client.get(reverse("supplies_card", args=[depot_b.pk])).status_code == 404
    assert client.get(reverse("supplies_plan", args=[plan.pk])).status_code == 404
    assert (
        client.post(reverse("supplies_plan", args=[plan.pk]), {"approve": "1"}).status_code == 404
    )
    decide = reverse("supplies_request_decide", args=[request.pk])
    assert client.post(decide, {"decision": "meet"}).status_code == 404
    request.refresh_from_db()
    plan.refresh_from_db()
    assert (request.status, plan.status) == ("open", "draft")
    assert not Shipment.objects.exists()


def test_a_school_asks_from_a_finding_and_the_finding_shows_the_request(
    login, school_contact_a, finding, items, supplies_city
):
    client = login(school_contact_a)
    page = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()
    assert f"cause_kind=finding&amp;cause_id={finding.pk}" in page
    response = client.post(
        reverse("supplies_requests"),
        {
            "item": items["alcohol"].pk,
            "quantity": "20",
            "reason": "留观区缺酒精",
            "cause_kind": "finding",
            "cause_id": finding.pk,
        },
    )
    assert response.status_code == 302
    request = SupplyRequest.objects.get()
    assert (request.cause_kind, request.cause_id, request.quantity) == (
        "finding",
        finding.pk,
        Decimal(20),
    )
    page = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()
    assert "75%酒精 20 L" in page and "待处理" in page


def test_a_school_records_its_use_and_an_officer_disposes_of_a_lot(
    login, supplies_city, school_contact_a, school_a, depot_a, items, make_user, county_a
):
    holder = services.school_holder(school_a)
    receive(supplies_city, holder, items["alcohol"], "30", lot="JJ-1")
    url = reverse("supplies_use", args=[holder.pk]) + "?item=alcohol"
    response = login(school_contact_a).post(url, {"quantity": "12.5", "reason": "教室消毒"})
    assert response.status_code == 302
    used = Movement.objects.get(kind="consumption")
    assert (used.quantity, used.note) == (Decimal("-12.5"), "教室消毒")
    # A school may not dispose (the form offers only use), and another school may not use.
    other = make_user("school", school=SchoolFactory(county=county_a))
    assert login(other).post(url, {"quantity": "1"}).status_code == 404
    response = login(school_contact_a).post(
        url, {"quantity": "1", "action": "dispose", "lot": "JJ-1", "reason": "r"}
    )
    assert response.status_code == 400
    assert response.context["use_form"].errors["action"] == [
        "选择一个有效的选项。 dispose 不在可用的选项中。"
    ]
    assert Movement.objects.filter(kind="disposal").count() == 0
    response = login(supplies_city).post(
        url, {"quantity": "17.5", "action": "dispose", "lot": "JJ-1", "reason": "过期"}
    )
    assert response.status_code == 302
    assert Movement.objects.get(kind="disposal").quantity == Decimal("-17.5")


def test_an_officer_sends_stock_to_a_school_from_the_stock_card(
    login, supplies_a, supplies_city, depot_a, depot_b, school_a, items
):
    receive(supplies_city, depot_a, items["mask"], "100")
    school = services.school_holder(school_a)
    url = reverse("supplies_send", args=[depot_a.pk]) + "?item=mask"
    client = login(supplies_a)
    card = client.get(reverse("supplies_card", args=[depot_a.pk]) + "?item=mask")
    assert list(card.context["send_form"].fields["target"].queryset) == [school]  # not B's
    response = client.post(url, {"target": depot_b.pk, "quantity": "10", "reference": "FH-0"})
    assert response.status_code == 400
    body = response.content.decode()
    # Refused, and shown again as typed: the quantity and the reference are kept.
    assert "请选择发往何处。" in body
    assert 'value="10"' in body and 'value="FH-0"' in body
    assert not Shipment.objects.exists()
    # A bad quantity keeps the school chosen, among the targets offered.
    response = client.post(url, {"target": school.pk, "quantity": "-3", "reference": "FH-1"})
    assert response.status_code == 400
    options = re.findall(r"<option[^>]*>[^<]*</option>", response.content.decode())
    assert f'<option value="{school.pk}" selected>{school_a.name}</option>' in options
    assert not Shipment.objects.exists()
    response = client.post(url, {"target": school.pk, "quantity": "30", "reference": "FH-1"})
    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.target, shipment.quantity, shipment.kind) == (
        school,
        Decimal(30),
        "distribution",
    )
    assert Movement.objects.get(kind="dispatch").reference == "FH-1"


def test_the_exports_hold_only_the_users_county(
    login, supplies_city, official_a, depot_a, depot_b, items
):
    receive(supplies_city, depot_a, items["mask"], "100", lot="A-1")
    receive(supplies_city, depot_b, items["mask"], "200", lot="B-1")
    client = login(official_a)
    for url in (reverse("supplies_ledger") + "?format=xlsx", reverse("supplies_balances_export")):
        response = client.get(url)
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        lots = {
            row[3] if "ledger" in url else row[2]
            for row in sheet.iter_rows(min_row=2, values_only=True)
        }
        assert lots == {"A-1"}, url


def test_a_refused_use_is_shown_again_as_typed(
    login, supplies_city, school_contact_a, school_a, items
):
    holder = services.school_holder(school_a)
    receive(supplies_city, holder, items["alcohol"], "30", lot="JJ-1")
    url = reverse("supplies_use", args=[holder.pk]) + "?item=alcohol"
    response = login(school_contact_a).post(url, {"quantity": "40", "reason": "全校消毒"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="40"' in body and 'value="全校消毒"' in body
    assert response.context["use_form"].non_field_errors() == ["可用库存不足：还差 10 L。"]
    assert not Movement.objects.filter(kind="consumption").exists()
    response = login(school_contact_a).post(url, {"quantity": "0.05", "reason": "x"})
    assert response.context["use_form"].errors["quantity"] == ["75%酒精的最小计量为 0.1 L。"]
