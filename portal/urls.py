from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from inspections import api as inspections_api
from people import api as people_api
from plans import api as plans_api
from readiness import api as readiness_api
from readiness import pwa as readiness_pwa
from readiness import views as readiness_views
from supplies import api as supplies_api
from verification import api as verification_api

router = DefaultRouter()
router.register("counties", readiness_api.CountyViewSet, basename="county")
router.register("schools", readiness_api.SchoolViewSet, basename="school")
router.register(
    "dispatch-reports", readiness_api.DispatchReportViewSet, basename="dispatch-report"
)
router.register("people", people_api.PersonViewSet, basename="person")
router.register("health-checks", people_api.HealthCheckViewSet, basename="health-check")
router.register("plans", plans_api.PlanViewSet, basename="plan")
router.register("drills", plans_api.DrillViewSet, basename="drill")
router.register(
    "verification-templates", verification_api.TemplateViewSet, basename="verification-template"
)
router.register("verifications", verification_api.VerificationViewSet, basename="verification")
router.register("visits", inspections_api.VisitViewSet, basename="visit")
router.register("squads", inspections_api.SquadViewSet, basename="squad")
router.register("teams", verification_api.TeamViewSet, basename="team")
router.register("findings", inspections_api.FindingViewSet, basename="finding")
router.register("notices", inspections_api.NoticeViewSet, basename="notice")
router.register(
    "rectification-reports", inspections_api.ReportViewSet, basename="rectification-report"
)
router.register("supply-items", supplies_api.ItemViewSet, basename="supply-item")
router.register("supply-balances", supplies_api.BalanceViewSet, basename="supply-balance")
router.register("supply-movements", supplies_api.MovementViewSet, basename="supply-movement")
router.register("supply-plans", supplies_api.PlanViewSet, basename="supply-plan")
router.register("supply-requests", supplies_api.RequestViewSet, basename="supply-request")

urlpatterns = [
    path("login/", readiness_views.LoginView.as_view(), name="login"),
    path("logout/", readiness_pwa.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", readiness_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/v1/auth/token/", readiness_api.TokenLoginView.as_view(), name="api_token"),
    path("api/v1/auth/logout/", readiness_api.TokenLogoutView.as_view(), name="api_logout"),
    path(
        "api/v1/auth/logout-all/",
        readiness_api.TokenLogoutAllView.as_view(),
        name="api_logout_all",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its settings as a script file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
    path("", include("readiness.accounts.urls")),
    path("verification/", include("verification.urls")),
    path("inspections/", include("inspections.urls")),
    path("people/", include("people.urls")),
    path("health/", include("people.health_urls")),
    path("supplies/", include("supplies.urls")),
    path("", include("plans.urls")),
    path("", include("readiness.urls")),
]

handler403 = "readiness.views.forbidden"
handler404 = "readiness.views.not_found"
