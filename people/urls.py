from django.urls import path

from . import views

urlpatterns = [
    path("", views.ledger, name="people"),
    path("coverage/", views.coverage, name="people_coverage"),
    path("abroad/", views.abroad, name="people_abroad"),
    path("import/", views.import_start, name="people_import"),
    path("import/template/", views.import_template, name="people_import_template"),
    path("import/<int:pk>/", views.import_status, name="people_import_status"),
    path("import/<int:pk>/report/", views.import_report, name="people_import_report"),
]
