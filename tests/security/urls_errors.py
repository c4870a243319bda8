"""The site's URLs plus one view that fails, to see the 500 page (tests/security/test_headers.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("panne simulée")


urlpatterns = [
    path("panne/", fails),
    path("", include("milieu.urls")),
]
