from django.urls import path

from . import pwa, views

urlpatterns = [
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("", views.home, name="home"),
    path("todo/counts/", views.todo_counts, name="todo_counts"),
    path("schools/", views.school_list, name="school_list"),
    path("schools/export/", views.school_export, name="school_export"),
    path("schools/import/", views.school_import, name="school_import"),
    path("schools/import/template/", views.school_import_template, name="school_import_template"),
    path("schools/import/<int:pk>/", views.school_import_status, name="school_import_status"),
    path(
        "schools/import/<int:pk>/confirm/",
        views.school_import_confirm,
        name="school_import_confirm",
    ),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("schools/<int:pk>/file/", views.school_file, name="school_file"),
    path("readiness/policy/", views.readiness_policy, name="readiness_policy"),
    path("readiness/recompute/", views.readiness_recompute, name="readiness_recompute"),
    path(
        "readiness/notices/<int:pk>/open/",
        views.readiness_notice_open,
        name="readiness_notice_open",
    ),
    path("audit/", views.audit_list, name="audit_list"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/targets/", views.dashboard_targets, name="dashboard_targets"),
    path("settings/", views.city_settings_page, name="city_settings"),
    path("dispatch/", views.dispatch_list, name="dispatch_list"),
    path("dispatch/build/", views.dispatch_build, name="dispatch_build"),
    path("dispatch/<str:on_date>/", views.dispatch_detail, name="dispatch_detail"),
    path("dispatch/<str:on_date>/pdf/", views.dispatch_pdf, name="dispatch_pdf"),
    path("dispatch/<str:on_date>/xlsx/", views.dispatch_xlsx, name="dispatch_xlsx"),
    path("dispatch/<str:on_date>/rebuild/", views.dispatch_rebuild, name="dispatch_rebuild"),
]
