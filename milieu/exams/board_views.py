"""The académie board's pages (`milieu.exams.board`): the rectorat's view of every
establishment's candidates of a session, and its CSV and XLSX downloads."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from milieu.dossiers.enums import STATUS_BADGES, VerdictStatus
from milieu.exams.board import (
    PAGE_SIZE,
    UNJUDGED,
    BoardFilters,
    board_academies,
    board_counts,
    board_establishments,
    board_not_computed,
    board_sessions,
    board_students,
    board_verdicts,
    finding_choices,
)
from milieu.exams.exports import csv_chunks, required_weeks, table_rows, write_xlsx
from milieu.permissions import require
from milieu.rules import get_catalogue
from milieu.rules.references import FINDING_LABELS

STATUS_CHOICES = [*VerdictStatus.choices, (UNJUDGED, "Dossier non jugeable")]


def _filters(request: HttpRequest) -> tuple[list[int], list[Any], list[int], BoardFilters]:
    require(request.user, "eligibility.board")
    academies = board_academies(request.user)
    establishments = board_establishments(academies)
    sessions = board_sessions(academies)
    return (
        academies,
        establishments,
        sessions,
        BoardFilters.read(request.GET, establishments, sessions),
    )


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    academies, establishments, sessions, f = _filters(request)
    page = Paginator(board_verdicts(academies, f), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "verdict": v,
            "student": v.student,
            "status_label": dict(STATUS_CHOICES).get(v.status or UNJUDGED, v.status),
            "badge": STATUS_BADGES.get(v.status, "fr-badge--warning"),
            "required": required_weeks(v),
            "codes": [(c, FINDING_LABELS.get(c, c)) for c in v.finding_codes.split()],
        }
        for v in page.object_list
    ]
    counts = board_counts(academies, f)
    catalogue = get_catalogue()
    return render(
        request,
        "exams/board.html",
        {
            "page": page,
            "rows": rows,
            "filters": f,
            "establishments": establishments,
            "sessions": sessions,
            "diplomas": [(d, catalogue.diplomas[d].title) for d in catalogue.ids()],
            "statuses": STATUS_CHOICES,
            "codes": finding_choices(),
            "counts": [(value, label, counts[value]) for value, label in STATUS_CHOICES],
            "total": sum(counts.values()),
            "not_computed": board_not_computed(academies, f),
            "query": request.GET.urlencode(),
        },
    )


def _filename(f: BoardFilters, extension: str) -> str:
    session = f"-{f.session}" if f.session else ""
    return f"candidats{session}-{timezone.localdate():%Y%m%d}.{extension}"


@login_required
@require_GET
def board_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The board's selection as CSV (streamed) or XLSX (written to a temporary file)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format inconnu : csv ou xlsx.")
    academies, _, _, f = _filters(request)
    rows = table_rows(board_students(academies, f))
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            csv_chunks(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            content_disposition_header(True, _filename(f, "csv")) or ""
        )
    else:
        spool = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
        write_xlsx(rows, spool)
        spool.seek(0)
        response = FileResponse(
            spool,
            as_attachment=True,
            filename=_filename(f, "xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
