"""The access matrix: every URL pattern of the portal, tried by every role, on
rows of the user's own county and of the other one.

Each route has one row below saying who sees its object (404 for the rest) and
who may use it (403 for those who see but may not). A route without a row fails
the test, so a new page or API route cannot ship without its answers. Expected
answers come from the roles table of the README, not from the code."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.readiness.factories import pdf_bytes

from .world import ROLES, build

EVERYONE = frozenset(ROLES) - {"anonymous"}
CITY_SCOPE = frozenset({"task_force", "city_staff", "supplies", "inspector"})
SEES_A = CITY_SCOPE | {"county_a", "verifier", "leader", "school_a"}
SEES_B = CITY_SCOPE | {"county_b"}
COUNTY_A = SEES_A | {"school_other"}  # the county row itself: every user located in A
# A verification under way: the city readers, its county (a county school) and its team.
WORK_A = frozenset({"task_force", "city_staff", "county_a", "verifier", "leader"})
WORK_B = frozenset({"task_force", "city_staff", "county_b"})
# An approved verification of another school of the county: results are public in scope.
DONE_A = CITY_SCOPE | {"county_a", "verifier", "leader"}
DONE_B = CITY_SCOPE | {"county_b"}
TEAM_A = frozenset({"verifier", "leader"})
OK_WRITE = {200, 201, 204, 302, 400, 409}  # allowed: the write ran or its input was refused


@dataclass(frozen=True)
class Row:
    method: str = "GET"
    url: Callable[[dict, str], str] | None = None  # (world, side) -> path; None: no object
    sees: tuple[frozenset, frozenset] | frozenset = EVERYONE  # (side A, side B) or both
    may: tuple[frozenset, frozenset] | frozenset = EVERYONE
    ok: int | set = 200
    anonymous: int | None = None  # default: 302 to the login page, 401 under /api/
    data: dict = field(default_factory=dict)


def pair(value, side: str):
    return value[0 if side == "a" else 1] if isinstance(value, tuple) else value


def obj(attr: str, name: str, *extra: str) -> Callable[[dict, str], str]:
    """A path to ``name`` for the side's ``attr`` row."""

    def url(world: dict, side: str) -> str:
        row = getattr(world[side], attr)
        return reverse(name, args=[*extra, row.pk]) if extra else reverse(name, args=[row.pk])

    return url


def api(prefix: str, attr: str, action: str = "") -> Callable[[dict, str], str]:
    def url(world: dict, side: str) -> str:
        return f"/api/v1/{prefix}/{getattr(world[side], attr).pk}/{action + '/' if action else ''}"

    return url


def fixed(path: Callable[[dict], str]) -> Callable[[dict, str], str]:
    """A row that belongs to one user of side A only: side B reuses it."""
    return lambda world, side: path(world)


def team(name: str, *, member: bool = False) -> Callable[[dict, str], str]:
    """A path to ``name`` for the side's county team (and one of its members)."""

    def url(world: dict, side: str) -> str:
        team = world[side].verification.team
        if member:
            user_id = (
                team.members.exclude(user_id=team.leader_id)
                .values_list("user_id", flat=True)
                .first()
            )
            return reverse(name, args=[team.pk, user_id or team.leader_id])
        return reverse(name, args=[team.pk])

    return url


def team_api(action: str = "") -> Callable[[dict, str], str]:
    """The side's county team under /api/v1/teams/; "member": a member who is not
    its leader (the leader where there is no other)."""

    def url(world: dict, side: str) -> str:
        team = world[side].verification.team
        if action == "member":
            others = team.members.exclude(user_id=team.leader_id)
            user_id = others.values_list("user_id", flat=True).first() or team.leader_id
            return f"/api/v1/teams/{team.pk}/members/{user_id}/"
        return f"/api/v1/teams/{team.pk}/{action + '/' if action else ''}"

    return url


def squad_api(action: str = "") -> Callable[[dict, str], str]:
    def url(world: dict) -> str:
        squad = world["squad"]
        if action == "member":
            user_id = squad.members.exclude(pk=squad.leader_id).get().pk
            return f"/api/v1/squads/{squad.pk}/members/{user_id}/"
        return f"/api/v1/squads/{squad.pk}/{action + '/' if action else ''}"

    return fixed(url)


