"""Pages of the supplies work (物资保障): the overview, the ledger and stock cards,
receipts, allocation plans, confirmations and requests."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readiness import selectors as core_selectors
from readiness.access import has_right
from readiness.forms import posted
from readiness.jobs import job_not_queued, job_status
from readiness.spreadsheets import (
    Column,
    dataset_of,
    local_time,
    spreadsheet_response,
    template_response,
)
from readiness.tasks import enqueue

from . import access, quantities, selectors, services, tasks
from .access import Right
from .forms import (
    ConfirmForm,
    DecideForm,
    ItemForm,
    NormForm,
    OverrideForm,
    PlanForm,
    ReceiptForm,
    ReceiptImportForm,
    RequestForm,
    SendForm,
    SettingsForm,
    UseForm,
)
from .models import (
    Holder,
    Item,
    Movement,
    NeedNorm,
    ReceiptImport,
    SupplyRequest,
    SupplySettings,
)
from .quantities import shown
from .receipts import template_dataset as receipts_template
from .templatetags.supplies import about


def _item(request: HttpRequest) -> tuple[list[Item], Item | None]:
    """Every item, and the one chosen by ?item= (the first by default)."""
    items = list(selectors.item_list(user=request.user))
    code = request.GET.get("item")
    return items, next((i for i in items if i.code == code), items[0] if items else None)


def _named_item(request: HttpRequest) -> Item:
    """The item a write names by ?item=, never a default one: 404 without it."""
    items, _default = _item(request)
    item = next((i for i in items if i.code == request.GET.get("item")), None)
    if item is None:
        raise Http404
    return item


def _typed_lines(request: HttpRequest, lines) -> dict[int, str]:
    """What was typed for each line (``line-<pk>``), kept to show again."""
    return {line.pk: request.POST.get(f"line-{line.pk}", "").strip() for line in lines}


def _parse_lines(typed: dict[int, str], lines, item_of, label_of) -> dict:
    """Line pk → quantity in stock units (None where left blank), read in the display
    unit of the line's item; the first bad one is refused with its line named."""
    parsed = {}
    for line in lines:
        text = typed[line.pk]
        try:
            parsed[line.pk] = (
                quantities.parse(item_of(line), text, display=True, allow_zero=True)
                if text
                else None
            )
        except ValidationError as error:
            raise ValidationError(f"{label_of(line)}: {error.messages[0]}") from None
    return parsed


