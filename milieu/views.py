from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from milieu.checker.samples import all_samples
from milieu.rules import get_catalogue


def home(request: HttpRequest) -> HttpResponse:
    diplomas = sorted(get_catalogue().diplomas.values(), key=lambda diploma: diploma.id)
    return render(
        request, "milieu/home.html", {"diplomas": diplomas, "sample_count": len(all_samples())}
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A French page instead of Django's English one when the form's token is missing."""
    return render(request, "403_csrf.html", status=403)
