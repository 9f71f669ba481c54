"""Staffing the inspection squads: members, the leader and the counties covered."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from readiness.access import require_right
from readiness.models import County, User

from . import staffing
from .access import Right
from .models import InspectionSquad


class MemberAddForm(forms.Form):
    user = forms.ModelChoiceField(label=gettext_lazy("Inspector"), queryset=User.objects.none())

    def __init__(self, *args, squad: InspectionSquad, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staffing.squad_candidates(squad=squad)


class LeaderForm(forms.Form):
    leader = forms.ModelChoiceField(
        label=gettext_lazy("Leader"), queryset=User.objects.none(), required=False,
        empty_label=gettext_lazy("(no leader)"),
    )  # fmt: skip

    def __init__(self, *args, squad: InspectionSquad, **kwargs) -> None:
        kwargs.setdefault("initial", {"leader": squad.leader_id})
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = squad.members.all()


class CountiesForm(forms.Form):
    counties = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Counties covered"), queryset=County.objects.order_by("order", "code"),
        widget=forms.CheckboxSelectMultiple, required=False,
    )  # fmt: skip

    def __init__(self, *args, squad: InspectionSquad, **kwargs) -> None:
        kwargs.setdefault(
            "initial", {"counties": list(squad.counties.values_list("pk", flat=True))}
        )
        super().__init__(*args, **kwargs)


@login_required
@require_GET
def squad_list(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.SQUAD_STAFF)
    squads = (
        staffing.squad_staffable(user=request.user).prefetch_related("counties").order_by("name")
    )
    return render(request, "inspections/squads.html", {"squads": squads})


def _squad_page(request, squad, *, add=None, leader=None, counties=None, status=200):
    context = {
        "squad": squad,
        "members": squad.members.order_by("full_name", "username"),
        "add_form": add or MemberAddForm(squad=squad),
        "leader_form": leader or LeaderForm(squad=squad),
        "counties_form": counties or CountiesForm(squad=squad),
    }
    return render(request, "inspections/squad_staff.html", context, status=status)


@login_required
@require_GET
def squad_staff(request: HttpRequest, pk: int) -> HttpResponse:
    return _squad_page(request, staffing.squad_get_for_staffing(user=request.user, pk=pk))


@login_required
@require_POST
def squad_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    squad = staffing.squad_get_for_staffing(user=request.user, pk=pk)
    form = MemberAddForm(request.POST, squad=squad)
    if form.is_valid():
        try:
            staffing.squad_member_add(
                actor=request.user, squad=squad, user=form.cleaned_data["user"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(name)s joins the squad.") % {"name": form.cleaned_data["user"]}
            )
            return redirect("squad_staff", pk=squad.pk)
    return _squad_page(request, squad, add=form, status=400)


@login_required
@require_POST
def squad_member_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    squad = staffing.squad_get_for_staffing(user=request.user, pk=pk)
    user = get_object_or_404(squad.members, pk=user_id)
    try:
        staffing.squad_member_remove(actor=request.user, squad=squad, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s has left the squad; their work stays.") % {"name": user}
        )
    return redirect("squad_staff", pk=squad.pk)


@login_required
@require_POST
def squad_leader_set(request: HttpRequest, pk: int) -> HttpResponse:
    squad = staffing.squad_get_for_staffing(user=request.user, pk=pk)
    form = LeaderForm(request.POST, squad=squad)
    if form.is_valid():
        staffing.squad_leader_set(
            actor=request.user, squad=squad, user=form.cleaned_data["leader"]
        )
        messages.success(request, _("The leader is saved."))
        return redirect("squad_staff", pk=squad.pk)
    return _squad_page(request, squad, leader=form, status=400)


@login_required
@require_POST
def squad_counties_set(request: HttpRequest, pk: int) -> HttpResponse:
    squad = staffing.squad_get_for_staffing(user=request.user, pk=pk)
    form = CountiesForm(request.POST, squad=squad)
    if form.is_valid():
        try:
            staffing.squad_counties_set(
                actor=request.user, squad=squad, counties=form.cleaned_data["counties"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The squad's counties are saved."))
            return redirect("squad_staff", pk=squad.pk)
    return _squad_page(request, squad, counties=form, status=400)
