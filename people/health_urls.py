from django.urls import path

from . import health_views as views

urlpatterns = [
    path("", views.health_day, name="health_day"),
    path("schools/<int:pk>/", views.school_day, name="health_school_day"),
    path("schools/<int:pk>/<str:session>/", views.session_enter, name="health_enter"),
    path(
        "schools/<int:pk>/<str:session>/nothing/",
        views.nothing_to_report,
        name="health_nothing",
    ),
]
