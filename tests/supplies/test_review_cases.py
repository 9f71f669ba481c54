"""Cases a review found: who keeps and who receives a school's stock, merged requests
left unsent, stock that moves during a count, figures typed too large, ids that are not
numbers, writes that must name their item, a school that changes county, ties between
numbered holders, and the daily report counting stock once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from readiness.models import School
from supplies import dispatch, services
from supplies.allocation import split
from supplies.models import Holder, Movement, NeedNorm, SupplyRequest
from supplies.quantities import parse
from tests.readiness.factories import SchoolFactory

from .fixtures import receive
from .test_ledger import balance


def test_a_county_official_neither_uses_nor_confirms_for_a_school(
    supplies_city, official_a, school_contact_a, school_a, depot_a, items
):
    school = services.school_holder(school_a)
    receive(supplies_city, school, items["mask"], "100")
    with pytest.raises(PermissionDenied):
        services.consumption_record(
            actor=official_a, holder=school, item=items["mask"], quantity=Decimal(1)
        )
    receive(supplies_city, depot_a, items["mask"], "100")
    [shipment] = services.shipment_send(
        actor=supplies_city,
        source=depot_a,
        target=school,
        item=items["mask"],
        quantity=Decimal(50),
    )
    for wrong in (official_a, supplies_city):
        with pytest.raises(PermissionDenied):
            services.shipment_confirm(
                actor=wrong, shipment=shipment, received=Decimal(40), note="x"
            )
    services.shipment_confirm(actor=school_contact_a, shipment=shipment, received=Decimal(50))
    assert balance(school, items["mask"]) == 150


def test_a_merged_request_whose_line_sends_nothing_opens_again(
    supplies_city, school_contact_a, school_a, depot_a, items, county_a
):
    NeedNorm.objects.create(item=items["mask"], per_person_day=Decimal(1))
    other = SchoolFactory(county=county_a)
    receive(supplies_city, depot_a, items["mask"], "5000")
    request = services.request_create(
        actor=school_contact_a, holder=services.school_holder(school_a), item=items["mask"],
        quantity=Decimal(100), reason="r",
    )  # fmt: skip
    plan = services.plan_propose(
        actor=supplies_city, source=depot_a, item=items["mask"], amount=Decimal(1000), title="t"
    )
    services.request_merge(actor=supplies_city, request=request, plan=plan)
    lines = {line.target.school_id: line.pk for line in plan.lines.select_related("target")}
    services.plan_lines_set(
        actor=supplies_city,
        plan=plan,
        quantities={lines[school_a.pk]: Decimal(0), lines[other.pk]: Decimal(500)},
    )
    services.plan_approve(actor=supplies_city, plan=plan)
    request.refresh_from_db()
    assert (request.status, request.plan) == ("open", None)


def test_stock_that_arrives_between_counting_and_confirming_is_kept(supplies_city, reserve, items):
    receive(supplies_city, reserve, items["mask"], "100", lot="KZ")
    count = services.count_start(actor=supplies_city, holder=reserve)
    [line] = count.lines.all()
    services.count_save(
        actor=supplies_city, count=count, counted={line.pk: Decimal(90)}, reason="盘点"
    )
    receive(supplies_city, reserve, items["mask"], "50", lot="KZ")  # arrives afterwards
    services.count_finish(actor=supplies_city, count=count)
    # 10 were missing at the count; the 50 that arrived since stay: 140.
    assert balance(reserve, items["mask"]) == 140
    assert Movement.objects.get(kind="adjustment").quantity == -10


def test_a_second_start_resumes_the_open_count(supplies_city, reserve, items):
    receive(supplies_city, reserve, items["mask"], "10")
    first = services.count_start(actor=supplies_city, holder=reserve)
    assert services.count_start(actor=supplies_city, holder=reserve) == first


def test_a_huge_figure_is_refused_not_a_server_error(items, login, supplies_city, reserve):
    for typed in ("1e1000000", "100000000"):  # the second only too large in kg: 1e11
        with pytest.raises(ValidationError) as caught:
            parse(items["disinfectant"], typed, display=True)
        assert caught.value.messages == ["数量过大。"]
    response = login(supplies_city).post(
        reverse("supplies_receipt_new"),
        {"holder": reserve.pk, "item": items["disinfectant"].pk, "quantity": "1e1000000",
         "origin": "purchase", "supplier": "s", "lot_number": "L", "expires_on": "2030-01-01"},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors["quantity"] == [
        "数量过大。"
    ]


def test_a_holder_filter_that_is_not_a_number_is_ignored(login, supplies_city):
    response = login(supplies_city).get(reverse("supplies_ledger"), {"holder": "²"})
    assert response.status_code == 200


def test_a_write_must_name_its_item(login, supplies_city, reserve, items):
    receive(supplies_city, reserve, items["mask"], "10")
    url = reverse("supplies_use", args=[reserve.pk])
    assert login(supplies_city).post(url, {"quantity": "1"}).status_code == 404
    assert login(supplies_city).post(url + "?item=none", {"quantity": "1"}).status_code == 404
    assert balance(reserve, items["mask"]) == 10


def test_a_school_that_changes_county_takes_its_stock_along(
    supplies_city, supplies_a, school_a, county_b, items, make_user
):
    school = services.school_holder(school_a)
    receive(supplies_city, school, items["mask"], "10")
    School.objects.filter(pk=school_a.pk).update(county=county_b)
    school = Holder.objects.get(pk=school.pk)  # as the next request reads it
    supplies_b = make_user("supplies", county=county_b)
    with pytest.raises(PermissionDenied):
        services.consumption_record(
            actor=supplies_a, holder=school, item=items["mask"], quantity=Decimal(1)
        )
    services.consumption_record(
        actor=supplies_b, holder=school, item=items["mask"], quantity=Decimal(1)
    )
    assert balance(school, items["mask"]) == 9


def test_ties_between_numbered_holders_go_by_number():
    assert split(Decimal(1), {10: Decimal(1), 9: Decimal(1)}, grain=Decimal(1)) == {10: 0, 9: 1}


def test_the_report_counts_stock_once_as_it_leaves_the_reserve(
    supplies_city, reserve, depot_a, school_a, items
):
    receive(supplies_city, reserve, items["mask"], "100")
    [to_depot] = services.shipment_send(
        actor=supplies_city,
        source=reserve,
        target=depot_a,
        item=items["mask"],
        quantity=Decimal(60),
    )
    receive(supplies_city, depot_a, items["mask"], "60")
    services.shipment_send(
        actor=supplies_city, source=depot_a, target=services.school_holder(school_a),
        item=items["mask"], quantity=Decimal(60),
    )  # fmt: skip
    rows = {row["item"]: row for row in dispatch.figures(timezone.localdate())["items"]}
    assert (rows["口罩"]["today"], rows["口罩"]["to_date"]) == ("60", "60")
    assert SupplyRequest.objects.count() == 0 and to_depot.quantity == 60


def test_a_request_is_merged_only_into_a_plan_within_scope(
    supplies_city, supplies_a, school_contact_a, school_a, depot_b, items
):
    receive(supplies_city, depot_b, items["mask"], "100")
    theirs = services.plan_propose(
        actor=supplies_city, source=depot_b, item=items["mask"], amount=Decimal(10), title="沂水"
    )
    request = services.request_create(
        actor=school_contact_a, holder=services.school_holder(school_a), item=items["mask"],
        quantity=Decimal(5), reason="r",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.request_merge(actor=supplies_a, request=request, plan=theirs)
    request.refresh_from_db()
    assert (request.status, request.plan) == ("open", None)