def rule(name: str, *parts) -> Callable[[dict, str], str]:
    """A path to ``name`` for the world's (published) rules, then ``parts``: text, or
    a function of the world."""
    return fixed(
        lambda w: reverse(
            name, args=[w["template"].pk, *(p(w) if callable(p) else p for p in parts)]
        )
    )


def its_section(w: dict) -> int:
    return w["template"].sections.get().pk


def its_item(w: dict) -> int:
    return w["template"].items.get().pk


EDITORS = (frozenset({"city_staff", "county_a"}), frozenset({"city_staff", "county_b"}))
IMPORTERS = frozenset({"city_staff", "county_a", "county_b"})
PERSON_IMPORTERS = IMPORTERS | {"school_a", "school_other"}
SUPERVISORS = frozenset({"task_force", "city_staff", "county_a", "county_b"})
DISPATCH = frozenset({"task_force", "city_staff"})
SQUAD_A = frozenset({"inspector"})
RULES = frozenset({"city_staff"})
ACCOUNT_KEEPERS = frozenset({"city_staff", "county_a", "county_b"})
ACCOUNTS = (frozenset({"city_staff", "county_a"}), frozenset({"city_staff", "county_b"}))
# Supplies: who has the rights (README, roles), and who sees a county's depot.
SUPPLY_VIEW = frozenset(
    {"task_force", "city_staff", "supplies", "county_a", "county_b", "school_a", "school_other"}
)
SUPPLY_MANAGE = frozenset({"supplies", "city_staff"})
# Daily health checks: who reads them, and who enters a school's session.
HEALTH_VIEW = SUPERVISORS | {"school_a", "school_other"}
HEALTH_ENTER = (frozenset({"county_a", "school_a"}), frozenset({"county_b"}))
HEALTH_ENTERERS = frozenset({"county_a", "county_b", "school_a", "school_other"})
HEALTH_CLASSES = (
    frozenset({"city_staff", "county_a", "school_a"}),
    frozenset({"city_staff", "county_b"}),
)
# An alert is seen by those who read its school's health checks.
HEALTH_VIEW_A = frozenset({"task_force", "city_staff", "county_a", "school_a"})
HEALTH_VIEW_B = frozenset({"task_force", "city_staff", "county_b"})
DEPOT = (CITY_SCOPE | {"county_a", "verifier", "leader"}, CITY_SCOPE | {"county_b"})

