"""Findings as other lines of work may cite them (readiness.references)."""

from __future__ import annotations

from django.urls import reverse

from readiness.references import Reference

from . import selectors


def findings(ids: list[int], user) -> dict[int, Reference]:
    """The findings among ``ids`` that ``user`` may see; one query."""
    rows = selectors.finding_list(user=user).filter(pk__in=ids).select_related("school")
    return {
        f.pk: Reference(
            label=f"{f.school.name} · {f.description[:40]}",
            url=reverse("finding_detail", args=[f.pk]),
        )
        for f in rows
    }
