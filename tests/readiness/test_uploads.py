"""Evidence is judged by its content: a PDF must be one a reader can open."""

from __future__ import annotations

from readiness.uploads import is_pdf, sniff_evidence
from tests.readiness.factories import pdf_bytes

DRESSED_UP = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"


def test_a_real_pdf_is_accepted():
    assert sniff_evidence(pdf_bytes()) == ("application/pdf", "pdf")


def test_html_dressed_as_a_pdf_is_refused():
    assert not is_pdf(DRESSED_UP)
    assert sniff_evidence(DRESSED_UP) is None


def test_a_pdf_cut_short_is_refused():
    data = pdf_bytes()
    assert not is_pdf(data[: len(data) // 2])


def test_a_pdf_without_pages_is_refused():
    assert not is_pdf(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
