"""Spreadsheets that would swamp the portal are refused early, with a message
that says why, and nothing is written."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import Person
from readiness import services
from readiness.models import School
from readiness.spreadsheets import SpreadsheetError, check_xlsx_archive
from tests.people.test_import import csv_file, row, run
from tests.readiness.test_school_import import csv_bytes, good_rows, xlsx_bytes


def bomb(member_bytes: int) -> bytes:
    """A zip that looks like an xlsx, with one member of ``member_bytes`` zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * member_bytes)
    return buffer.getvalue()


def test_a_member_compressed_a_thousandfold_is_refused_unopened():
    data = bomb(20 * 1024 * 1024)
    assert len(data) < 100 * 1024  # 20 MB of zeros pack into a few dozen KB
    with pytest.raises(SpreadsheetError, match="解压后达 20 MB"):
        check_xlsx_archive(data)


def test_an_absurd_declared_size_is_refused(settings):
    settings.XLSX_MAX_UNPACKED_BYTES = 1024
    with pytest.raises(SpreadsheetError):
        check_xlsx_archive(xlsx_bytes(good_rows(n=3)))


def test_a_real_xlsx_passes():
    check_xlsx_archive(xlsx_bytes(good_rows(n=3)))


def test_the_school_import_page_refuses_a_bomb(
    login, official_a, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("schools.xlsx", bomb(20 * 1024 * 1024))
    client = login(official_a)
    with django_capture_on_commit_callbacks(execute=True):  # the job runs as a worker would
        response = client.post(reverse("school_import"), {"file": upload})
    assert "解压" in client.get(response["Location"]).content.decode()
    assert not School.objects.exists()


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_a_school_file_past_the_row_limit_is_refused(official_a, county_a, settings, make):
    settings.SCHOOL_IMPORT_MAX_ROWS = 5
    outcome = services.school_import_preview(
        actor=official_a, name=f"schools.{make.__name__[:3]}", data=make(good_rows(n=6))
    )
    assert not outcome.ok
    assert "超过 5 行" in outcome.errors[0].message
    written = services.school_import_write(
        actor=official_a, name=f"schools.{make.__name__[:3]}", data=make(good_rows(n=6))
    )
    assert not written.ok and "超过 5 行" in written.errors[0].message
    assert not School.objects.exists()
    within = services.school_import_preview(
        actor=official_a, name=f"schools.{make.__name__[:3]}", data=make(good_rows(n=5))
    )
    assert within.ok


def test_a_person_file_past_the_row_limit_is_refused(official_a, school_a, settings):
    settings.PEOPLE_IMPORT_MAX_ROWS = 3
    outcome = run(official_a, csv_file(*(row(seq=n) for n in range(1, 5))))
    assert not outcome.ok and "超过 3 行" in outcome.errors[0].message
    assert not Person.objects.exists()


def test_the_error_report_keeps_the_first_problems_and_counts_the_rest(
    official_a, school_a, settings
):
    settings.IMPORT_MAX_REPORTED_ERRORS = 2
    bad = [row(seq=n, school="9999999999") for n in range(1, 6)]  # five unknown schools
    outcome = run(official_a, csv_file(*bad))
    assert outcome.error_count == 5
    assert not Person.objects.exists()
    lines = outcome.report.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 2 + 1  # header, two problems, the count of the rest
    assert "另有 3 个问题未列出" in lines[-1]