ROUTES: dict[str, Row] = {
    # --- core ------------------------------------------------------------------------
    "login": Row(anonymous=200, ok=302),
    "logout": Row(method="POST", ok=302, anonymous=302),
    "set_language": Row(method="POST", ok=302, anonymous=302, data={"language": "en"}),
    "healthz": Row(anonymous=200),
    # The installable app's own files: nothing of anyone's in them (the browser
    # fetches a manifest without cookies).
    "manifest": Row(anonymous=200),
    "service_worker": Row(anonymous=200),
    "offline": Row(anonymous=200),
    "home": Row(),
    "school_list": Row(),
    "school_detail": Row(url=obj("school", "school_detail"), sees=(SEES_A, SEES_B)),
    "school_file": Row(url=obj("school", "school_file"), sees=(SEES_A, SEES_B)),
    "school_edit": Row(url=obj("school", "school_edit"), sees=(SEES_A, SEES_B), may=EDITORS),
    "school_export": Row(may=SUPERVISORS),
    "school_import": Row(may=IMPORTERS),
    "school_import_template": Row(may=IMPORTERS),
    # A school import is its uploader's alone.
    "school_import_status": Row(
        url=fixed(lambda w: reverse("school_import_status", args=[w["upload"].pk])),
        sees=frozenset({"county_a"}),
    ),
    "school_import_confirm": Row(
        method="POST",
        url=fixed(lambda w: reverse("school_import_confirm", args=[w["upload"].pk])),
        sees=frozenset({"county_a"}),
        ok=302,
    ),
    "readiness_policy": Row(may=frozenset({"city_staff"})),
    "readiness_recompute": Row(method="POST", may=frozenset({"city_staff"}), ok=302),
    # A notice is its addressee's alone.
    "readiness_notice_open": Row(
        method="POST",
        url=fixed(lambda w: reverse("readiness_notice_open", args=[w["notice"].pk])),
        sees=frozenset({"county_a"}),
        ok=302,
    ),
    "audit_list": Row(may=DISPATCH),
    # --- accounts: the city bureau all, a county official their county's -----------
    "account_list": Row(may=ACCOUNT_KEEPERS),
    "account_create": Row(may=ACCOUNT_KEEPERS),
    "account_import": Row(may=ACCOUNT_KEEPERS),
    "account_import_template": Row(may=ACCOUNT_KEEPERS),
    "account_detail": Row(url=obj("contact", "account_detail"), sees=ACCOUNTS, may=ACCOUNTS),
    "account_edit": Row(url=obj("contact", "account_edit"), sees=ACCOUNTS, may=ACCOUNTS),
    "account_action": Row(
        method="POST",
        url=lambda w, side: reverse("account_action", args=[w[side].contact.pk, "password"]),
        sees=ACCOUNTS,
        may=ACCOUNTS,
    ),
    # An account import is its uploader's alone.
    **{
        name: Row(
            method="GET" if name == "account_import_status" else "POST",
            url=fixed(lambda w, name=name: reverse(name, args=[w["account_job"].pk])),
            sees=frozenset({"county_a"}),
            ok=302 if name == "account_import_confirm" else 200,
        )
        for name in ("account_import_status", "account_import_confirm", "account_import_sheet")
    },
    # --- staffing: teams by the city bureau and their county, squads by the city ----------
    "team_list": Row(may=ACCOUNT_KEEPERS),
    "team_staff": Row(url=team("team_staff"), sees=ACCOUNTS, may=ACCOUNTS),
    "team_member_add": Row(
        method="POST", url=team("team_member_add"), sees=ACCOUNTS, may=ACCOUNTS, ok=OK_WRITE
    ),
    "team_member_remove": Row(
        method="POST",
        url=team("team_member_remove", member=True),
        sees=ACCOUNTS,
        may=ACCOUNTS,
        ok=302,
    ),
    "team_leader_set": Row(
        method="POST", url=team("team_leader_set"), sees=ACCOUNTS, may=ACCOUNTS, ok=OK_WRITE
    ),
    "squad_list": Row(may=frozenset({"city_staff"})),
    **{
        name: Row(
            method="GET" if name == "squad_staff" else "POST",
            url=fixed(lambda w, name=name: reverse(name, args=[w["squad"].pk])),
            sees=frozenset({"city_staff"}),
            ok=200 if name == "squad_staff" else OK_WRITE,
        )
        for name in ("squad_staff", "squad_member_add", "squad_leader_set", "squad_counties_set")
    },
    "squad_member_remove": Row(
        method="POST",
        url=fixed(
            lambda w: reverse(
                "squad_member_remove",
                args=[w["squad"].pk, w["squad"].members.exclude(pk=w["squad"].leader_id).get().pk],
            )
        ),
        sees=frozenset({"city_staff"}),
        ok=302,
    ),
    # --- the rules editor: the city bureau's (the world's version is published) -----------
    "rules_versions": Row(may=RULES),
    "rules_edit": Row(url=rule("rules_edit"), may=RULES),
    "rules_preview": Row(url=rule("rules_preview"), may=RULES),
    "rules_xlsx": Row(url=rule("rules_xlsx"), may=RULES),
    "rules_draft": Row(method="POST", url=rule("rules_draft"), may=RULES, ok=302),
    "rules_publish": Row(method="POST", url=rule("rules_publish"), may=RULES, ok=302),
    # A published version's forms send back to its page.
    "rules_section_new": Row(url=rule("rules_section_new"), may=RULES, ok=302),
    "rules_section_edit": Row(url=rule("rules_section_edit", its_section), may=RULES, ok=302),
    "rules_item_new": Row(method="POST", url=rule("rules_item_new"), may=RULES, ok=302),
    "rules_item_edit": Row(
        method="POST", url=rule("rules_item_edit", its_item), may=RULES, ok=302
    ),
    "rules_delete": Row(
        method="POST", url=rule("rules_delete", "item", its_item), may=RULES, ok=302
    ),
    "rules_move": Row(
        method="POST", url=rule("rules_move", "item", its_item, "up"), may=RULES, ok=302
    ),
    "own_account": Row(),
    "password_change": Row(),
    # A link that is no longer valid: its page says so, to anyone.
    "password_set": Row(
        url=fixed(lambda w: reverse("password_set", args=["MQ", "no-such-token"])),
        anonymous=200,
    ),
    "dispatch_list": Row(may=DISPATCH),
    "dashboard": Row(may=DISPATCH | {"county_a", "county_b"}),
    "dashboard_targets": Row(may=frozenset({"city_staff"})),
    "city_settings": Row(may=frozenset({"city_staff"})),
    "dispatch_build": Row(method="POST", may=frozenset({"city_staff"}), ok=302),
    "dispatch_detail": Row(
        url=fixed(lambda w: reverse("dispatch_detail", args=[w["report"].on_date.isoformat()])),
        may=DISPATCH,
    ),
    "dispatch_rebuild": Row(
        method="POST",
        url=fixed(lambda w: reverse("dispatch_rebuild", args=[w["report"].on_date.isoformat()])),
        may=frozenset({"city_staff"}),
        ok=OK_WRITE,
    ),
    "dispatch_pdf": Row(
        url=fixed(lambda w: reverse("dispatch_pdf", args=[w["report"].on_date.isoformat()])),
        may=DISPATCH,
    ),
    "dispatch_xlsx": Row(
        url=fixed(lambda w: reverse("dispatch_xlsx", args=[w["report"].on_date.isoformat()])),
        may=DISPATCH,
    ),
    # --- people ------------------------------------------------------------------------
    "health_day": Row(may=HEALTH_VIEW, ok={200, 302}),  # a school goes to its own day
    "health_alerts": Row(may=HEALTH_VIEW),
    "health_cases": Row(may=HEALTH_VIEW),
    "health_import": Row(may=HEALTH_ENTERERS),
    "health_import_template": Row(may=HEALTH_ENTERERS),
    "health_class_import": Row(may=HEALTH_ENTERERS | {"city_staff"}),
    "health_class_import_template": Row(may=HEALTH_ENTERERS | {"city_staff"}),
    # A health-check import is its uploader's alone.
    "health_import_status": Row(
        url=fixed(lambda w: reverse("health_import_status", args=[w["health_job"].pk])),
        sees=frozenset({"county_a"}),
    ),
    "health_import_confirm": Row(
        method="POST",
        url=fixed(lambda w: reverse("health_import_confirm", args=[w["health_job"].pk])),
        sees=frozenset({"county_a"}),
        ok=302,
    ),
    "health_classes": Row(
        url=obj("school", "health_classes"), sees=(SEES_A, SEES_B), may=HEALTH_VIEW
    ),
    "health_class": Row(
        url=lambda w, side: reverse("health_class", args=[w[side].check.school_class_id]),
        sees=(SEES_A, SEES_B),
        may=HEALTH_CLASSES,
    ),
    "health_case": Row(url=obj("case", "health_case"), sees=(HEALTH_VIEW_A, HEALTH_VIEW_B)),
    "health_case_new": Row(
        url=obj("school", "health_case_new"), sees=(SEES_A, SEES_B), may=HEALTH_ENTER
    ),
    **{
        name: Row(
            method="POST",
            url=obj("alert", name),
            sees=(HEALTH_VIEW_A, HEALTH_VIEW_B),
            may=(frozenset({"county_a"}), frozenset({"county_b"})),
            ok={302, 400},
        )
        for name in ("health_alert_acknowledge", "health_alert_close")
    },
    "health_school_day": Row(
        url=obj("school", "health_school_day"), sees=(SEES_A, SEES_B), may=HEALTH_VIEW
    ),
    "health_enter": Row(
        url=lambda w, side: reverse("health_enter", args=[w[side].school.pk, "morning"]),
        sees=(SEES_A, SEES_B),
        may=HEALTH_ENTER,
    ),
    "health_nothing": Row(
        method="POST",
        url=lambda w, side: reverse("health_nothing", args=[w[side].school.pk, "morning"]),
        sees=(SEES_A, SEES_B),
        may=HEALTH_ENTER,
        ok=302,
    ),
    "people": Row(),
    "people_coverage": Row(),
    "people_abroad": Row(),
    "people_import": Row(may=PERSON_IMPORTERS),
    "people_import_template": Row(may=PERSON_IMPORTERS),
    "people_import_status": Row(
        url=fixed(lambda w: reverse("people_import_status", args=[w["job"].pk])),
        sees=frozenset({"county_a"}),
    ),
    "people_import_report": Row(
        url=fixed(lambda w: reverse("people_import_report", args=[w["job"].pk])),
        sees=frozenset({"county_a"}),
    ),
    # --- plans -------------------------------------------------------------------------
    "todo_counts": Row(),  # each user counts only what waits for them
    "plan_list": Row(ok=200),  # schools are sent on to their own plan (see below)
    "plan_mine": Row(may=frozenset({"school_a", "school_other"})),
    "plan_term": Row(method="POST", may=frozenset({"city_staff"}), ok=OK_WRITE),
    "plan_detail": Row(url=obj("plan", "plan_detail"), sees=(SEES_A, SEES_B)),
    "plan_decide": Row(
        method="POST",
        url=obj("plan", "plan_decide"),
        sees=(SEES_A, SEES_B),
        may=EDITORS,
        ok=OK_WRITE,
        data={"decision": "return"},
    ),
    "plan_file": Row(url=obj("plan", "plan_file"), sees=(SEES_A, SEES_B)),
    "drills": Row(),
    # --- supplies ----------------------------------------------------------------------
    "supplies_overview": Row(may=SUPPLY_VIEW),
    "supplies_ledger": Row(may=SUPPLY_VIEW),
    "supplies_balances_export": Row(may=SUPPLY_VIEW),
    "supplies_card": Row(url=obj("depot", "supplies_card"), sees=DEPOT, may=SUPPLY_VIEW),
    "supplies_receipt_new": Row(may=SUPPLY_MANAGE),
    "supplies_count": Row(url=obj("depot", "supplies_count"), sees=DEPOT, may=SUPPLY_MANAGE),
    "supplies_send": Row(
        method="POST",
        url=lambda w, side: reverse("supplies_send", args=[w[side].depot.pk]) + "?item=mask",
        sees=DEPOT,
        may=SUPPLY_MANAGE,
        ok=OK_WRITE,
    ),
    "supplies_use": Row(
        method="POST",
        url=lambda w, side: reverse("supplies_use", args=[w[side].depot.pk]) + "?item=mask",
        sees=DEPOT,
        may=SUPPLY_MANAGE,
        ok=OK_WRITE,
    ),
    "supplies_receipt_import": Row(may=SUPPLY_MANAGE),
    "supplies_receipt_import_template": Row(may=SUPPLY_MANAGE),
    # A receipts spreadsheet is its uploader's alone.
    "supplies_receipt_import_status": Row(
        url=fixed(
            lambda w: reverse("supplies_receipt_import_status", args=[w["receipt_upload"].pk])
        ),
        sees=frozenset({"supplies"}),
    ),
    "supplies_receipt_import_confirm": Row(
        method="POST",
        url=fixed(
            lambda w: reverse("supplies_receipt_import_confirm", args=[w["receipt_upload"].pk])
        ),
        sees=frozenset({"supplies"}),
        ok=302,
    ),
    "supplies_receipts": Row(may=SUPPLY_VIEW),
    "supplies_shipment_confirm": Row(
        method="POST",
        url=obj("shipment", "supplies_shipment_confirm"),
        sees=DEPOT,
        may=(frozenset({"county_a"}), frozenset({"county_b"})),
        ok=OK_WRITE,
    ),
    "supplies_plans": Row(may=SUPPLY_VIEW),
    "supplies_plan": Row(url=obj("supply_plan", "supplies_plan"), sees=DEPOT, may=SUPPLY_VIEW),
    "supplies_requests": Row(may=SUPPLY_VIEW),
    "supplies_needs": Row(may=SUPPLY_VIEW),
    "supplies_items": Row(may=SUPPLY_VIEW),
    "supplies_request_decide": Row(
        method="POST",
        url=obj("supply_request", "supplies_request_decide"),
        sees=(DEPOT[0] | {"school_a"}, DEPOT[1]),
        may=SUPPLY_MANAGE,
        ok=OK_WRITE,
    ),
    # --- verification --------------------------------------------------------------------
    "verification_list": Row(),
    "verification_assign": Row(may=IMPORTERS),
    "verification_supervision": Row(may=SUPERVISORS),
    "verification_export": Row(may=SUPERVISORS),
    "verification_detail": Row(
        url=obj("verification", "verification_detail"), sees=(WORK_A, WORK_B)
    ),
    "verification_history": Row(
        url=obj("verification", "verification_history"), sees=(WORK_A, WORK_B)
    ),
    "verification_evidence": Row(
        url=obj("evidence", "verification_evidence"), sees=(WORK_A, WORK_B)
    ),
    "verification_evidence_thumbnail": Row(
        url=obj("evidence", "verification_evidence_thumbnail"), sees=(WORK_A, WORK_B)
    ),
    "verification_pdf": Row(url=obj("approved", "verification_pdf"), sees=(DONE_A, DONE_B)),
    **{
        name: Row(
            method="POST",
            url=obj("verification", name),
            sees=(WORK_A, WORK_B),
            may=may,
            ok=OK_WRITE,
        )
        for name, may in {
            "verification_answer": TEAM_A,
            "verification_evidence_upload": TEAM_A,
            "verification_confirm": TEAM_A,
            "verification_submit": TEAM_A,
            "verification_approve": frozenset({"leader"}),
            "verification_return": frozenset({"leader"}),
        }.items()
    },
    "verification_reverify": Row(
        method="POST",
        url=obj("approved", "verification_reverify"),
        sees=(DONE_A, DONE_B),
        may=EDITORS,
        ok=OK_WRITE,
    ),
    # --- inspections ---------------------------------------------------------------------
    "visit_list": Row(),
    "visit_plan": Row(method="POST", ok=200),  # squads offered are the user's own only
    "visit_draw": Row(method="POST", ok=200),
    "visit_draw_confirm": Row(method="POST", ok=302),  # no proposal kept: back to the list
    "visit_detail": Row(url=obj("visit", "visit_detail"), sees=(SEES_A, SEES_B)),
    **{
        name: Row(
            method="POST",
            url=obj("visit", name),
            sees=(SEES_A, SEES_B),
            may=(SQUAD_A, frozenset()),
            ok=OK_WRITE,
        )
        for name in ("visit_record", "finding_add", "notice_issue")
    },
    "notice_list": Row(),
    "notice_detail": Row(url=obj("notice", "notice_detail"), sees=(SEES_A, SEES_B)),
    "notice_pdf": Row(url=obj("notice", "notice_pdf"), sees=(SEES_A, SEES_B)),
    "notice_verify": Row(
        url=lambda w, side: reverse("notice_verify", args=[w[side].notice.code]),
        sees=(SEES_A, SEES_B),
        ok=302,
    ),
    "archive_create": Row(method="POST", ok=200),  # nothing chosen: the form says so
    "archive_detail": Row(
        url=fixed(lambda w: reverse("archive_detail", args=[w["archive"].pk])),
        sees=SQUAD_A,
    ),
    "archive_download": Row(
        url=fixed(lambda w: reverse("archive_download", args=[w["archive"].pk])),
        sees=SQUAD_A,
    ),
    "finding_list": Row(),
    "finding_detail": Row(url=obj("finding", "finding_detail"), sees=(SEES_A, SEES_B)),
    "report_submit": Row(
        method="POST",
        url=obj("finding", "report_submit"),
        sees=(SEES_A, SEES_B),
        may=(frozenset({"school_a"}), frozenset()),
        ok=OK_WRITE,
    ),
    "report_decide": Row(
        method="POST",
        url=obj("report", "report_decide"),
        sees=(SEES_A, SEES_B),
        may=(SQUAD_A, frozenset()),
        ok=OK_WRITE,
    ),
    "inspection_file": Row(
        url=lambda w, side: reverse("inspection_file", args=["finding", w[side].photo.pk]),
        sees=(SEES_A, SEES_B),
    ),
    "inspection_file_thumbnail": Row(
        url=lambda w, side: reverse(
            "inspection_file_thumbnail", args=["report", w[side].report_evidence.pk]
        ),
        sees=(SEES_A, SEES_B),
    ),
    # --- API -------------------------------------------------------------------------
    "api-root": Row(),
    "api_token": Row(method="POST", ok=400, anonymous=400),
    "api_logout": Row(method="POST", ok=401, anonymous=401),  # a token is needed, not a session
    "api_logout_all": Row(method="POST", ok=401, anonymous=401),
    "schema": Row(),
    "api_docs": Row(),
    "county-list": Row(),
    "county-detail": Row(
        url=lambda w, side: f"/api/v1/counties/{w[side].school.county_id}/",
        sees=(COUNTY_A, SEES_B),
    ),
    "school-list": Row(),
    "school-detail": Row(url=api("schools", "school"), sees=(SEES_A, SEES_B)),
    "dispatch-report-list": Row(may=DISPATCH | {"county_a", "county_b"}),
    # A county official reads the report's figures for their own county only.
    "dispatch-report-detail": Row(
        url=fixed(lambda w: f"/api/v1/dispatch-reports/{w['report'].on_date.isoformat()}/"),
        may=DISPATCH | {"county_a", "county_b"},
    ),
    "school-readiness": Row(url=api("schools", "school", "readiness"), sees=(SEES_A, SEES_B)),
    "person-list": Row(),
    "person-detail": Row(url=api("people", "person"), sees=(SEES_A, SEES_B)),
    "health-check-list": Row(),  # the rows are the scope's; an empty list without the right
    "health-check-detail": Row(
        url=api("health-checks", "check"), sees=(HEALTH_VIEW_A, HEALTH_VIEW_B)
    ),
    "plan-list": Row(),
    "plan-detail": Row(url=api("plans", "plan"), sees=(SEES_A, SEES_B)),
    "plan-decide": Row(
        method="POST",
        url=api("plans", "plan", "decide"),
        sees=(SEES_A, SEES_B),
        may=EDITORS,
        ok=OK_WRITE,
    ),
    "plan-submit": Row(
        method="POST",
        url=api("plans", "plan", "submit"),
        sees=(SEES_A, SEES_B),
        may=(frozenset({"school_a"}), frozenset()),
        ok=OK_WRITE,
    ),
    "drill-list": Row(),
    "drill-detail": Row(url=api("drills", "drill"), sees=(SEES_A, SEES_B)),
    "verification-template-list": Row(),
    "verification-template-detail": Row(
        url=fixed(lambda w: f"/api/v1/verification-templates/{w['template'].pk}/")
    ),
    "verification-list": Row(),
    "verification-detail": Row(url=api("verifications", "verification"), sees=(WORK_A, WORK_B)),
    **{
        f"verification-{name}": Row(
            method="POST",
            url=api("verifications", "verification", path),
            sees=(WORK_A, WORK_B),
            may=may,
            ok=OK_WRITE,
        )
        for name, path, may in [
            ("answers", "answers", TEAM_A),
            ("evidence", "evidence", TEAM_A),
            ("confirm", "confirm", TEAM_A),
            ("submit", "submit", TEAM_A),
            ("approve", "approve", frozenset({"leader"})),
            ("send-back", "return", frozenset({"leader"})),
        ]
    },
    "visit-list": Row(),
    # The field app's work: a squad member's alone (the inspector is on squad A).
    **{
        f"visit-{name}": Row(method="POST", may=SQUAD_A, ok=400)
        for name in ("plan", "draw", "draw-confirm")
    },
    **{
        f"visit-{name}": Row(
            method="POST",
            url=api("visits", "visit", name),
            sees=(SEES_A, SEES_B),
            may=(SQUAD_A, frozenset()),
            ok=400,
        )
        for name in ("record", "findings", "notices")
    },
    "team-list": Row(),
    "team-detail": Row(url=team_api(), sees=ACCOUNTS),
    "team-members": Row(method="POST", url=team_api("members"), sees=ACCOUNTS, ok=400),
    "team-leader": Row(method="POST", url=team_api("leader"), sees=ACCOUNTS, ok=400),
    # Side B's team has only its leader, who is not removed (400).
    "team-member-remove": Row(
        method="DELETE", url=team_api("member"), sees=ACCOUNTS, ok={204, 400}
    ),
    "squad-list": Row(),
    "squad-detail": Row(url=squad_api(), sees=frozenset({"city_staff"})),
    "squad-members": Row(
        method="POST", url=squad_api("members"), sees=frozenset({"city_staff"}), ok=400
    ),
    "squad-leader": Row(
        method="POST", url=squad_api("leader"), sees=frozenset({"city_staff"}), ok=400
    ),
    "squad-counties": Row(
        method="PUT", url=squad_api("counties"), sees=frozenset({"city_staff"}), ok=400
    ),
    "squad-member-remove": Row(
        method="DELETE", url=squad_api("member"), sees=frozenset({"city_staff"}), ok=204
    ),
    "visit-detail": Row(url=api("visits", "visit"), sees=(SEES_A, SEES_B)),
    "finding-list": Row(),
    "finding-detail": Row(url=api("findings", "finding"), sees=(SEES_A, SEES_B)),
    "notice-list": Row(),
    "notice-detail": Row(url=api("notices", "notice"), sees=(SEES_A, SEES_B)),
    "notice-pdf": Row(url=api("notices", "notice", "pdf"), sees=(SEES_A, SEES_B)),
    "rectification-report-list": Row(),
    "rectification-report-detail": Row(
        url=api("rectification-reports", "report"), sees=(SEES_A, SEES_B)
    ),
    "supply-item-list": Row(may=SUPPLY_VIEW),
    "supply-item-detail": Row(url=fixed(lambda w: "/api/v1/supply-items/mask/"), may=SUPPLY_VIEW),
    "supply-balance-list": Row(may=SUPPLY_VIEW),
    "supply-movement-list": Row(may=SUPPLY_VIEW),
    "supply-movement-detail": Row(
        url=api("supply-movements", "movement"), sees=DEPOT, may=SUPPLY_VIEW
    ),
    "supply-plan-list": Row(may=SUPPLY_VIEW),
    "supply-plan-detail": Row(url=api("supply-plans", "supply_plan"), sees=DEPOT, may=SUPPLY_VIEW),
    "supply-plan-approve": Row(
        method="POST",
        url=api("supply-plans", "supply_plan", "approve"),
        sees=DEPOT,
        may=SUPPLY_MANAGE,
        ok=OK_WRITE,
    ),
    "supply-request-list": Row(may=SUPPLY_VIEW),
    "supply-request-detail": Row(
        url=api("supply-requests", "supply_request"),
        sees=(DEPOT[0] | {"school_a"}, DEPOT[1]),
        may=SUPPLY_VIEW,
    ),
    "rectification-report-accept": Row(
        method="POST",
        url=api("rectification-reports", "report", "accept"),
        sees=(SEES_A, SEES_B),
        may=(SQUAD_A, frozenset()),
        ok=OK_WRITE,
    ),
    "rectification-report-reject": Row(
        method="POST",
        url=api("rectification-reports", "report", "reject"),
        sees=(SEES_A, SEES_B),
        may=(SQUAD_A, frozenset()),
        ok=OK_WRITE,
    ),
}
# Routes of no user's data: the admin (superusers only, tested in test_admin), and
# the API's format suffixes, which answer as the route they suffix.
LEFT_OUT = ("admin:",)


