"""Import pages: upload → verification (with progress) → preview → confirmation → report.

Fetch through `visible_establishments` / `visible_import_jobs` (404 when not visible), then
`require(user, Action.ESTABLISHMENT_IMPORT, …)` (403). The job page polls its progress with htmx
every second while the background task works.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.imports.enums import ImportKind, ImportMode, ImportStatus, RowStatus
from milieu.imports.forms import MAX_FILE_SIZE, ConfirmForm, UploadForm
from milieu.imports.models import ImportJob
from milieu.imports.operations import ImportRefused, cancel_import, confirm_import, start_import
from milieu.imports.processing import KINDS
from milieu.imports.samples import get_sample, samples_for
from milieu.people.requests import SignedInRequest
from milieu.permissions import (
    Action,
    get_object_for,
    require,
    visible_cohorts,
    visible_establishments,
    visible_import_jobs,
)

ROWS_PER_PAGE = 100
TITLES = {
    ImportKind.STUDENTS: ("Importer des élèves", "Import d’élèves"),
    ImportKind.HOSTS: ("Importer des organismes d’accueil", "Import d’organismes d’accueil"),
}
QUEUED_TOO_LONG = timedelta(seconds=30)
STALLED_AFTER = timedelta(minutes=2)

# ?lignes= filter of the preview → row status (None: every row)
ROW_FILTERS: dict[str, tuple[str | None, str]] = {
    "toutes": (None, "Toutes les lignes"),
    "erreurs": (RowStatus.ERROR, "Erreurs"),
    "creations": (RowStatus.CREATE, "Créations"),
    "mises-a-jour": (RowStatus.UPDATE, "Mises à jour"),
}


def _upload(request: SignedInRequest, establishment_pk: int, kind: str) -> HttpResponse:
    establishment = get_object_for(
        request.user,
        visible_establishments(request.user),
        establishment_pk,
        Action.ESTABLISHMENT_IMPORT,
    )
    cohorts = (
        visible_cohorts(request.user)
        .filter(establishment=establishment)
        .order_by("-school_year", "name")
    )
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        kind=kind,
        cohorts=cohorts,
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = start_import(
                establishment=establishment,
                kind=kind,
                cohort=form.cleaned_data.get("cohort"),
                file_name=form.cleaned_data["fichier"].name,
                data=form.data_bytes,
                by=request.user,
            )
        except ImportRefused as refused:
            form.add_error(None, refused.user_message())
        else:
            return redirect("imports:job", pk=job.pk)
    recent = (
        visible_import_jobs(request.user)
        .filter(establishment=establishment, kind=kind)
        .defer("content", "rows")[:10]
    )
    context = {
        "establishment": establishment,
        "kind": kind,
        "for_students": kind == ImportKind.STUDENTS,
        "upload_title": TITLES[ImportKind(kind)][0],
        "form": form,
        "has_cohorts": kind != ImportKind.STUDENTS or cohorts.exists(),
        "columns": KINDS[kind].COLUMNS,
        "samples": samples_for(kind),
        "recent": recent,
        "max_size": MAX_FILE_SIZE,
    }
    return render(request, "imports/upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def students(request: SignedInRequest, establishment_pk: int) -> HttpResponse:
    """Importer des élèves depuis l'export du système d'information de l'établissement."""
    return _upload(request, establishment_pk, ImportKind.STUDENTS)


@login_required
@require_http_methods(["GET", "POST"])
def hosts(request: SignedInRequest, establishment_pk: int) -> HttpResponse:
    """Importer des organismes d'accueil (liste d'entreprises partenaires)."""
    return _upload(request, establishment_pk, ImportKind.HOSTS)


def _job_for(request: SignedInRequest, pk: int) -> ImportJob:
    """The job without its file nor its rows (loaded only for the preview): the progress is
    polled every second and must stay cheap."""
    job = get_object_or_404(visible_import_jobs(request.user).defer("content", "rows"), pk=pk)
    require(request.user, Action.ESTABLISHMENT_IMPORT, job.establishment)
    return job


