"""Livret attestations pages: the cohort's page (start an edition, follow it), the progress
fragment polled with htmx, and the download of the finished PDF.

Cohorts are fetched through `visible_cohorts` (another school's cohort is a 404), then
`require(user, Action.LIVRET_EXPORT, cohort)` (403). A refusal to start an edition is left to
`milieu.middleware.RefusedMiddleware` (the message, back on the cohort's page).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from milieu.audit.downloads import audit_minor_download
from milieu.http import AuthenticatedHttpRequest, stored_file_response
from milieu.livret.attestation import livret_reference
from milieu.livret.enums import LivretStatus
from milieu.livret.models import LivretJob
from milieu.livret.operations import is_stalled, start_livret
from milieu.permissions import Action, get_object_for, require, visible_cohorts

RECENT = 5


def _job_for(request: AuthenticatedHttpRequest, pk: int) -> LivretJob:
    """A job of a visible cohort, without its PDF (the progress is polled every second)."""
    job = get_object_or_404(
        LivretJob.objects.filter(cohort__in=visible_cohorts(request.user).values("pk"))
        .select_related("cohort", "cohort__establishment", "requested_by")
        .defer("content"),
        pk=pk,
    )
    require(request.user, Action.LIVRET_EXPORT, job.cohort)
    return job


def _state(job: LivretJob) -> dict[str, Any]:
    warnings: list[dict[str, str]] = job.warnings or []
    return {
        "job": job,
        "stalled": is_stalled(job),
        "no_stage": [w for w in warnings if w.get("kind") == "no-stage"],
        "not_attested": [w for w in warnings if w.get("kind") == "not-attested"],
        "other_warnings": [
            w for w in warnings if w.get("kind") not in ("no-stage", "not-attested")
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def cohort(request: AuthenticatedHttpRequest, cohort_pk: int) -> HttpResponse:
    """Attestations jointes au livret scolaire: one PDF for the whole cohort."""
    found = get_object_for(
        request.user, visible_cohorts(request.user), cohort_pk, Action.LIVRET_EXPORT
    )
    if request.method == "POST":
        start_livret(found, by=request.user)
        messages.info(request, "La préparation du PDF des attestations est lancée.")
        return redirect("livret:cohort", cohort_pk=found.pk)
    jobs = list(
        LivretJob.objects.filter(cohort=found)
        .select_related("requested_by")
        .defer("content")[: RECENT + 1]
    )
    latest = jobs[0] if jobs else None
    context: dict[str, Any] = {
        "cohort": found,
        "reference": livret_reference(found.diploma),
        "student_count": found.students.count(),
        "latest": latest,
        "earlier": [job for job in jobs[1:] if job.status == LivretStatus.DONE],
        "cohort_url": reverse("establishments:cohort_detail", args=[found.pk]),
    }
    if latest is not None:
        context.update(_state(latest))
    return render(request, "livret/cohort.html", context)


@login_required
@require_GET
def job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The job's state as a fragment: polled every second while the task works."""
    found = _job_for(request, pk)
    return render(request, "livret/_job_state.html", _state(found))


@login_required
@require_GET
def download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The finished PDF, as stored, with its SHA-256."""
    found = _job_for(request, pk)
    if found.status != LivretStatus.DONE:
        raise Http404("Le PDF de cette édition n’est pas disponible.")
    content = bytes(LivretJob.objects.values_list("content", flat=True).get(pk=found.pk))
    day = timezone.localtime(found.finished_at or found.created_at)
    name = slugify(f"attestations-livret-{found.cohort.name}-{day:%Y-%m-%d}") or "attestations"
    response = stored_file_response(content, sha256=found.sha256, filename=f"{name}.pdf")
    students = found.cohort.students.select_related("cohort__establishment")
    return audit_minor_download(request, response, students=students, document=found)
