"""The académie board's pages (`milieu.exams.board`): the rectorat's view of every
establishment's candidates of a session, and its CSV and XLSX downloads."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from milieu.checker.enums import STATUS_BADGES, VerdictStatus
from milieu.exams.board import (
    PAGE_SIZE,
    UNJUDGED,
    BoardFilters,
    BoardRows,
    board_academies,
    board_establishments,
    board_not_computed,
    board_outlooks,
    board_sessions,
    board_students,
    board_tally,
    board_verdicts,
    finding_choices,
)
from milieu.exams.exports import csv_chunks, required_weeks, table_rows, write_xlsx
from milieu.permissions import Action, can, require, visible_establishments
from milieu.rules import get_catalogue
from milieu.rules.references import FINDING_LABELS

STATUS_CHOICES = [*VerdictStatus.choices, (UNJUDGED, "Dossier non jugeable")]


def _filters(request: HttpRequest) -> tuple[list[int], list[Any], list[int], BoardFilters]:
    require(request.user, Action.ELIGIBILITY_BOARD)
    academies = board_academies(request.user)
    establishments = board_establishments(academies)
    sessions = board_sessions(academies)
    return (
        academies,
        establishments,
        sessions,
        BoardFilters.read(request.GET, establishments, sessions),
    )


def _school_filters(
    request: HttpRequest,
) -> tuple[list[int], list[Any], list[int], BoardFilters, list[int]]:
    """The establishment board's scope: the establishments the user heads or is DDFPT of."""
    schools = [
        e
        for e in visible_establishments(request.user).order_by("name", "pk")
        if can(request.user, Action.ELIGIBILITY_SCHOOL_BOARD, e)
    ]
    if not schools:
        raise PermissionDenied(
            "Le tableau de l’établissement est celui du chef d’établissement et du DDFPT."
        )
    ids = [e.pk for e in schools]
    academies = sorted({e.academie_id for e in schools})
    sessions = board_sessions(academies, ids)
    return academies, schools, sessions, BoardFilters.read(request.GET, schools, sessions), ids


def _render_board(
    request: HttpRequest,
    academies: list[int],
    establishments: list[Any],
    sessions: list[int],
    f: BoardFilters,
    schools: list[int] | None,
    **context: Any,
) -> HttpResponse:
    tally = board_tally(academies, f, schools)
    counts = tally.by_status
    # the rows of the page's establishments only, counted already (`BoardRows`)
    rows_of = BoardRows(board_verdicts(academies, f, schools), tally)
    page = Paginator(rows_of, PAGE_SIZE).get_page(request.GET.get("page"))
    verdicts = list(page.object_list)
    outlooks = board_outlooks(verdicts, timezone.localdate())
    rows = []
    for v in verdicts:
        outlook = outlooks.get(v.student_id)
        rows.append(
            {
                "verdict": v,
                "student": v.student,
                "status_label": dict(STATUS_CHOICES).get(v.status or UNJUDGED, v.status),
                "badge": STATUS_BADGES.get(v.status, "fr-badge--warning"),
                "outlook": outlook.label
                if outlook is not None and outlook.replaces_verdict
                else "",
                "required": required_weeks(v),
                "codes": [(c, FINDING_LABELS.get(c, c)) for c in v.finding_codes.split()],
            }
        )
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
            "not_computed": board_not_computed(academies, f, schools),
            "query": request.GET.urlencode(),
            **context,
        },
    )


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    academies, establishments, sessions, f = _filters(request)
    return _render_board(request, academies, establishments, sessions, f, None)


@login_required
@require_GET
def school_board(request: HttpRequest) -> HttpResponse:
    """The establishment board: the same stored verdicts, of the user's establishments only."""
    academies, schools, sessions, f, ids = _school_filters(request)
    return _render_board(
        request,
        academies,
        schools,
        sessions,
        f,
        ids,
        board_title="Tableau de l’établissement",
        export_url="exams:school_board_export",
        school_board=True,
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
    return _export(board_students(academies, f), f, fmt)


@login_required
@require_GET
def school_board_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The establishment board's selection as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format inconnu : csv ou xlsx.")
    academies, _, _, f, ids = _school_filters(request)
    return _export(board_students(academies, f, ids), f, fmt)


def _export(students: Any, f: BoardFilters, fmt: str) -> HttpResponseBase:
    rows = table_rows(students)
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
