"""The portal's URLs plus a minimal view, for the dashboard benchmark: the same
server, middleware and login as every page, and nothing else."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def minimal(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/minimal/", minimal), path("", include("portal.urls"))]