def _query(request: HttpRequest) -> str:
    """The request's filters, without the page and the format, for links."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


def _rights(user) -> dict:
    return {
        "can_manage": has_right(user, Right.SUPPLY_MANAGE),
        "can_request": has_right(user, Right.SUPPLY_REQUEST),
        "can_receive": has_right(user, Right.SUPPLY_RECEIVE),
    }


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    items, item = _item(request)
    context = {"items": items, "item": item, **_rights(request.user)}
    if item is not None:
        context.update(selectors.overview(user=request.user, item=item))
        # A county's schools, 458 in the largest, the widest gaps first: paged; the
        # totals above the table stay the county's.
        page = Paginator(context["rows"], 50).get_page(request.GET.get("page"))
        context.update(rows=page.object_list, page=page, query=_query(request))
        days = context["settings"].expiry_warning_days
        context["expiring"] = selectors.lots_expiring(user=request.user, days=days)[:20]
        context["to_confirm"] = selectors.receipts_to_confirm(user=request.user).count()
        context["open_requests"] = (
            selectors.request_list(user=request.user).filter(status="open").count()
        )
    return render(request, "supplies/overview.html", context)


LEDGER_COLUMNS = [
    Column(_("Time"), lambda m: local_time(m.at)),
    Column(_("Holder"), lambda m: str(m.holder)),
    Column(_("Item"), lambda m: m.item.name),
    Column(_("Batch number"), lambda m: m.lot.number),
    Column(_("Kind"), lambda m: m.get_kind_display()),
    Column(_("Quantity (stock unit)"), lambda m: m.quantity),
    Column(_("Stock unit"), lambda m: m.item.stock_unit),
    Column(_("Supplier or donor"), lambda m: m.supplier),
    Column(_("Reason"), lambda m: m.reason),
    Column(_("Reference"), lambda m: m.reference),
    Column(_("Note"), lambda m: m.note),
    Column(_("By"), lambda m: m.actor.full_name or m.actor.username),
]


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger, filtered by holder, item, kind and dates; xlsx with ?format=xlsx."""
    rows = selectors.movement_list(user=request.user)
    filters = {
        "holder": request.GET.get("holder", ""),
        "item": request.GET.get("item", ""),
        "kind": request.GET.get("kind", ""),
        "start": request.GET.get("start", ""),
        "end": request.GET.get("end", ""),
    }
    if filters["holder"].isdecimal() and filters["holder"].isascii():
        rows = rows.filter(holder_id=int(filters["holder"]))
    if filters["item"]:
        rows = rows.filter(item__code=filters["item"])
    if filters["kind"] in Movement.Kind.values:
        rows = rows.filter(kind=filters["kind"])
    try:
        if filters["start"]:
            rows = rows.filter(at__date__gte=filters["start"])
        if filters["end"]:
            rows = rows.filter(at__date__lte=filters["end"])
    except ValidationError:
        messages.error(request, _("Enter dates as YYYY-MM-DD."))
    rows = rows.order_by("-at", "-pk")
    if request.GET.get("format") == "xlsx":
        return spreadsheet_response(dataset_of(rows.iterator(), LEDGER_COLUMNS), "xlsx", "ledger")
    # The page shows no actor: one join fewer to plan than the export's.
    rows = rows.select_related(None).select_related(
        "holder__county", "holder__school", "item", "lot"
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supplies/ledger.html",
        {
            "page": page,
            "query": _query(request),
            "filters": filters,
            "holders": selectors.holder_names(
                selectors.holder_list(user=request.user).order_by("kind", "pk"), limit=200
            ),
            "items": selectors.item_list(user=request.user),
            "kinds": Movement.Kind.choices,
        },
    )


BALANCE_COLUMNS = [
    Column(_("Holder"), lambda b: str(b.holder)),
    Column(_("Item"), lambda b: b.item.name),
    Column(_("Batch number"), lambda b: b.lot.number),
    Column(_("Expires on"), lambda b: b.lot.expires_on or ""),
    Column(_("Quantity (stock unit)"), lambda b: b.quantity),
    Column(_("Stock unit"), lambda b: b.item.stock_unit),
    Column(_("Quantity (display unit)"), lambda b: b.item.to_display(b.quantity)),
    Column(_("Display unit"), lambda b: b.item.display_unit),
]


@login_required
@require_GET
def balances_export(request: HttpRequest) -> HttpResponse:
    rows = selectors.balance_list(user=request.user).filter(quantity__gt=0)
    rows = rows.order_by("holder__kind", "holder_id", "item__order", "lot__expires_on")
    return spreadsheet_response(dataset_of(rows.iterator(), BALANCE_COLUMNS), "xlsx", "balances")


@login_required
@require_GET
def stock_card(request: HttpRequest, pk: int) -> HttpResponse:
    holder = selectors.holder_get_for_user(user=request.user, pk=pk)
    return _card(request, holder)


def _card(request: HttpRequest, holder: Holder, **forms) -> HttpResponse:
    """The stock card of ``holder`` for the item of ?item=, with its two forms
    (``use``, ``send``) blank or as a refused post left them."""
    items, item = _item(request)
    if item is None:
        raise Http404
    lots = _lots(request, holder, item)
    manages = _manages(request, holder)
    use_form = forms.get("use") or UseForm(item=item, lots=lots, may_dispose=manages)
    send_form = None  # only who manages the holder sends from it
    if manages:
        send_form = forms.get("send") or SendForm(item=item, targets=_targets(request, holder))
    return render(
        request,
        "supplies/card.html",
        {
            "holder": holder,
            "item": item,
            "items": items,
            "lots": lots,
            "card": selectors.stock_card(user=request.user, holder=holder, item=item),
            "can_manage": manages,
            "can_use": services.may_keep(request.user, holder),
            "use_form": use_form,
            "send_form": send_form,
        },
        status=400 if forms else 200,  # a refused post, shown again as typed
    )


