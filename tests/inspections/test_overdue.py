"""Overdue findings: flagged once, mailed to the county and the school."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from inspections import services
from tests.inspections.factories import RectificationReportFactory


def test_overdue_findings_are_flagged_once_and_mailed(finding, official_a, school_contact_a):
    official_a.email, school_contact_a.email = "county@example.cn", "school@example.cn"
    official_a.save()
    school_contact_a.save()
    later = finding.deadline + dt.timedelta(days=1)
    assert services.findings_mark_overdue(today=later) == 1
    assert services.findings_mark_overdue(today=later) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["county@example.cn", "school@example.cn"]
    assert "测温点无人值守" in mail.outbox[0].body


def test_reported_findings_are_not_chased_as_overdue(finding):
    RectificationReportFactory(finding=finding)
    assert services.findings_mark_overdue(today=finding.deadline + dt.timedelta(days=1)) == 0


def test_when_mail_fails_nothing_is_flagged_and_the_next_run_tries_again(
    finding, official_a, settings
):
    official_a.email = "county@example.cn"
    official_a.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    later = finding.deadline + dt.timedelta(days=1)
    with pytest.raises(OSError):
        services.findings_mark_overdue(today=later)
    finding.refresh_from_db()
    assert finding.overdue is False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.findings_mark_overdue(today=later) == 1
