from django.urls import path

from . import health_views as views

urlpatterns = [
    path("", views.health_day, name="health_day"),
    path("alerts/", views.alert_list, name="health_alerts"),
    path("import/", views.health_import, name="health_import"),
    path("import/template/", views.health_import_template, name="health_import_template"),
    path("classes/import/", views.health_import, {"kind": "classes"}, name="health_class_import"),
    path(
        "classes/import/template/",
        views.health_import_template,
        {"kind": "classes"},
        name="health_class_import_template",
    ),
    path("import/<int:pk>/", views.health_import_status, name="health_import_status"),
    path("import/<int:pk>/confirm/", views.health_import_confirm, name="health_import_confirm"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="health_alert_acknowledge"),
    path("alerts/<int:pk>/close/", views.alert_close, name="health_alert_close"),
    path("schools/<int:pk>/", views.school_day, name="health_school_day"),
    path("schools/<int:pk>/cases/new/", views.case_new, name="health_case_new"),
    path("schools/<int:pk>/classes/", views.class_list, name="health_classes"),
    path("classes/<int:pk>/", views.class_edit, name="health_class"),
    path("cases/", views.case_list, name="health_cases"),
    path("cases/<int:pk>/", views.case_detail, name="health_case"),
    path("schools/<int:pk>/<str:session>/", views.session_enter, name="health_enter"),
    path(
        "schools/<int:pk>/<str:session>/nothing/",
        views.nothing_to_report,
        name="health_nothing",
    ),
]
