from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview, name="supplies_overview"),
    path("ledger/", views.ledger, name="supplies_ledger"),
    path("balances.xlsx", views.balances_export, name="supplies_balances_export"),
    path("holders/<int:pk>/", views.stock_card, name="supplies_card"),
    path("holders/<int:pk>/count/", views.stock_count, name="supplies_count"),
    path("holders/<int:pk>/use/", views.stock_use, name="supplies_use"),
    path("holders/<int:pk>/send/", views.stock_send, name="supplies_send"),
    path("receive/", views.receipt_new, name="supplies_receipt_new"),
    path("receive/import/", views.receipt_import, name="supplies_receipt_import"),
    path(
        "receive/import/template/",
        views.receipt_import_template,
        name="supplies_receipt_import_template",
    ),
    path(
        "receive/import/<int:pk>/",
        views.receipt_import_status,
        name="supplies_receipt_import_status",
    ),
    path(
        "receive/import/<int:pk>/confirm/",
        views.receipt_import_confirm,
        name="supplies_receipt_import_confirm",
    ),
    path("receipts/", views.receipts, name="supplies_receipts"),
    path("shipments/<int:pk>/confirm/", views.shipment_confirm, name="supplies_shipment_confirm"),
    path("plans/", views.plans, name="supplies_plans"),
    path("plans/<int:pk>/", views.plan_detail, name="supplies_plan"),
    path("requests/", views.requests, name="supplies_requests"),
    path("needs/", views.needs_page, name="supplies_needs"),
    path("items/", views.items_page, name="supplies_items"),
    path("requests/<int:pk>/decide/", views.request_decide, name="supplies_request_decide"),
]
