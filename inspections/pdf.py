"""The rectification notice (整改通知书) as PDF, through the one document helper."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from readiness.documents import BASE_URL, render_pdf

from .models import RectificationNotice


def verify_url(notice: RectificationNotice) -> str:
    """Where the printed verification code leads: the notice's page in the portal."""
    return settings.PORTAL_URL.rstrip("/") + reverse("notice_verify", args=[notice.code])


def render_notice_pdf(notice: RectificationNotice) -> bytes:
    return render_pdf("documents/notice.html", notice_context(notice))


def notice_context(notice: RectificationNotice) -> dict:
    findings = list(
        notice.findings.select_related("key_area", "aspect")
        .prefetch_related("photos")
        .order_by("pk")
    )
    visit = notice.visit
    return {
        "notice": notice,
        "visit": visit,
        "school": visit.school,
        "squad": visit.squad,
        "findings": findings,
        "media_base": BASE_URL.rstrip("/") + settings.MEDIA_URL,
        "verify_url": verify_url(notice),
    }
