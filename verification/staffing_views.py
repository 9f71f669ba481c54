"""Staffing the verification teams: members by department, and the leader."""

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
from readiness.models import User

from . import staffing
from .access import Right
from .models import Department, VerificationTeam


class MemberAddForm(forms.Form):
    user = forms.ModelChoiceField(label=gettext_lazy("Verifier"), queryset=User.objects.none())
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.order_by("name")
    )

    def __init__(self, *args, team: VerificationTeam, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staffing.team_candidates(team=team)


class LeaderForm(forms.Form):
    leader = forms.ModelChoiceField(
        label=gettext_lazy("Leader"), queryset=User.objects.none(), required=False,
        empty_label=gettext_lazy("(no leader)"),
    )  # fmt: skip

    def __init__(self, *args, team: VerificationTeam, **kwargs) -> None:
        kwargs.setdefault("initial", {"leader": team.leader_id})
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.filter(team_memberships__team=team)


@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.STAFF)
    teams = staffing.team_staffable(user=request.user).order_by("level", "county__order", "name")
    return render(request, "verification/teams.html", {"teams": teams})


def _team_page(request, team, *, add=None, leader=None, status=200) -> HttpResponse:
    context = {
        "team": team,
        "members": staffing.team_members(team=team),
        "add_form": add or MemberAddForm(team=team),
        "leader_form": leader or LeaderForm(team=team),
    }
    return render(request, "verification/team_staff.html", context, status=status)


@login_required
@require_GET
def team_staff(request: HttpRequest, pk: int) -> HttpResponse:
    return _team_page(request, staffing.team_get_for_staffing(user=request.user, pk=pk))


@login_required
@require_POST
def team_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = staffing.team_get_for_staffing(user=request.user, pk=pk)
    form = MemberAddForm(request.POST, team=team)
    if form.is_valid():
        try:
            staffing.team_member_add(actor=request.user, team=team, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(name)s joins the team.") % {"name": form.cleaned_data["user"]}
            )
            return redirect("team_staff", pk=team.pk)
    return _team_page(request, team, add=form, status=400)


@login_required
@require_POST
def team_member_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    team = staffing.team_get_for_staffing(user=request.user, pk=pk)
    user = get_object_or_404(User, pk=user_id, team_memberships__team=team)
    try:
        staffing.team_member_remove(actor=request.user, team=team, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s has left the team; their work stays.") % {"name": user}
        )
    return redirect("team_staff", pk=team.pk)


@login_required
@require_POST
def team_leader_set(request: HttpRequest, pk: int) -> HttpResponse:
    team = staffing.team_get_for_staffing(user=request.user, pk=pk)
    form = LeaderForm(request.POST, team=team)
    if form.is_valid():
        staffing.team_leader_set(actor=request.user, team=team, user=form.cleaned_data["leader"])
        messages.success(request, _("The leader is saved."))
        return redirect("team_staff", pk=team.pk)
    return _team_page(request, team, leader=form, status=400)
