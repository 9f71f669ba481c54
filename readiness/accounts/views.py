"""Accounts, kept by the city bureau and the county officials; the user's own page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import tasks
from ..access import Right, may_manage_account, require_right, scope_of
from ..forms import add_service_errors, posted
from ..jobs import job_not_queued, job_status
from ..models import AccountImport, User
from ..spreadsheets import template_response
from . import imports, selectors, services
from .forms import (
    AccountForm,
    AccountImportForm,
    OwnDetailsForm,
    PasswordChangeForm,
    SetPasswordForm,
)

PAGE_SIZE = 50


def _passwords_page(
    request: HttpRequest, issued: list[tuple[User, str]], *, title: str
) -> HttpResponse:
    """Initial passwords, shown once: never cached, never stored."""
    context = {"issued": issued, "title": title, "portal_url": settings.PORTAL_URL}
    response = render(request, "readiness/accounts/passwords.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.ACCOUNT_MANAGE)
    found = selectors.account_filter(user=request.user, params=request.GET)
    accounts = found.qs if found.is_valid() else found.queryset.none()
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "readiness/accounts/list.html",
        {"filter": found, "page": page, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.ACCOUNT_MANAGE)
    form = AccountForm(*posted(request)[:1], actor=request.user)
    if form.is_valid():
        delivery = form.cleaned_data["delivery"]
        try:
            with transaction.atomic():
                account = services.account_create(
                    actor=request.user,
                    username=form.cleaned_data["username"],
                    details=form.details(),
                )
                if delivery == AccountImport.Delivery.LINK:
                    services.password_link_send(actor=request.user, account=account)
                else:
                    password = services.password_issue(actor=request.user, account=account)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            form.add_error(
                None, _("You may not open this account: its role or school is not yours to give.")
            )
        else:
            if delivery == AccountImport.Delivery.LINK:
                messages.success(
                    request, _("The account is open: a link to set the password was mailed to %(email)s.")
                    % {"email": account.email},
                )  # fmt: skip
                return redirect("account_detail", pk=account.pk)
            return _passwords_page(request, [(account, password)], title=_("The account is open"))
    return render(
        request, "readiness/accounts/form.html", {"form": form, "account": None},
        status=400 if form.is_bound else 200,
    )  # fmt: skip


@login_required
@require_GET
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "readiness/accounts/detail.html",
        {
            "account": account,
            "may_manage": may_manage_account(request.user, account),
            "locked": services.account_locked(account),
            "history": selectors.account_history(account=account),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get_for_user(user=request.user, pk=pk)
    if not may_manage_account(request.user, account):
        raise PermissionDenied
    form = AccountForm(*posted(request)[:1], actor=request.user, account=account)
    if form.is_valid():
        try:
            services.account_update(actor=request.user, account=account, details=form.details())
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            form.add_error(None, _("You may not give this role or school."))
        else:
            messages.success(request, _("The account is saved."))
            return redirect("account_detail", pk=account.pk)
    return render(
        request, "readiness/accounts/form.html", {"form": form, "account": account},
        status=400 if form.is_bound else 200,
    )  # fmt: skip


ACTIONS = {
    "deactivate": (
        services.account_deactivate,
        _("The account is deactivated: it can no longer log in."),
    ),
    "reactivate": (services.account_reactivate, _("The account is active again.")),
    "unlock": (services.account_unlock, _("The account is unlocked.")),
    "link": (services.password_link_send, _("A link to set the password was mailed.")),
}


@login_required
@require_POST
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One of the account's buttons: deactivate, reactivate, unlock, mail a link,
    or a new initial password (shown once)."""
    if action != "password" and action not in ACTIONS:
        raise Http404
    account = selectors.account_get_for_user(user=request.user, pk=pk)
    try:
        if action == "password":
            password = services.password_issue(actor=request.user, account=account)
            return _passwords_page(
                request, [(account, password)], title=_("A new initial password")
            )
        service, done = ACTIONS[action]
        service(actor=request.user, account=account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("account_detail", pk=account.pk)


# --- accounts from a spreadsheet ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account_import(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.ACCOUNT_MANAGE)
    form = AccountImportForm(*posted(request))
    if form.is_valid():
        try:
            job = services.account_import_start(
                actor=request.user,
                upload=form.cleaned_data["file"],
                delivery=form.cleaned_data["delivery"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not tasks.enqueue(tasks.account_import_run, job.pk):
                job_not_queued(model=AccountImport, pk=job.pk)
            return redirect("account_import_status", pk=job.pk)
    return render(request, "readiness/accounts/import.html", {"form": form})


@login_required
@require_GET
def account_import_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.account_import_get_for_user(user=request.user, pk=pk)
    links = {
        "status_url": reverse("account_import_status", args=[job.pk]),
        "confirm_url": reverse("account_import_confirm", args=[job.pk]),
        "again_url": reverse("account_import"),
        "sheet_url": reverse("account_import_sheet", args=[job.pk]),
    }
    return job_status(
        request, job, template="readiness/accounts/import_status.html",
        extra={"stage": job.stage}, context=links,
    )  # fmt: skip


@login_required
@require_POST
def account_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.account_import_get_for_user(user=request.user, pk=pk)
    try:
        services.account_import_confirm(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if not tasks.enqueue(tasks.account_import_run, job.pk):
            job_not_queued(model=AccountImport, pk=job.pk)
    return redirect("account_import_status", pk=job.pk)


@login_required
@require_POST
def account_import_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable sheet of initial passwords of an import's accounts not taken up yet."""
    job = selectors.account_import_get_for_user(user=request.user, pk=pk)
    issued = services.passwords_print(actor=request.user, job=job)
    return _passwords_page(request, issued, title=_("Initial passwords"))


@login_required
@require_GET
def account_import_template(request: HttpRequest) -> HttpResponse:
    """The file to fill, headers in the user's language, with one example row."""
    require_right(request.user, Right.ACCOUNT_MANAGE)
    headers = [str(labels[0]) for labels in imports.COLUMNS.values()]
    return template_response(
        stem="accounts-template", sheet=_("Accounts"), headers=headers, example=imports.EXAMPLE,
        text_columns=[headers[0], headers[2]],  # the school code and the phone keep their digits
        example_sheet=_("Example"),
    )  # fmt: skip


# --- the user's own account -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def own_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = OwnDetailsForm(*posted(request)[:1], initial={"phone": user.phone, "email": user.email})
    if form.is_valid():
        try:
            services.own_details_update(actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("own_account")
    return render(
        request, "readiness/accounts/own.html", {"form": form, "scope": scope_of(user)},
        status=400 if form.is_bound else 200,
    )  # fmt: skip


class PasswordChangeView(auth_views.PasswordChangeView):
    """The user's own password; the only page open to a user with an initial one."""

    form_class = PasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """A one-time link's page: the holder chooses a password, and is logged in."""

    form_class = SetPasswordForm
    template_name = "registration/password_set.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is set. Welcome."))
        return super().form_valid(form)
