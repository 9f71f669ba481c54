from django.urls import path

from . import people_views, plan_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/", views.school_list, name="school_list"),
    path("schools/export/", views.school_export, name="school_export"),
    path("schools/import/", views.school_import, name="school_import"),
    path("schools/import/template/", views.school_import_template, name="school_import_template"),
    path(
        "schools/import/<int:upload_id>/confirm/",
        views.school_import_confirm,
        name="school_import_confirm",
    ),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("people/", people_views.ledger, name="people"),
    path("people/coverage/", people_views.coverage, name="people_coverage"),
    path("people/abroad/", people_views.abroad, name="people_abroad"),
    path("people/import/", people_views.import_start, name="people_import"),
    path("people/import/template/", people_views.import_template, name="people_import_template"),
    path("people/import/<int:pk>/", people_views.import_status, name="people_import_status"),
    path(
        "people/import/<int:pk>/report/", people_views.import_report, name="people_import_report"
    ),
    path("plans/", plan_views.plan_list, name="plan_list"),
    path("plans/mine/", plan_views.plan_mine, name="plan_mine"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/decide/", plan_views.plan_decide, name="plan_decide"),
    path("plans/<int:pk>/emergency-plan/", plan_views.plan_file, name="plan_file"),
    path("drills/", plan_views.drills, name="drills"),
    path("dispatch/", views.dispatch_list, name="dispatch_list"),
    path("dispatch/build/", views.dispatch_build, name="dispatch_build"),
    path("dispatch/<str:on_date>/", views.dispatch_detail, name="dispatch_detail"),
    path("dispatch/<str:on_date>/pdf/", views.dispatch_pdf, name="dispatch_pdf"),
]
