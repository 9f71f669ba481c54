"""Forms of the supplies pages. Quantities are typed in the item's display unit and
read exactly (``quantities.parse``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from readiness.forms import ImportForm, LongSelect
from readiness.models import SchoolLevel

from . import quantities
from .models import Holder, Item, Movement
from .selectors import holder_names


class QuantityField(forms.CharField):
    """Text that the form turns into a Decimal in stock units of ``form.item``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)


def _quantity(form, name: str, *, allow_zero: bool = False):
    item = form.cleaned_data.get("item") or getattr(form, "item", None)
    value = form.cleaned_data.get(name)
    if item is None or value in (None, ""):
        return None
    try:
        return quantities.parse(item, value, display=True, allow_zero=allow_zero)
    except ValidationError as error:
        form.add_error(name, error)
        return None


class ReceiptForm(forms.Form):
    holder = forms.ModelChoiceField(queryset=Holder.objects.none(), label=_("Into"))
    item = forms.ModelChoiceField(queryset=Item.objects.all(), label=_("Item"))
    quantity = QuantityField(label=_("Quantity (display unit)"))
    origin = forms.ChoiceField(choices=Movement.Origin.choices, label=_("Origin"))
    supplier = forms.CharField(max_length=100, label=_("Supplier or donor"))
    lot_number = forms.CharField(max_length=40, label=_("Batch number"))
    produced_on = forms.DateField(required=False, label=_("Produced on"))
    expires_on = forms.DateField(required=False, label=_("Expires on"))
    reference = forms.CharField(max_length=60, required=False, label=_("Reference"))
    note = forms.CharField(max_length=200, required=False, label=_("Note"))

    def __init__(self, *args, holders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders if holders is not None else Holder.objects.none()

    def clean(self):
        data = super().clean()
        data["quantity"] = _quantity(self, "quantity")
        return data


class ReceiptImportForm(ImportForm):
    """A spreadsheet of receipts into one holder (the reserve or a depot)."""

    holder = forms.ModelChoiceField(queryset=Holder.objects.none(), label=_("Into"))
    field_order = ["holder", "file"]

    def __init__(self, *args, holders=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["update_existing"]  # receipts are only ever added
        self.fields["holder"].queryset = holders if holders is not None else Holder.objects.none()
        self.fields["holder"].empty_label = None  # the first (the reserve, or one's depot)


class UseForm(forms.Form):
    """Use (first expired first out) or a disposal of one lot, on the stock card."""

    CONSUME, DISPOSE = "consume", "dispose"

    action = forms.ChoiceField(label=_("What"), required=False)
    quantity = QuantityField(widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    lot = forms.ChoiceField(required=False, label=_("Lot (for a disposal)"))
    reason = forms.CharField(max_length=200, required=False, label=_("Reason or note"))

    def __init__(self, *args, item: Item, lots=(), may_dispose: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "use-%s")
        super().__init__(*args, **kwargs)
        self.item = item
        self.lots = {balance.lot.number: balance.lot for balance in lots}
        self.fields["quantity"].label = _("Quantity (%(unit)s)") % {"unit": item.display_unit}
        actions = [(self.CONSUME, _("Use (first expiring lot first)"))]
        if may_dispose:
            actions.append((self.DISPOSE, _("Disposal of one lot")))
            self.fields["lot"].choices = [("", ""), *((n, n) for n in self.lots)]
        else:
            del self.fields["lot"]
        self.fields["action"].choices = actions

    def clean_action(self):
        return self.cleaned_data["action"] or self.CONSUME

    def clean(self):
        data = super().clean()
        data["quantity"] = _quantity(self, "quantity")
        if data.get("action") == self.DISPOSE:
            data["lot"] = self.lots.get(data.get("lot") or "")
            if data["lot"] is None:
                self.add_error("lot", _("Choose a lot held here."))
        return data


class SendForm(forms.Form):
    """Stock sent from the card's holder to another within the officer's scope."""

    LISTED = 500

    target = forms.ModelChoiceField(
        queryset=Holder.objects.none(),
        widget=LongSelect,
        label=_("Sent to"),
        error_messages={
            "required": _("Choose where to send it."),
            "invalid_choice": _("Choose where to send it."),
        },
    )
    quantity = QuantityField(widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    reference = forms.CharField(max_length=60, required=False, label=_("Reference"))

    def __init__(self, *args, item: Item, targets=None, **kwargs):
        kwargs.setdefault("auto_id", "send-%s")
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["quantity"].label = _("Quantity (%(unit)s)") % {"unit": item.display_unit}
        target = self.fields["target"]
        target.queryset = targets if targets is not None else Holder.objects.none()
        # The city's officer sees every school: the list offers the first ones (the
        # depots come first), read with LIMIT in SQL; any holder in scope is accepted.
        target.widget.choices = [
            ("", target.empty_label),
            *holder_names(target.queryset, limit=self.LISTED),
        ]

    def clean(self):
        data = super().clean()
        data["quantity"] = _quantity(self, "quantity")
        return data


class ConfirmForm(forms.Form):
    received = QuantityField(label=_("Quantity received (display unit)"))
    note = forms.CharField(max_length=200, required=False, label=_("What is missing or damaged"))

    def __init__(self, *args, item: Item, **kwargs):
        self.item = item
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        data["received"] = _quantity(self, "received", allow_zero=True)
        return data


class PlanForm(forms.Form):
    title = forms.CharField(max_length=100, label=_("Title"))
    source = forms.ModelChoiceField(queryset=Holder.objects.none(), label=_("Sent from"))
    item = forms.ModelChoiceField(queryset=Item.objects.all(), label=_("Item"))
    amount = QuantityField(label=_("Amount (display unit)"))

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources if sources is not None else Holder.objects.none()

    def clean(self):
        data = super().clean()
        data["amount"] = _quantity(self, "amount")
        return data


class RequestForm(forms.Form):
    item = forms.ModelChoiceField(queryset=Item.objects.all(), label=_("Item"))
    quantity = QuantityField(label=_("Quantity (display unit)"))
    reason = forms.CharField(max_length=200, label=_("Reason"))
    cause_kind = forms.CharField(max_length=30, required=False, widget=forms.HiddenInput)
    cause_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        data["quantity"] = _quantity(self, "quantity")
        return data


class DecideForm(forms.Form):
    DECISIONS = [("meet", _("Send")), ("refuse", _("Refuse")), ("merge", _("Merge into a plan"))]
    decision = forms.ChoiceField(choices=DECISIONS)
    reason = forms.CharField(max_length=200, required=False, label=_("Reason"))
    plan = forms.IntegerField(required=False, min_value=1)


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = [
            "code", "name", "stock_unit", "display_unit", "per_display", "decimals",
            "expires", "essential", "order",
        ]  # fmt: skip


class NormForm(forms.Form):
    item = forms.ModelChoiceField(queryset=Item.objects.all(), label=_("Item"))
    level = forms.ChoiceField(
        choices=[("", _("Every level")), *SchoolLevel.choices], required=False, label=_("Level")
    )
    per_person_day = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=6, initial=0, label=_("Per person per day")
    )
    per_bed_day = forms.DecimalField(
        min_value=0,
        max_digits=12,
        decimal_places=6,
        initial=0,
        label=_("Per boarding bed per day"),
    )
    per_school_day = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=6, initial=0, label=_("Per school per day")
    )


class OverrideForm(forms.Form):
    school = forms.CharField(max_length=10, label=_("School code"))
    item = forms.ModelChoiceField(queryset=Item.objects.all(), label=_("Item"))
    daily = forms.DecimalField(
        min_value=0,
        max_digits=12,
        decimal_places=6,
        required=False,
        label=_("Daily need (stock unit; blank: back to the norm)"),
    )
    reason = forms.CharField(max_length=200, required=False, label=_("Reason"))


class SettingsForm(forms.Form):
    cover_days = forms.IntegerField(min_value=1, max_value=365, label=_("Days of cover to hold"))
    alert_days = forms.IntegerField(
        min_value=1, max_value=365, label=_("Alert below this many days of cover")
    )
    expiry_warning_days = forms.IntegerField(
        min_value=0, max_value=365, label=_("Flag lots expiring within (days)")
    )