def route_names() -> set[str]:
    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, f"{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield f"{namespace}{p.name}"

    return {n for n in walk(get_resolver().url_patterns) if not n.startswith(LEFT_OUT)}


def test_every_route_has_its_row():
    missing = sorted(route_names() - set(ROUTES))
    assert not missing, f"routes without a row in the access matrix: {missing}"
    stale = sorted(set(ROUTES) - route_names())
    assert not stale, f"rows for routes that no longer exist: {stale}"


def expected(row: Row, role: str, side: str, path: str) -> int | set:
    if role == "anonymous":
        if row.anonymous is not None:
            return row.anonymous
        return 401 if path.startswith("/api/") else 302
    if row.url is not None and role not in pair(row.sees, side):
        return 404
    if role not in pair(row.may, side):
        return 403
    if row is ROUTES["plan_list"] and role in ("school_a", "school_other"):
        return 302
    return row.ok


def send(client: Client, row: Row, path: str):
    if row.method in ("PUT", "DELETE"):
        body = json.dumps(row.data)
        return client.generic(row.method, path, body, content_type="application/json")
    return (client.post if row.method == "POST" else client.get)(path, row.data)


@pytest.mark.django_db
def test_the_access_matrix(settings, capsys):
    settings.PERSON_SEARCH_RATE = "100000/min"
    world = build()
    plan = world["a"].plan
    plan.emergency_plan.save("p.pdf", ContentFile(pdf_bytes()), save=True)
    world["b"].plan.emergency_plan.save("p.pdf", ContentFile(pdf_bytes()), save=True)
    clients = {}
    for role in ROLES:
        client = Client()
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
        clients[role] = client

    failures, cases = [], 0
    # Logging out ends the session the other cases run in: it goes last.
    for name, row in sorted(ROUTES.items(), key=lambda item: (item[0] == "logout", item[0])):
        sides = ("a", "b") if row.url is not None else ("a",)
        for side in sides:
            path = row.url(world, side) if row.url else reverse(name)
            for role in ROLES:
                want = expected(row, role, side, path)
                with transaction.atomic():  # every case starts from the same world
                    got = send(clients[role], row, path).status_code
                    transaction.set_rollback(True)
                cases += 1
                if got not in (want if isinstance(want, set) else {want}):
                    failures.append(
                        f"{row.method} {path} ({name}, side {side}) as {role}: {got}, expected {want}"
                    )
    with capsys.disabled():
        print(f"\naccess matrix: {cases} cases over {len(ROUTES)} routes and {len(ROLES)} roles")
    assert not failures, "\n".join(failures)
