from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from milieu.dataprotection.retention import retention_years


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """« Données personnelles » : what is kept, why, how long, who sees it, the rights."""
    return render(request, "dataprotection/privacy.html", {"years": retention_years()})
