"""A physical count (盘点): started, saved and resumed, confirmed once; only the lots
counted are adjusted, by their difference from the book."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from supplies.models import Movement, StockCount, StockCountLine

from .fixtures import receive
from .test_ledger import balance, ledger_matches_balances


def test_a_count_is_saved_resumed_and_confirmed(login, supplies_a, depot_a, items, supplies_city):
    receive(supplies_city, depot_a, items["disinfectant"], "2500", lot="84-A")
    receive(supplies_city, depot_a, items["mask"], "1000", lot="KZ-1")
    client = login(supplies_a)
    url = reverse("supplies_count", args=[depot_a.pk])
    assert client.post(url, {"action": "start"}).status_code == 302
    lines = {line.lot.number: line for line in StockCountLine.objects.select_related("lot")}
    assert set(lines) == {"84-A", "KZ-1"}

    # A typo is refused with the lot named, and what was typed stays.
    response = client.post(
        url, {"action": "save", f"line-{lines['84-A'].pk}": "2.4x", "reason": "月末盘点"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "84消毒液 84-A: 请输入数字。" in body and 'value="2.4x"' in body
    # 2.4 t counted of the 2.5 t on the book; the masks not yet counted.
    response = client.post(
        url, {"action": "save", f"line-{lines['84-A'].pk}": "2.4", "reason": "月末盘点"}
    )
    assert response.status_code == 302 and not Movement.objects.filter(kind="adjustment").exists()
    body = client.get(url).content.decode()
    assert 'value="2.4"' in body and "-0.1" in body  # resumed, with the difference

    response = client.post(
        url, {"action": "finish", f"line-{lines['84-A'].pk}": "2.4", "reason": "月末盘点"}
    )
    assert response.status_code == 302
    adjustment = Movement.objects.get(kind="adjustment")
    assert (adjustment.lot.number, adjustment.quantity, adjustment.reason) == (
        "84-A",
        Decimal(-100),
        "月末盘点",
    )
    assert balance(depot_a, items["mask"]) == 1000
    assert StockCount.objects.get().status == "confirmed"
    assert ledger_matches_balances()


def test_another_countys_count_is_not_found_and_a_viewer_may_not_count(
    login, supplies_a, official_b, depot_b
):
    url = reverse("supplies_count", args=[depot_b.pk])
    assert login(supplies_a).get(url).status_code == 404
    assert login(supplies_a).post(url, {"action": "start"}).status_code == 404
    assert login(official_b).get(url).status_code == 403
    assert not StockCount.objects.exists()
