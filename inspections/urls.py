from django.urls import path

from . import staffing_views, views

urlpatterns = [
    path("", views.visit_list, name="visit_list"),
    path("plan/", views.visit_plan, name="visit_plan"),
    path("plan/draw/", views.visit_draw, name="visit_draw"),
    path("plan/draw/confirm/", views.visit_draw_confirm, name="visit_draw_confirm"),
    path("squads/", staffing_views.squad_list, name="squad_list"),
    path("squads/<int:pk>/", staffing_views.squad_staff, name="squad_staff"),
    path("squads/<int:pk>/members/", staffing_views.squad_member_add, name="squad_member_add"),
    path(
        "squads/<int:pk>/members/<int:user_id>/remove/",
        staffing_views.squad_member_remove,
        name="squad_member_remove",
    ),
    path("squads/<int:pk>/leader/", staffing_views.squad_leader_set, name="squad_leader_set"),
    path(
        "squads/<int:pk>/counties/", staffing_views.squad_counties_set, name="squad_counties_set"
    ),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit_record"),
    path("visits/<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("visits/<int:pk>/notice/", views.notice_issue, name="notice_issue"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("notices/verify/<str:code>/", views.notice_verify, name="notice_verify"),
    path("notices/archives/", views.archive_create, name="archive_create"),
    path("notices/archives/<int:pk>/", views.archive_detail, name="archive_detail"),
    path("notices/archives/<int:pk>/download/", views.archive_download, name="archive_download"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/report/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/decide/", views.report_decide, name="report_decide"),
    path("files/<str:kind>/<int:pk>/", views.photo_file, name="inspection_file"),
    path(
        "files/<str:kind>/<int:pk>/thumbnail/",
        views.photo_file,
        {"small": True},
        name="inspection_file_thumbnail",
    ),
]
