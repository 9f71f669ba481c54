from django.urls import path

from . import rules_views, staffing_views, views

urlpatterns = [
    path("", views.verification_list, name="verification_list"),
    path("assign/", views.assign, name="verification_assign"),
    path("supervision/", views.supervision, name="verification_supervision"),
    path("export/", views.verification_export, name="verification_export"),
    path("evidence/<int:pk>/", views.evidence_file, name="verification_evidence"),
    path(
        "evidence/<int:pk>/thumbnail/",
        views.evidence_file,
        {"small": True},
        name="verification_evidence_thumbnail",
    ),
    path("teams/", staffing_views.team_list, name="team_list"),
    path("teams/<int:pk>/", staffing_views.team_staff, name="team_staff"),
    path("teams/<int:pk>/members/", staffing_views.team_member_add, name="team_member_add"),
    path(
        "teams/<int:pk>/members/<int:user_id>/remove/",
        staffing_views.team_member_remove,
        name="team_member_remove",
    ),
    path("teams/<int:pk>/leader/", staffing_views.team_leader_set, name="team_leader_set"),
    path("rules/", rules_views.rules_versions, name="rules_versions"),
    path("rules/<int:pk>/", rules_views.rules_edit, name="rules_edit"),
    path("rules/<int:pk>/draft/", rules_views.rules_draft, name="rules_draft"),
    path("rules/<int:pk>/publish/", rules_views.rules_publish, name="rules_publish"),
    path("rules/<int:pk>/xlsx/", rules_views.rules_xlsx, name="rules_xlsx"),
    path("rules/<int:pk>/preview/", rules_views.rules_preview, name="rules_preview"),
    path("rules/<int:pk>/sections/new/", rules_views.section_edit, name="rules_section_new"),
    path(
        "rules/<int:pk>/sections/<int:section_id>/",
        rules_views.section_edit,
        name="rules_section_edit",
    ),
    path("rules/<int:pk>/items/new/", rules_views.item_edit, name="rules_item_new"),
    path("rules/<int:pk>/items/<int:item_id>/", rules_views.item_edit, name="rules_item_edit"),
    path(
        "rules/<int:pk>/delete/<slug:kind>/<int:row>/",
        rules_views.rules_delete,
        name="rules_delete",
    ),
    path(
        "rules/<int:pk>/move/<slug:kind>/<int:row>/<slug:direction>/",
        rules_views.rules_move,
        name="rules_move",
    ),
    path("<int:pk>/", views.verification_detail, name="verification_detail"),
    path("<int:pk>/answer/", views.answer_save, name="verification_answer"),
    path("<int:pk>/evidence/", views.evidence_upload, name="verification_evidence_upload"),
    path("<int:pk>/confirm/", views.department_confirm, name="verification_confirm"),
    path("<int:pk>/submit/", views.verification_submit, name="verification_submit"),
    path("<int:pk>/approve/", views.verification_approve, name="verification_approve"),
    path("<int:pk>/return/", views.verification_return, name="verification_return"),
    path("<int:pk>/reverify/", views.verification_reverify, name="verification_reverify"),
    path("<int:pk>/pdf/", views.verification_pdf, name="verification_pdf"),
]
