"""The rectorat's jury information and the transmission to the exam service (per session).

A session is found through what the user may see (another académie's is a 404); the
establishment of a transmission through `visible_establishments` and the session's académie
(another school's is a 404); then `milieu.permissions` answers for the action (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from milieu.audit.downloads import audit_minor_download
from milieu.establishments.models import Cohort
from milieu.exams.jury import issue_jury_notice, jury_lines, notice_students
from milieu.exams.models import ExamSession, JuryNotice
from milieu.exams.transmission import archive_name, candidate_files, manifest_text, zip_stream
from milieu.exams.views import acting
from milieu.http import stored_file_response
from milieu.permissions import (
    DEROGATION_REQUESTERS,
    Action,
    can,
    require,
    scope_of,
    visible_establishments,
)


def _rectorat_session(
    request: HttpRequest, pk: int, action: Action = Action.JURY_VIEW
) -> ExamSession:
    academies = list(scope_of(request.user).academies)
    found: ExamSession = get_object_or_404(
        ExamSession.objects.select_related("academie"), pk=pk, academie_id__in=academies
    )
    require(request.user, action, found)
    return found


@login_required
def jury_notices(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's issued notices, newest first, and what the next one would list."""
    exam_session = _rectorat_session(request, pk)
    notices = exam_session.jury_notices.select_related("issued_by").defer("content")
    return render(
        request,
        "exams/jury_notices.html",
        {
            "exam_session": exam_session,
            "notices": notices,
            "lines": jury_lines(exam_session),
            "may_issue": can(request.user, Action.JURY_ISSUE, exam_session),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def jury_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation; POST: the notice is issued (a new one, the others unchanged)."""
    exam_session = _rectorat_session(request, pk, Action.JURY_ISSUE)
    if request.method == "POST":
        if request.POST.get("confirmer") != "oui":
            messages.error(request, "Confirmez l’émission de l’information du jury.")
            return redirect("exams:jury_issue", pk=exam_session.pk)
        notice = issue_jury_notice(exam_session, by=acting(request))
        messages.success(
            request,
            f"L’information du jury n° {notice.pk} est émise "
            f"(empreinte SHA-256 {notice.sha256[:16]}…).",
        )
        return redirect("exams:jury_notices", pk=exam_session.pk)
    return render(
        request,
        "exams/jury_issue.html",
        {"exam_session": exam_session, "lines": jury_lines(exam_session)},
    )


@login_required
def jury_notice_download(request: HttpRequest, pk: int, notice_pk: int) -> HttpResponse:
    """A notice as it was issued (never rebuilt), with its SHA-256."""
    exam_session = _rectorat_session(request, pk)
    notice = get_object_or_404(JuryNotice, pk=notice_pk, exam_session=exam_session)
    response = stored_file_response(
        notice.content,
        sha256=notice.sha256,
        filename=(
            f"information-jury-{exam_session.diploma}-{exam_session.session}-n{notice.pk}.pdf"
        ),
    )
    return audit_minor_download(
        request, response, students=notice_students(notice), document=notice
    )


# --- transmission to the exam service ----------------------------------------------------------


def _transmission_session(request: HttpRequest, pk: int) -> ExamSession:
    """A session of an académie where the user is rectorat or works in an establishment."""
    s = scope_of(request.user)
    academies = set(s.academies) | set(
        visible_establishments(request.user)
        .filter(pk__in=s.staff_establishments)
        .values_list("academie_id", flat=True)
    )
    found: ExamSession = get_object_or_404(
        ExamSession.objects.select_related("academie"), pk=pk, academie_id__in=academies
    )
    return found


def _establishments(request: HttpRequest, exam_session: ExamSession) -> list[Any]:
    """The establishments of the session's académie the user may download for, with the
    number of candidates of the session in each (those without candidates left out)."""
    cohort_filter = Q(cohorts__diploma=exam_session.diploma, cohorts__session=exam_session.session)
    rows = (
        visible_establishments(request.user)
        .filter(academie_id=exam_session.academie_id)
        .annotate(candidates=Count("cohorts__students", filter=cohort_filter, distinct=True))
        .filter(candidates__gt=0)
        .order_by("name", "pk")
    )
    return [e for e in rows if can(request.user, Action.TRANSMISSION_DOWNLOAD, e)]


@login_required
def transmission(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's establishments, each with its ZIP for the exam service."""
    exam_session = _transmission_session(request, pk)
    s = scope_of(request.user)
    if not s.rectorat_of(exam_session.academie_id) and not any(
        can(request.user, Action.TRANSMISSION_DOWNLOAD, e)
        for e in visible_establishments(request.user).filter(academie_id=exam_session.academie_id)
    ):
        raise PermissionDenied("Vous n'avez pas le droit d'effectuer cette action.")
    establishments = _establishments(request, exam_session)
    return render(
        request,
        "exams/transmission.html",
        {"exam_session": exam_session, "establishments": establishments},
    )


@login_required
def transmission_zip(request: HttpRequest, pk: int, establishment_pk: int) -> HttpResponseBase:
    """One ZIP per establishment × diploma: each candidate's documents and the manifest,
    written while it is sent; the download is recorded for each minor candidate."""
    exam_session = _transmission_session(request, pk)
    establishment = get_object_or_404(
        visible_establishments(request.user),
        pk=establishment_pk,
        academie_id=exam_session.academie_id,
    )
    require(request.user, Action.TRANSMISSION_DOWNLOAD, establishment)
    files = candidate_files(exam_session, establishment)
    response = StreamingHttpResponse(
        zip_stream(manifest_text(exam_session, establishment, files), files),
        content_type="application/zip",
    )
    response["Content-Disposition"] = (
        content_disposition_header(True, archive_name(exam_session, establishment)) or ""
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return audit_minor_download(
        request,
        response,
        students=[f.student for f in files],
        document=exam_session,
    )


@login_required
def transmission_sessions(request: HttpRequest) -> HttpResponse:
    """The sessions the user transmits for: every session of the rectorat's académies; for a
    school's head or DDFPT, the sessions its cohorts sit (académie, diploma and year)."""
    require(request.user, Action.TRANSMISSION_LIST)
    s = scope_of(request.user)
    query = Q(academie_id__in=list(s.academies))
    schools = [e for e, roles in s.establishments.items() if roles & DEROGATION_REQUESTERS]
    for academie_id, diploma, year in (
        Cohort.objects.filter(establishment_id__in=schools)
        .values_list("establishment__academie_id", "diploma", "session")
        .distinct()
    ):
        query |= Q(academie_id=academie_id, diploma=diploma, session=year)
    sessions = (
        ExamSession.objects.filter(query)
        .select_related("academie")
        .order_by("academie__name", "-session", "diploma")
    )
    return render(request, "exams/transmission_sessions.html", {"sessions": sessions})
