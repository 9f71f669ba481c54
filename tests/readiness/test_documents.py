import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from readiness import dispatch, documents, services
from readiness.models import DispatchReport
from tests.readiness.factories import CountyFactory, SchoolFactory


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


@pytest.fixture
def report(db):
    """The report of a past day, as the database keeps it."""
    county = CountyFactory(code="371399", name="𠮷䶮试验区", order=1)
    SchoolFactory(county=county, students=1234, staff=56)
    day = dt.date(2026, 3, 26)
    return DispatchReport.objects.create(on_date=day, data=dispatch.build(day))


def test_chinese_text_extracts_back_unchanged(report):
    pdf = dispatch.report_pdf(report)
    text = pdf_text(pdf)
    assert "临沂市教育系统疫情防控每日调度" in text
    assert "2026年3月26日" in text
    assert "𠮷䶮试验区" in text  # characters outside the basic CJK block
    assert "1234" in text


def test_the_cjk_fonts_are_named_and_embedded_as_subsets(report):
    # Zen Hei for the text; Noto Sans CJK for the rare characters of the report
    # (𠮷 of CJK extension B) that Zen Hei lacks; both as subsets ("ABCDEF+Name").
    pdf = dispatch.report_pdf(report)
    fonts = pdf_fonts(pdf)
    assert any("WenQuanYi" in name and "+" in name for name in fonts), fonts
    assert any("Noto-Sans-CJK-SC" in name and "+" in name for name in fonts), fonts


def test_the_fetcher_serves_project_static_files():
    response = documents.LocalFetcher().fetch(documents.BASE_URL + "static/css/document.css")
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/x.css",
        "http://127.0.0.1:8000/static/css/document.css",
        "file:///etc/passwd",
        documents.BASE_URL + "static/../../../etc/passwd",
        documents.BASE_URL + "media/../../etc/passwd",
        documents.BASE_URL + "elsewhere/x.png",
    ],
)
def test_the_fetcher_refuses_anything_else(url):
    with pytest.raises((documents.DocumentError, ValueError)):
        documents.LocalFetcher().fetch(url)


def test_a_render_that_takes_too_long_is_stopped(report, monkeypatch):
    import time

    from weasyprint import HTML

    monkeypatch.setattr(HTML, "write_pdf", lambda self, **options: time.sleep(5))
    with pytest.raises(documents.DocumentTimeout):
        dispatch.report_pdf(report, time_limit=1)


def test_dispatch_pdf_page_is_for_city_roles_only(login, task_force, official_a, report):
    url = f"/dispatch/{report.on_date}/pdf/"
    response = login(task_force).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "𠮷䶮试验区" in pdf_text(response.content)
    assert login(official_a).get(url).status_code == 403


def test_dispatch_report_is_frozen_once_built(db):
    first = services.dispatch_report_build(on_date=timezone.localdate())
    SchoolFactory.create_batch(3)
    again = services.dispatch_report_build(on_date=timezone.localdate())
    assert again.pk == first.pk and again.data == first.data
    assert DispatchReport.objects.count() == 1


def test_a_report_is_never_built_for_another_day(db):
    with pytest.raises(services.StaleReportDate):
        services.dispatch_report_build(on_date=timezone.localdate() - dt.timedelta(days=1))
    assert not DispatchReport.objects.exists()