def _preview(request: SignedInRequest, job: ImportJob) -> dict[str, Any]:
    """The page of rows to show, as plain values in the order of the file's columns."""
    default = "erreurs" if job.error_rows and job.status == ImportStatus.READY else "toutes"
    chosen = request.GET.get("lignes", default)
    if chosen not in ROW_FILTERS:
        chosen = default
    status, _ = ROW_FILTERS[chosen]
    columns = [column for column in KINDS[job.kind].COLUMNS if column.key in (job.columns or [])]
    page = Paginator(job.rows_with(status), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    shown = [
        {
            "line": row["line"],
            "status": row["status"],
            "cells": [row["cells"].get(column.key, "") for column in columns],
            "messages": [*row["errors"], *([row["conflict"]] if row.get("conflict") else [])],
            "changes": row.get("changes", []),
        }
        for row in page
    ]
    counts = {
        "toutes": job.total_rows,
        "erreurs": job.error_rows,
        "creations": job.create_rows,
        "mises-a-jour": job.update_rows,
    }
    filters = [
        {"value": value, "label": label, "count": counts[value], "current": value == chosen}
        for value, (_, label) in ROW_FILTERS.items()
    ]
    return {"columns": columns, "page": page, "shown": shown, "filters": filters, "chosen": chosen}


def _job_context(request: SignedInRequest, job: ImportJob) -> dict[str, Any]:
    upload = "imports:students" if job.kind == ImportKind.STUDENTS else "imports:hosts"
    context: dict[str, Any] = {
        "job": job,
        "upload_url": reverse(upload, args=[job.establishment_id]),
        "modes": ImportMode,
        "upload_title": TITLES[ImportKind(job.kind)][0],
        "job_title": TITLES[ImportKind(job.kind)][1],
        "waiting_too_long": job.status == ImportStatus.QUEUED
        and timezone.now() - job.created_at > QUEUED_TOO_LONG,
        "stalled": job.status in (ImportStatus.VALIDATING, ImportStatus.APPLYING)
        and timezone.now() - job.updated_at > STALLED_AFTER,
    }
    if job.status in (ImportStatus.READY, ImportStatus.DONE):
        context.update(_preview(request, job))
    return context


@login_required
@require_GET
def job_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    return render(request, "imports/job.html", _job_context(request, job))


@login_required
@require_GET
def job_progress(request: SignedInRequest, pk: int) -> HttpResponse:
    """The job's state as a fragment: polled every second while the task works."""
    job = _job_for(request, pk)
    return render(request, "imports/_job_state.html", _job_context(request, job))


@login_required
@require_POST
def job_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    form = ConfirmForm(request.POST)
    mode = form.cleaned_data["mode"] if form.is_valid() else ""
    if not mode and not job.error_rows:
        mode = ImportMode.ALL_OR_NOTHING
    if not mode:
        messages.error(request, "Choisissez comment traiter les lignes en erreur.")
        return redirect("imports:job", pk=job.pk)
    try:
        confirm_import(job, mode=mode, by=request.user)
    except ImportRefused as refused:
        messages.error(request, refused.message)
    return redirect("imports:job", pk=job.pk)


@login_required
@require_POST
def job_cancel(request: SignedInRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    try:
        cancel_import(job, by=request.user)
    except ImportRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.info(request, "L’import est abandonné : rien n’a été enregistré.")
    return redirect("imports:job", pk=job.pk)


@login_required
@require_GET
def sample(request: SignedInRequest, name: str) -> FileResponse:
    found = get_sample(name)
    if found is None:
        raise Http404("Exemple inconnu.")
    return FileResponse(
        found.path.open("rb"),
        as_attachment=True,
        filename=found.name,
        content_type="text/csv; charset=utf-8",
    )
