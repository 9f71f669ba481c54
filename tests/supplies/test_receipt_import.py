"""Receipts from a spreadsheet: checked, shown, confirmed, recorded the whole file or
nothing; every wrong cell named by row and column; only into holders in scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from readiness.models import AuditEntry
from supplies import services
from supplies.models import Balance, Lot, Movement, ReceiptImport
from tests.supplies.fixtures import *  # noqa: F403

HEADER = [
    "物资",
    "数量",
    "单位",
    "来源",
    "供应商或捐赠方",
    "批号",
    "生产日期",
    "有效期至",
    "单据号",
]
NEXT_YEAR = timezone.localdate() + dt.timedelta(days=365)


def xlsx(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv(rows, header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def good_rows():
    # 2.5 t of disinfectant and 1,200 kg of it in a second lot; 200 bottles donated.
    return [
        ("84消毒液", "2.5", "", "采购", "临沂医药公司", "D-01", "", NEXT_YEAR, "CG-001"),
        ("disinfectant", 1200, "kg", "purchase", "临沂医药公司", "D-02", "", NEXT_YEAR, ""),
        ("免洗洗手液", 200, "瓶", "捐赠", "爱心企业", "S-01", "2026-10-01", NEXT_YEAR, ""),
    ]


def upload(data: bytes, name: str = "receipts.xlsx"):
    return SimpleUploadedFile(name, data)


def check(send, user, holder, data, name="receipts.xlsx"):
    url = reverse("supplies_receipt_import")
    return send(user, url, {"holder": holder.pk, "file": upload(data, name)})


def ledger() -> list[tuple]:
    return sorted(
        Movement.objects.values_list("holder_id", "item__code", "lot__number", "quantity")
    )


def test_a_file_is_checked_shown_then_recorded_on_confirmation(
    send, supplies_city, items, reserve
):
    page = check(send, supplies_city, reserve, xlsx(good_rows()))
    body = page.content.decode()
    assert "导入前核对" in body and "3 行已核对" in body
    assert "2.5 t" in body and "1.2 t" in body and "捐赠" in body and "爱心企业" in body
    # Checked, nothing written: no movement, no lot, no balance, no audit of a receipt.
    assert not Movement.objects.exists() and not Lot.objects.exists()
    assert not Balance.objects.exists()
    assert not AuditEntry.objects.filter(action="supply.receipt").exists()

    job = ReceiptImport.objects.get()
    page = send(supplies_city, reverse("supplies_receipt_import_confirm", args=[job.pk]))
    assert "已记录 3 笔入库，入库至" in page.content.decode()
    assert ledger() == [
        (reserve.pk, "disinfectant", "D-01", Decimal("2500.000")),
        (reserve.pk, "disinfectant", "D-02", Decimal("1200.000")),
        (reserve.pk, "sanitiser", "S-01", Decimal("200.000")),
    ]
    receipt = Movement.objects.get(lot__number="S-01")
    assert (receipt.kind, receipt.origin, receipt.supplier, receipt.actor) == (
        "receipt",
        "donation",
        "爱心企业",
        supplies_city,
    )
    assert receipt.lot.produced_on == dt.date(2026, 10, 1)
    assert receipt.lot.expires_on == NEXT_YEAR
    assert Movement.objects.get(lot__number="D-01").reference == "CG-001"
    assert services.Balance.objects.filter(holder=reserve, item=items["disinfectant"]).values_list(
        "quantity", flat=True
    ).order_by("lot__number")[::1] == [Decimal("2500.000"), Decimal("1200.000")]
    job.refresh_from_db()
    assert (job.stage, job.status, bool(job.file)) == ("confirm", "done", False)
    assert AuditEntry.objects.filter(action="supply.receipt").count() == 3


def test_a_job_is_confirmed_once(send, supplies_city, items, reserve):
    check(send, supplies_city, reserve, xlsx(good_rows()))
    job = ReceiptImport.objects.get()
    confirm = reverse("supplies_receipt_import_confirm", args=[job.pk])
    send(supplies_city, confirm)
    page = send(supplies_city, confirm)
    assert "此文件已导入或有错误" in page.content.decode()
    assert Movement.objects.count() == 3


def test_english_headers_and_a_csv_file(send, supplies_city, items, reserve):
    header = ["Item", "Quantity", "Origin", "Supplier or donor", "Batch number", "Expires on"]
    rows = [("mask", 5000, "Donation", "Red Cross", "M-1", "")]
    page = check(send, supplies_city, reserve, csv(rows, header), "r.csv")
    assert "导入前核对" in page.content.decode()
    job = ReceiptImport.objects.get()
    send(supplies_city, reverse("supplies_receipt_import_confirm", args=[job.pk]))
    assert ledger() == [(reserve.pk, "mask", "M-1", Decimal("5000.000"))]


BAD_ROWS = [
    # each bad row, the column named and the message, in Chinese
    (("消毒片", 1, "", "采购", "甲", "X-1", "", NEXT_YEAR, ""), "物资", "没有名称或代码为“消毒片”的物资。"),
    (("免洗洗手液", "1.5", "", "采购", "甲", "X-2", "", NEXT_YEAR, ""), "数量",
     "免洗洗手液的最小计量为 1 瓶。"),
    (("免洗洗手液", "十", "", "采购", "甲", "X-3", "", NEXT_YEAR, ""), "数量", "请输入数字。"),
    (("免洗洗手液", "-3", "", "采购", "甲", "X-4", "", NEXT_YEAR, ""), "数量",
     "数量必须大于零。"),
    (("口罩", 10, "箱", "采购", "甲", "X-5", "", "", ""), "单位", "口罩的计量单位为 个 或 个。"),
    (("口罩", 10, "", "赠送", "甲", "X-6", "", "", ""), "来源", "请填写“采购”或“捐赠”。"),
    (("口罩", 10, "", "采购", "", "X-7", "", "", ""), "供应商或捐赠方", "请填写供应商或捐赠方。"),
    (("口罩", 10, "", "采购", "甲", "", "", "", ""), "批号", "请填写批号。"),
    (("75%酒精", 10, "", "采购", "甲", "X-9", "", "", ""), "有效期至",
     "75%酒精有有效期，请填写有效期至。"),
    (("75%酒精", 10, "", "采购", "甲", "X-10", "", "31/12/2030", ""), "有效期至",
     "请按 2026-12-31 的格式填写日期。"),
    (("75%酒精", 10, "", "采购", "甲", "X-11", "", "2020-01-01", ""), "—",
     "该批次已过期，不能入库。"),
    (("口罩", 10, "", "采购", "甲" * 101, "X-12", "", "", ""), "供应商或捐赠方",
     "最多 100 个字，此处有 101 个。"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS)
def test_a_wrong_cell_is_named_and_the_whole_file_is_refused(
    send, supplies_city, items, reserve, row, column, message
):
    rows = [*good_rows(), row]
    page = check(send, supplies_city, reserve, xlsx(rows))
    body = page.content.decode()
    assert "文件未导入" in body and "发现 1 个问题" in body
    assert f'<td class="num">5</td><td>{column}</td><td>{message}</td>' in body
    assert not Movement.objects.exists() and not Lot.objects.exists()
    job = ReceiptImport.objects.get()
    assert (job.status, bool(job.file)) == ("refused", False)
    # Confirming a refused file does nothing either.
    page = send(supplies_city, reverse("supplies_receipt_import_confirm", args=[job.pk]))
    assert "此文件已导入或有错误" in page.content.decode()
    assert not Movement.objects.exists()


def test_every_wrong_row_is_listed_at_once(send, supplies_city, items, reserve):
    rows = [good_rows()[0], *(row for row, _column, _message in BAD_ROWS[:3])]
    page = check(send, supplies_city, reserve, xlsx(rows))
    body = page.content.decode()
    assert "发现 3 个问题" in body
    for line in (3, 4, 5):
        assert f'<td class="num">{line}</td>' in body
    assert not Movement.objects.exists()


def test_one_lot_twice_with_two_expiry_dates_is_refused(send, supplies_city, items, reserve):
    rows = [
        ("口罩", 10, "", "采购", "甲", "M-1", "", "", ""),
        ("75%酒精", 10, "", "采购", "甲", "A-1", "", NEXT_YEAR, ""),
        ("75%酒精", 10, "", "采购", "甲", "A-1", "", NEXT_YEAR + dt.timedelta(days=1), ""),
    ]
    body = check(send, supplies_city, reserve, xlsx(rows)).content.decode()
    assert f"批号 A-1 已登记，有效期至 {NEXT_YEAR}。" in body
    assert not Lot.objects.exists() and not Movement.objects.exists()


def test_the_rows_are_checked_again_on_confirmation(send, supplies_city, items, reserve, depot_a):
    """Between the check and the confirmation the lot was recorded elsewhere with
    another expiry date: the confirmation refuses the file and writes nothing."""
    check(send, supplies_city, reserve, xlsx(good_rows()))
    job = ReceiptImport.objects.get()
    services.receipt_record(
        actor=supplies_city,
        holder=depot_a,
        item=items["sanitiser"],
        quantity=Decimal(5),
        origin="purchase",
        supplier="乙",
        lot_number="S-01",
        expires_on=NEXT_YEAR + dt.timedelta(days=30),
    )
    before = ledger()
    page = send(supplies_city, reverse("supplies_receipt_import_confirm", args=[job.pk]))
    body = page.content.decode()
    assert "文件未导入" in body and "批号 S-01 已登记" in body
    assert ledger() == before


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "r.csv", "提交的是空文件。"),
        (b"%PDF-1.4 not a sheet", "r.pdf", "该文件不是表格"),
        (csv([("口罩", 1)], HEADER[:2]), "r.csv", "缺少列：来源、供应商或捐赠方、批号。"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_receipts_sheet_is_refused(
    send, supplies_city, items, reserve, data, name, message
):
    body = check(send, supplies_city, reserve, data, name).content.decode()
    assert message in body
    assert not Movement.objects.exists()


def test_a_county_officer_imports_only_into_their_own_depot(
    send, login, supplies_a, items, reserve, depot_a, depot_b
):
    for holder in (reserve, depot_b):
        response = login(supplies_a).post(
            reverse("supplies_receipt_import"),
            {"holder": holder.pk, "file": upload(xlsx(good_rows()))},
        )
        assert response.status_code == 200
        assert "选择一个有效的选项" in response.content.decode()
    assert not ReceiptImport.objects.exists()
    with pytest.raises(PermissionDenied):
        services.receipt_import_start(
            actor=supplies_a, holder=depot_b, upload=upload(xlsx(good_rows()))
        )
    check(send, supplies_a, depot_a, xlsx(good_rows()))
    job = ReceiptImport.objects.get()
    send(supplies_a, reverse("supplies_receipt_import_confirm", args=[job.pk]))
    assert {holder for holder, *_rest in ledger()} == {depot_a.pk}


def test_another_users_import_cannot_be_seen_or_confirmed(
    send, login, supplies_city, make_user, items, reserve
):
    check(send, supplies_city, reserve, xlsx(good_rows()))
    job = ReceiptImport.objects.get()
    other = make_user("supplies", full_name="另一位物资员")
    client = login(other)
    assert client.get(reverse("supplies_receipt_import_status", args=[job.pk])).status_code == 404
    response = client.post(reverse("supplies_receipt_import_confirm", args=[job.pk]))
    assert response.status_code == 404
    assert not Movement.objects.exists()


@pytest.mark.parametrize("role", ["school", "county_official", "task_force", "inspector"])
def test_roles_that_do_not_manage_stock_get_403(login, make_user, county_a, school_a, role):
    where = {
        "school": {"school": school_a},
        "county_official": {"county": county_a},
    }.get(role, {})
    client = login(make_user(role, **where))
    assert client.get(reverse("supplies_receipt_import")).status_code == 403
    assert client.get(reverse("supplies_receipt_import_template")).status_code == 403


def test_the_template_has_the_headers_in_chinese(login, supplies_city):
    response = login(supplies_city).get(reverse("supplies_receipt_import_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == [
        "物资", "数量", "单位", "来源", "供应商或捐赠方", "批号", "生产日期", "有效期至", "单据号", "说明",
    ]  # fmt: skip


def test_the_template_filled_in_imports(send, login, supplies_city, items, reserve):
    response = login(supplies_city).get(reverse("supplies_receipt_import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    book.active.append(["口罩", 300, "个", "捐赠", "红十字会", "M-9", None, None, None, "首批"])
    out = io.BytesIO()
    book.save(out)
    check(send, supplies_city, reserve, out.getvalue())
    job = ReceiptImport.objects.get()
    send(supplies_city, reverse("supplies_receipt_import_confirm", args=[job.pk]))
    assert Movement.objects.get().note == "首批"
    assert ledger() == [(reserve.pk, "mask", "M-9", Decimal("300.000"))]


def test_stale_uploads_are_purged(send, supplies_city, items, reserve):
    check(send, supplies_city, reserve, xlsx(good_rows()))
    job = ReceiptImport.objects.get()
    assert services.receipt_import_purge() == 0
    ReceiptImport.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    assert services.receipt_import_purge() == 1
    page = send(supplies_city, reverse("supplies_receipt_import_confirm", args=[job.pk]))
    assert "此文件已导入或有错误" in page.content.decode()
    assert not Movement.objects.exists()
