"""Receipts (purchases and donations) read from a spreadsheet's cells.

``services.receipt_import`` writes each row through the ledger's own
``receipt_record``, so a row from a file is checked exactly as a receipt typed
into the form; this module only reads the cells and says which cell is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.imports import Headers, choice_spellings
from readiness.spreadsheets import Column, dataset_of

from .models import Item, Movement
from .quantities import parse, shown

# The columns, by key: the first label is the one a template and the preview show.
COLUMNS = {
    "item": (gettext_lazy("Item"), "物资名称", "物资代码", "item code"),
    "quantity": (gettext_lazy("Quantity"),),
    "unit": (gettext_lazy("Unit"),),
    "origin": (gettext_lazy("Origin"), "来源"),
    "supplier": (gettext_lazy("Supplier or donor"), "供应商", "捐赠方", "supplier", "donor"),
    "lot_number": (gettext_lazy("Batch number"), "批次号", "lot"),
    "produced_on": (gettext_lazy("Produced on"),),
    "expires_on": (gettext_lazy("Expires on"), "有效期", "失效日期"),
    "reference": (gettext_lazy("Reference"), "单据号"),
    "note": (gettext_lazy("Note"), "备注"),
}
HEADERS = Headers(COLUMNS, required=("item", "quantity", "origin", "supplier", "lot_number"))
LENGTHS = {"supplier": 100, "lot_number": 40, "reference": 60, "note": 200}
ORIGIN_SPELLINGS = {"采购": "purchase", "购买": "purchase", "捐赠": "donation", "捐助": "donation"}
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class CellError(ValueError):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass
class Receipt:
    """One row, read: what ``services.receipt_record`` takes."""

    item: Item
    quantity: object
    origin: str
    supplier: str
    lot_number: str
    produced_on: dt.date | None
    expires_on: dt.date | None
    reference: str
    note: str


def template_dataset():
    """The empty file to fill: the headers in the user's language."""
    return dataset_of([], [Column(labels[0], str) for labels in COLUMNS.values()])


def _text(cells: dict, key: str) -> str:
    value = cells.get(key)
    text = "" if value is None else str(value).strip()
    if key in LENGTHS and len(text) > LENGTHS[key]:
        raise CellError(
            key,
            _("At most %(n)d characters, this has %(m)d.") % {"n": LENGTHS[key], "m": len(text)},
        )
    return text


def _date(cells: dict, key: str) -> dt.date | None:
    value = cells.get(key)
    if isinstance(value, dt.datetime):  # xlsx date cells
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(cells, key)
    if not text:
        return None
    match = DATE.match(text)
    try:
        if match is None:
            raise ValueError
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(key, _("Enter a date such as 2026-12-31.")) from None


def _item(cells: dict, items: dict[str, Item]) -> Item:
    text = _text(cells, "item")
    if not text:
        raise CellError("item", _("Name the item."))
    item = items.get(text.lower())
    if item is None:
        raise CellError("item", _("No item is called or coded “%(text)s”.") % {"text": text})
    return item


def _origin(cells: dict) -> str:
    text = _text(cells, "origin").lower()
    spellings = {**choice_spellings(Movement.Origin.choices), **ORIGIN_SPELLINGS}
    if text not in spellings:
        raise CellError("origin", _("Write 采购 (purchase) or 捐赠 (donation)."))
    return spellings[text]


def _quantity(cells: dict, item: Item):
    unit = _text(cells, "unit")
    if unit and unit not in (item.display_unit, item.stock_unit):
        raise CellError(
            "unit",
            _("%(item)s is counted in %(display)s or %(stock)s.")
            % {"item": item.name, "display": item.display_unit, "stock": item.stock_unit},
        )
    in_display = unit != item.stock_unit  # no unit: the display unit, as in the form
    try:
        return parse(item, cells.get("quantity"), display=in_display)
    except ValidationError as error:
        raise CellError("quantity", " ".join(error.messages)) from None


def read_row(cells: dict, items: dict[str, Item]) -> Receipt:
    """A row's cells (by column key) as a receipt, or the first wrong cell."""
    item = _item(cells, items)
    receipt = Receipt(
        item=item,
        quantity=_quantity(cells, item),
        origin=_origin(cells),
        supplier=_text(cells, "supplier"),
        lot_number=_text(cells, "lot_number"),
        produced_on=_date(cells, "produced_on"),
        expires_on=_date(cells, "expires_on"),
        reference=_text(cells, "reference"),
        note=_text(cells, "note"),
    )
    if not receipt.supplier:
        raise CellError("supplier", _("Name the supplier or donor."))
    if not receipt.lot_number:
        raise CellError("lot_number", _("Give the batch number."))
    if item.expires and receipt.expires_on is None:
        raise CellError(
            "expires_on", _("%(item)s expires: give the expiry date.") % {"item": item.name}
        )
    return receipt


def preview_row(receipt: Receipt) -> dict:
    return {
        str(COLUMNS["item"][0]): receipt.item.name,
        str(COLUMNS["quantity"][0]): f"{shown(receipt.item, receipt.quantity)} "
        f"{receipt.item.display_unit}",
        str(COLUMNS["origin"][0]): str(Movement.Origin(receipt.origin).label),
        str(COLUMNS["supplier"][0]): receipt.supplier,
        str(COLUMNS["lot_number"][0]): receipt.lot_number,
        str(COLUMNS["expires_on"][0]): receipt.expires_on.isoformat()
        if receipt.expires_on
        else "",
        str(COLUMNS["reference"][0]): receipt.reference,
    }
