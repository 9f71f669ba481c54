"""A dispatch section whose figures fail in the database, for the reliability test."""

from django.db import connection

from readiness.dispatch import Section


def figures(on_date):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_of_figures")
    return {}


SECTION = Section(
    key="broken",
    figures=figures,
    template="readiness/dispatch/section.html",
    pdf_template="readiness/dispatch/section_pdf.html",
)
