"""The daily health checks' part of the dispatch report: the day before the report
(its 07:30 build comes before the day's morning check is done), per county."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from readiness.dispatch import Column, Measure, Section, Sheet, Tile
from readiness.models import County
from readiness.selectors import rate

from . import selectors
from .models import HealthAlert, IllnessCase, Session

KEYS = ("expected", "reported", "silent", "enrolled", "absent", "absent_ill", "fever",
        "symptoms", "cases_open", "alerts_open", "alerts_closed")  # fmt: skip


def figures(on_date: dt.date) -> dict:
    """Per county: the schools open the day before, those that reported its morning
    and noon, the morning's absence and illness absence, fevers and symptoms
    (person-times), cases still followed, and that day's alerts open and closed.
    Reads the day's session reports and alerts, never the classes' rows."""
    day = on_date - dt.timedelta(days=1)
    rows = {r.pk: r for r in selectors.day_rows(on_date=day, schools=Q(), by_county=True)}
    cases = dict(
        IllnessCase.objects.filter(status=IllnessCase.Status.OPEN)
        .values("school__county_id")
        .annotate(n=Count("pk"))
        .values_list("school__county_id", "n")
        .order_by()
    )
    alerts = {
        (county, status): n
        for county, status, n in HealthAlert.objects.filter(on_date=day)
        .values("school__county_id", "status")
        .annotate(n=Count("pk"))
        .values_list("school__county_id", "status", "n")
        .order_by()
    }
    by_county = []
    for county in County.objects.order_by("order", "code").values("pk", "code", "name"):
        row = rows[county["pk"]]
        closed = alerts.get((county["pk"], HealthAlert.Status.CLOSED), 0)
        by_county.append(
            {
                "code": county["code"], "name": county["name"], "expected": row.expected,
                "reported": row.reported.get(Session.MORNING, 0),
                "reported_noon": row.reported.get(Session.NOON, 0), "silent": row.silent,
                "enrolled": row.enrolled, "absent": row.absent, "absent_ill": row.absent_ill,
                "fever": row.fever, "symptoms": row.symptoms,
                "cases_open": cases.get(county["pk"], 0),
                "alerts_open": row.alerts, "alerts_closed": closed,
                "reporting_rate": rate(row.reported.get(Session.MORNING, 0), row.expected),
                "absence_rate": row.absence_rate, "illness_rate": row.illness_rate,
            }
        )  # fmt: skip
    totals = {key: sum(r[key] for r in by_county) for key in KEYS}
    totals["reported_noon"] = sum(r["reported_noon"] for r in by_county)
    totals["reporting_rate"] = rate(totals["reported"], totals["expected"])
    totals["absence_rate"] = rate(totals["absent"], totals["enrolled"])
    totals["illness_rate"] = rate(totals["absent_ill"], totals["enrolled"])
    return {"day": day.isoformat(), "totals": totals, "by_county": by_county}


SECTION = Section(
    key="health",
    figures=figures,
    template="people/dispatch/health.html",
    pdf_template="people/dispatch/health_pdf.html",
    tiles=(
        Tile("fever", _("Fevers at the checks"), False, link="health_day"),
        Tile("alerts_open", _("Health alerts open"), False, link="health_alerts"),
        Tile("silent", _("Schools silent at the morning check"), False, link="health_day"),
    ),
    measures=(
        Measure(
            "reporting_rate",
            _("Morning check reported %"),
            lambda row: row.get("reporting_rate"),
            True,
            100,
            95,
        ),
        Measure(
            "illness_rate",
            _("Illness absence %"),
            lambda row: row.get("illness_rate"),
            False,
            1,
            3,
        ),
    ),
    sheets=(
        Sheet(
            _("Health checks"),
            (
                Column("expected", _("Open schools")),
                Column("reported", _("Reported the morning")),
                Column("reported_noon", _("Reported the noon")),
                Column("silent", _("Silent")),
                Column("absence_rate", _("Absence %")),
                Column("illness_rate", _("Illness absence %")),
                Column("fever", _("Fever (person-times)")),
                Column("symptoms", _("Symptoms (person-times)")),
                Column("cases_open", _("Cases followed")),
                Column("alerts_open", _("Alerts open")),
                Column("alerts_closed", _("Alerts closed")),
            ),
        ),
    ),
)