def _lots(request: HttpRequest, holder: Holder, item: Item):
    """The lots of ``item`` held by ``holder``, first expiring first."""
    return (
        selectors.balance_list(user=request.user)
        .filter(holder=holder, item=item, quantity__gt=0)
        .select_related("lot")
        .order_by("lot__expires_on", "lot__number")
    )


def _manages(request: HttpRequest, holder: Holder) -> bool:
    return has_right(request.user, Right.SUPPLY_MANAGE) and access.within(request.user, holder)


def _targets(request: HttpRequest, source: Holder):
    """Where the card's holder may send stock: every other holder in scope."""
    return (
        selectors.holder_list(user=request.user)
        .exclude(pk=source.pk)
        .order_by("kind", "county__order", "school__code")
    )


def _managed_holders(user):
    """The holders ``user`` records receipts into: the reserve and depots in scope."""
    scope_counties = selectors.county_ids_in_scope(user=user)
    services.city_reserve()
    for county_id in scope_counties:
        services.county_depot(county_id)
    return (
        selectors.holder_list(user=user)
        .exclude(kind=Holder.Kind.SCHOOL)
        .order_by("kind", "county__order")
    )


@login_required
@require_http_methods(["GET", "POST"])
def receipt_new(request: HttpRequest) -> HttpResponse:
    access.require(request.user, Right.SUPPLY_MANAGE)
    form = ReceiptForm(*posted(request), holders=_managed_holders(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.receipt_record(
                actor=request.user,
                holder=data["holder"],
                item=data["item"],
                quantity=data["quantity"],
                origin=data["origin"],
                supplier=data["supplier"],
                lot_number=data["lot_number"],
                produced_on=data["produced_on"],
                expires_on=data["expires_on"],
                reference=data["reference"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The receipt is recorded."))
            return redirect(f"{request.path}?item={data['item'].code}")
    return render(request, "supplies/receipt.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def receipt_import(request: HttpRequest) -> HttpResponse:
    """A spreadsheet of purchases and donations, checked before it is recorded."""
    access.require(request.user, Right.SUPPLY_MANAGE)
    form = ReceiptImportForm(*posted(request), holders=_managed_holders(request.user))
    if form.is_valid():
        try:
            job = services.receipt_import_start(
                actor=request.user,
                holder=form.cleaned_data["holder"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not enqueue(tasks.receipt_import_run, job.pk):
                job_not_queued(model=ReceiptImport, pk=job.pk)
            return redirect("supplies_receipt_import_status", pk=job.pk)
    return render(request, "supplies/receipt_import.html", {"form": form})


@login_required
@require_GET
def receipt_import_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.receipt_import_get_for_user(user=request.user, pk=pk)
    links = {
        "status_url": reverse("supplies_receipt_import_status", args=[job.pk]),
        "confirm_url": reverse("supplies_receipt_import_confirm", args=[job.pk]),
        "again_url": reverse("supplies_receipt_import"),
    }
    template = "supplies/receipt_import_status.html"
    return job_status(request, job, template=template, extra={"stage": job.stage}, context=links)


@login_required
@require_POST
def receipt_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.receipt_import_get_for_user(user=request.user, pk=pk)
    try:
        services.receipt_import_confirm(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if not enqueue(tasks.receipt_import_run, job.pk):
            job_not_queued(model=ReceiptImport, pk=job.pk)
    return redirect("supplies_receipt_import_status", pk=job.pk)


@login_required
@require_GET
def receipt_import_template(request: HttpRequest) -> HttpResponse:
    """An empty receipts spreadsheet with the headers in the user's language."""
    access.require(request.user, Right.SUPPLY_MANAGE)
    headers = receipts_template().headers
    example = ["医用外科口罩", 2000, "只", "采购", "临沂市示例医疗器械公司", "20260301",
               "2026-03-01", "2028-02-28", "CG-2026-001", "此行为示例"]  # fmt: skip
    return template_response(
        stem="receipts-template",
        sheet=_("Receipts"),
        headers=headers,
        example=example,
        text_columns=[headers[5], headers[8]],  # the lot number and the document number
        example_sheet=_("Example"),
    )


@login_required
@require_GET
def receipts(request: HttpRequest) -> HttpResponse:
    """What is on its way to the user's holders, to confirm; and open shortfalls."""
    access.require(request.user, Right.SUPPLY_VIEW)
    pending = list(selectors.receipts_to_confirm(user=request.user)[:200])
    for shipment in pending:
        shipment.shown = shown(shipment.item, shipment.quantity)
    return render(
        request,
        "supplies/receipts.html",
        {
            "pending": pending,
            "shortfalls": selectors.open_shortfalls(user=request.user)[:100],
            **_rights(request.user),
        },
    )


@login_required
@require_POST
def shipment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = selectors.shipment_get_for_user(user=request.user, pk=pk)
    if not access.receives_for(request.user, shipment.target):
        raise PermissionDenied
    form = ConfirmForm(request.POST, item=shipment.item)
    if form.is_valid():
        try:
            services.shipment_confirm(
                actor=request.user,
                shipment=shipment,
                received=form.cleaned_data["received"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Receipt confirmed."))
            return redirect("supplies_receipts")
    shipment.shown = shown(shipment.item, shipment.quantity)
    return render(
        request,
        "supplies/receipts.html",
        {
            "pending": [shipment],
            "failed": shipment.pk,
            "form": form,
            "shortfalls": [],
            **_rights(request.user),
        },
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plans(request: HttpRequest) -> HttpResponse:
    plan_rows = selectors.plan_list(user=request.user).order_by("-created_at", "-pk")[:100]
    can_manage = has_right(request.user, Right.SUPPLY_MANAGE)
    if request.method == "POST" and not can_manage:
        access.require(request.user, Right.SUPPLY_MANAGE)
    form = PlanForm(
        *posted(request), sources=_managed_holders(request.user) if can_manage else None
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_propose(
                actor=request.user,
                source=data["source"],
                item=data["item"],
                amount=data["amount"],
                title=data["title"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("supplies_plan", plan.pk)
    return render(
        request,
        "supplies/plans.html",
        {"plans": plan_rows, "form": form, "can_manage": can_manage},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    lines = list(
        plan.lines.select_related("target__county", "target__school").order_by("-gap", "pk")
    )
    errors: list[str] = []
    typed: dict[int, str] = {}
    if request.method == "POST":
        access.require(request.user, Right.SUPPLY_MANAGE, plan.source)
        typed = _typed_lines(request, lines)
        try:
            parsed = _parse_lines(
                typed, lines, lambda line: plan.item, lambda line: str(line.target)
            )
            wanted = {pk: q for pk, q in parsed.items() if q is not None}
            services.plan_lines_set(actor=request.user, plan=plan, quantities=wanted)
            if request.POST.get("approve"):
                services.plan_approve(actor=request.user, plan=plan)
                messages.success(request, _("The plan is approved and its supplies are sent."))
            else:
                messages.success(request, _("Saved."))
        except ValidationError as error:
            errors = error.messages
        else:
            return redirect("supplies_plan", plan.pk)
    for line in lines:
        line.shown_gap = about(line.gap, plan.item)
        line.shown_proposed = shown(plan.item, line.proposed)
        line.shown_quantity = typed.get(line.pk) or shown(plan.item, line.quantity)
    return render(
        request,
        "supplies/plan.html",
        {
            "plan": plan,
            "lines": lines,
            "errors": errors,
            "amount": shown(plan.item, plan.amount),
            "can_edit": plan.status == "draft"
            and access.within(request.user, plan.source)
            and has_right(request.user, Right.SUPPLY_MANAGE),
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> HttpResponse:
    """Requests in scope; a school or county asks here, citing a cause when it has one."""
    rows = selectors.request_list(user=request.user).order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    if status in SupplyRequest.Status.values:
        rows = rows.filter(status=status)
    can_request = has_right(request.user, Right.SUPPLY_REQUEST)
    if request.method == "POST":
        access.require(request.user, Right.SUPPLY_REQUEST)
    initial = {
        "cause_kind": request.GET.get("cause_kind", ""),
        "cause_id": request.GET.get("cause_id") or None,
    }
    form = RequestForm(*posted(request), initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_create(
                actor=request.user,
                holder=selectors.own_holder(user=request.user),
                item=data["item"],
                quantity=data["quantity"],
                reason=data["reason"],
                cause_kind=data["cause_kind"] or "",
                cause_id=data["cause_id"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The request is sent."))
            return redirect("supplies_requests")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    causes = selectors.request_causes(user=request.user, requests=page.object_list)
    for row in page.object_list:
        row.shown = shown(row.item, row.quantity)
        row.cause = causes.get((row.cause_kind, row.cause_id))
    return render(
        request,
        "supplies/requests.html",
        {
            "page": page,
            "query": _query(request),
            "form": form,
            "status": status,
            "statuses": SupplyRequest.Status.choices,
            "can_request": can_request,
            "can_decide": has_right(request.user, Right.SUPPLY_MANAGE),
            "draft_plans": selectors.plan_list(user=request.user).filter(status="draft")[:50],
        },
    )


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    supply_request = selectors.request_get_for_user(user=request.user, pk=pk)
    access.require(request.user, Right.SUPPLY_MANAGE)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the request."))
        return redirect("supplies_requests")
    data = form.cleaned_data
    try:
        if data["decision"] == "meet":
            services.request_meet(actor=request.user, request=supply_request)
            messages.success(request, _("Sent; the requester confirms on arrival."))
        elif data["decision"] == "refuse":
            services.request_refuse(
                actor=request.user, request=supply_request, reason=data["reason"]
            )
            messages.success(request, _("The request is refused."))
        else:
            plan = selectors.plan_get_for_user(user=request.user, pk=data["plan"] or 0)
            services.request_merge(actor=request.user, request=supply_request, plan=plan)
            messages.success(request, _("The request is merged into the plan."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("supplies_requests")


@login_required
@require_http_methods(["GET", "POST"])
def stock_count(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder's physical count (盘点): start, save and resume, confirm."""
    holder = selectors.holder_get_for_user(user=request.user, pk=pk)
    access.require(request.user, Right.SUPPLY_MANAGE, holder)
    count = selectors.count_draft(holder=holder)
    errors: list[str] = []
    typed: dict[int, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "start" or count is None:
                services.count_start(actor=request.user, holder=holder)
                return redirect("supplies_count", holder.pk)
            lines = list(count.lines.select_related("lot__item"))
            typed = _typed_lines(request, lines)
            wanted = _parse_lines(
                typed,
                lines,
                lambda line: line.lot.item,
                lambda line: f"{line.lot.item.name} {line.lot.number}",
            )
            services.count_save(
                actor=request.user,
                count=count,
                counted=wanted,
                reason=request.POST.get("reason", ""),
            )
            if action == "finish":
                written = services.count_finish(actor=request.user, count=count)
                messages.success(
                    request,
                    _("The count is confirmed: %(n)d adjustments written.") % {"n": len(written)},
                )
                return redirect(f"{reverse('supplies_card', args=[holder.pk])}")
            messages.success(request, _("Saved; the count can be resumed later."))
            return redirect("supplies_count", holder.pk)
        except ValidationError as error:
            errors = error.messages
    rows = []
    if count is not None:
        books = selectors.book_by_lot(holder=holder)
        for line in count.lines.select_related("lot__item").order_by(
            "lot__item__order", "lot__number"
        ):
            book = books.get(line.lot_id, Decimal(0))
            rows.append(
                {
                    "line": line,
                    "book": shown(line.lot.item, book),
                    "value": typed.get(line.pk)
                    if line.pk in typed
                    else (shown(line.lot.item, line.counted) if line.counted is not None else ""),
                    "difference": shown(line.lot.item, line.counted - book)
                    if line.counted is not None
                    else "",
                }
            )
    return render(
        request,
        "supplies/count.html",
        {
            "holder": holder,
            "count": count,
            "rows": rows,
            "errors": errors,
            "reason": request.POST.get("reason", count.reason if count else ""),
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def needs_page(request: HttpRequest) -> HttpResponse:
    """Norms (the city's) and each school's own needs (its county's or the city's)."""
    access.require(request.user, Right.SUPPLY_VIEW)
    is_city = access.is_city_manager(request.user)
    can_override = has_right(request.user, Right.SUPPLY_MANAGE)
    norm_form = NormForm(request.POST if request.POST.get("form") == "norm" else None)
    override_form = OverrideForm(request.POST if request.POST.get("form") == "override" else None)
    current = SupplySettings.current()
    settings_form = SettingsForm(
        request.POST if request.POST.get("form") == "settings" else None,
        initial={
            "cover_days": current.cover_days,
            "alert_days": current.alert_days,
            "expiry_warning_days": current.expiry_warning_days,
        },
    )
    if request.method == "POST":
        access.require(request.user, Right.SUPPLY_MANAGE)
        form = {"norm": norm_form, "settings": settings_form}.get(
            request.POST.get("form"), override_form
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is norm_form:
                    services.norm_set(actor=request.user, **data)
                elif form is settings_form:
                    services.settings_save(actor=request.user, **data)
                else:
                    school = (
                        core_selectors.school_list(user=request.user)
                        .filter(code=data["school"].strip())
                        .first()
                    )
                    if school is None:
                        raise ValidationError(_("No school with this code in your scope."))
                    services.need_override_set(
                        actor=request.user,
                        school=school,
                        item=data["item"],
                        daily=data["daily"],
                        reason=data["reason"],
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("supplies_needs")
    return render(
        request,
        "supplies/needs.html",
        {
            "norms": NeedNorm.objects.select_related("item").order_by("item__order", "level"),
            "overrides": selectors.override_list(user=request.user)[:200],
            "norm_form": norm_form,
            "settings_form": settings_form,
            "override_form": override_form,
            "is_city": is_city,
            "can_override": can_override,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def items_page(request: HttpRequest) -> HttpResponse:
    """The supply items; the city's supplies officer adds and edits them."""
    items = list(selectors.item_list(user=request.user))
    is_city = access.is_city_manager(request.user)
    editing = next((i for i in items if str(i.pk) == request.GET.get("edit", "")), None)
    form = ItemForm(*posted(request), instance=editing)
    if request.method == "POST":
        if not is_city:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.item_save(actor=request.user, item=editing, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("supplies_items")
    return render(
        request,
        "supplies/items.html",
        {"items": items, "form": form, "editing": editing, "is_city": is_city},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def stock_use(request: HttpRequest, pk: int) -> HttpResponse:
    """Records use (first expired first out) or a disposal of one lot, from the stock card."""
    holder = selectors.holder_get_for_user(user=request.user, pk=pk)
    if not services.may_keep(request.user, holder):
        raise PermissionDenied
    item = _named_item(request)
    form = UseForm(
        request.POST,
        item=item,
        lots=_lots(request, holder, item),
        may_dispose=_manages(request, holder),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == UseForm.DISPOSE:
                services.disposal_record(
                    actor=request.user,
                    holder=holder,
                    lot=data["lot"],
                    quantity=data["quantity"],
                    reason=data["reason"],
                )
                messages.success(request, _("The disposal is recorded."))
            else:
                services.consumption_record(
                    actor=request.user,
                    holder=holder,
                    item=item,
                    quantity=data["quantity"],
                    note=data["reason"],
                )
                messages.success(request, _("The use is recorded."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(f"{reverse('supplies_card', args=[holder.pk])}?item={item.code}")
    return _card(request, holder, use=form)


@login_required
@require_POST
def stock_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Sends stock from the holder to another within the officer's scope (outside a
    plan or a request), first expired first out; the receiver confirms on arrival."""
    source = selectors.holder_get_for_user(user=request.user, pk=pk)
    access.require(request.user, Right.SUPPLY_MANAGE, source)
    item = _named_item(request)
    form = SendForm(request.POST, item=item, targets=_targets(request, source))
    if form.is_valid():
        try:
            services.shipment_send(
                actor=request.user,
                source=source,
                target=form.cleaned_data["target"],
                item=item,
                quantity=form.cleaned_data["quantity"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Sent; the receiver confirms on arrival."))
            return redirect(f"{reverse('supplies_card', args=[source.pk])}?item={item.code}")
    return _card(request, source, send=form)
