from django.urls import path

from . import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/mine/", views.plan_mine, name="plan_mine"),
    path("plans/term/", views.plan_term, name="plan_term"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/decide/", views.plan_decide, name="plan_decide"),
    path("plans/<int:pk>/emergency-plan/", views.plan_file, name="plan_file"),
    path("drills/", views.drills, name="drills"),
]
