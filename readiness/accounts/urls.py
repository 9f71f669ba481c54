from django.urls import path

from . import views

urlpatterns = [
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/import/", views.account_import, name="account_import"),
    path(
        "accounts/import/template/", views.account_import_template, name="account_import_template"
    ),
    path("accounts/import/<int:pk>/", views.account_import_status, name="account_import_status"),
    path(
        "accounts/import/<int:pk>/confirm/",
        views.account_import_confirm,
        name="account_import_confirm",
    ),
    path(
        "accounts/import/<int:pk>/sheet/", views.account_import_sheet, name="account_import_sheet"
    ),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/<slug:action>/", views.account_action, name="account_action"),
    path("account/", views.own_account, name="own_account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/set-password/<uidb64>/<token>/",
        views.PasswordSetView.as_view(),
        name="password_set",
    ),
]
