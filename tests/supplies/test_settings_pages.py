"""Items, norms and schools' own needs, set on their pages by whom they belong to."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from supplies import needs
from supplies.models import Item, NeedNorm, NeedOverride

from .fixtures import receive


def test_the_city_sets_a_norm_and_the_need_follows(login, supplies_city, items, school_a):
    response = login(supplies_city).post(
        reverse("supplies_needs"),
        {
            "form": "norm", "item": items["mask"].pk, "level": "",
            "per_person_day": "1", "per_bed_day": "0", "per_school_day": "5",
        },
    )  # fmt: skip
    assert response.status_code == 302
    norm = NeedNorm.objects.get()
    assert (norm.level, norm.per_person_day, norm.per_school_day) == ("", 1, 5)
    row = {"id": school_a.pk, "level": "primary", "students": 600, "staff": 45, "beds": 0}
    assert needs.daily_needs(items["mask"], [row]) == {school_a.pk: Decimal(650)}  # 645 + 5


def test_a_county_sets_its_schools_own_need_with_a_reason(
    login, supplies_a, items, school_a, school_b, official_a
):
    client = login(supplies_a)
    url = reverse("supplies_needs")
    base = {"form": "override", "item": items["mask"].pk, "daily": "300"}
    response = client.post(url, {**base, "school": school_a.code, "reason": ""})
    assert response.status_code == 400
    assert "请说明该校需求与定额不同的原因。" in response.content.decode()
    response = client.post(url, {**base, "school": school_b.code, "reason": "寄宿"})
    assert "您的范围内没有该代码的学校。" in response.content.decode()
    assert not NeedOverride.objects.exists()
    response = client.post(url, {**base, "school": school_a.code, "reason": "全员寄宿"})
    assert response.status_code == 302
    assert NeedOverride.objects.get().daily == 300
    response = client.post(url, {**base, "daily": "", "school": school_a.code, "reason": ""})
    assert response.status_code == 302 and not NeedOverride.objects.exists()
    # A county official sees the page but sets nothing; a city norm is the city's.
    assert login(official_a).get(url).status_code == 200
    assert (
        login(official_a).post(url, {**base, "school": school_a.code, "reason": "r"}).status_code
        == 403
    )
    norm = {
        "form": "norm",
        "item": items["mask"].pk,
        "per_person_day": "1",
        "per_bed_day": "0",
        "per_school_day": "0",
    }
    assert login(supplies_a).post(url, norm).status_code == 403
    assert not NeedNorm.objects.exists()


def test_an_item_with_stock_keeps_its_stock_unit(login, supplies_city, supplies_a, reserve, items):
    disinfectant = items["disinfectant"]
    receive(supplies_city, reserve, disinfectant, "100")
    url = reverse("supplies_items") + f"?edit={disinfectant.pk}"
    fields = {
        "code": "disinfectant", "name": "84消毒液", "stock_unit": "kg", "display_unit": "吨",
        "per_display": "1000", "decimals": "3", "expires": "on", "essential": "on", "order": "0",
    }  # fmt: skip
    assert login(supplies_city).post(url, fields).status_code == 302
    assert Item.objects.get(pk=disinfectant.pk).display_unit == "吨"
    response = login(supplies_city).post(url, {**fields, "stock_unit": "L"})
    assert response.status_code == 400
    assert "84消毒液已有库存，库存单位和小数位数不能再修改。" in response.content.decode()
    assert 'value="L"' in response.content.decode()
    assert Item.objects.get(pk=disinfectant.pk).stock_unit == "kg"
    assert login(supplies_a).post(url, {**fields, "name": "改名"}).status_code == 403
    assert Item.objects.get(pk=disinfectant.pk).name == "84消毒液"


def test_the_city_sets_the_days_of_cover_and_the_alert(login, supplies_city, supplies_a):
    from supplies.models import SupplySettings

    url = reverse("supplies_needs")
    fields = {
        "form": "settings",
        "cover_days": "21",
        "alert_days": "30",
        "expiry_warning_days": "45",
    }
    response = login(supplies_city).post(url, fields)
    assert response.status_code == 400
    assert "预警天数应不少于 1 天，且不超过储备保障天数。" in response.content.decode()
    assert login(supplies_city).post(url, {**fields, "alert_days": "10"}).status_code == 302
    current = SupplySettings.current()
    assert (current.cover_days, current.alert_days, current.expiry_warning_days) == (21, 10, 45)
    assert login(supplies_a).post(url, {**fields, "cover_days": "7"}).status_code == 403
    assert SupplySettings.current().cover_days == 21
