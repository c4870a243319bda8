"""The jury's information (seed 000 §1, 001 §2.1.2 and §4: « le président du jury sera informé »).

For one exam session (académie × diploma × session year): the candidates the recteur authorised
to sit the exam after a partial stage, and every derogation the recteur granted to a candidate
of the session, with its reason in French. A rectorat user of the académie issues it; the PDF is
rendered then, once, and kept with its SHA-256 (`JuryNotice`): a later derogation changes the
next issue, never one already issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from milieu.conventions.documents import render_pdf
from milieu.exams.enums import DerogationKind, DerogationReason, DerogationStatus
from milieu.exams.models import DerogationRequest, ExamSession, JuryNotice
from milieu.people.models import User
from milieu.permissions import Action, require


def granted_derogations(exam_session: ExamSession) -> QuerySet[DerogationRequest]:
    """The granted requests of the session's candidates (its académie, diploma and year),
    by establishment, then candidate, then date of the decision."""
    return (
        DerogationRequest.objects.filter(
            status=DerogationStatus.GRANTED,
            student__cohort__establishment__academie_id=exam_session.academie_id,
            student__cohort__diploma=exam_session.diploma,
            student__cohort__session=exam_session.session,
        )
        .select_related("student__cohort__establishment", "decided_by", "decision")
        .order_by(
            "student__cohort__establishment__name",
            "student__last_name",
            "student__first_name",
            "student__pk",
            "decided_at",
            "pk",
        )
    )


def _weeks_text(request: DerogationRequest) -> str:
    if request.weeks is None:
        return ""
    weeks = request.weeks.normalize()
    number = str(int(weeks)) if weeks == weeks.to_integral() else str(weeks).replace(".", ",")
    return f"{number} semaine{'s' if weeks >= 2 else ''}"


def derogation_detail(request: DerogationRequest) -> str:
    """What the recteur granted, in French."""
    if request.kind == DerogationKind.REDUCTION:
        return f"Durée du stage réduite à {_weeks_text(request)}"
    if request.kind == DerogationKind.DISPENSE:
        units = [str(unit) for unit in request.units or []]
        if not units:
            return "Dispense du stage"
        label = "des unités" if len(units) > 1 else "de l'unité"
        return f"Dispense {label} {' et '.join(units)}"
    return "Autorisé(e) à se présenter après un stage partiel"


@dataclass(frozen=True)
class JuryLine:
    """One granted derogation as the jury reads it."""

    request_pk: int
    establishment: str
    uai: str
    last_name: str
    first_name: str
    ine: str
    kind: str
    kind_label: str
    detail: str
    reason: str
    justification: str
    decision_comment: str
    decided_on: datetime | None
    decided_by: str


def jury_lines(exam_session: ExamSession) -> list[JuryLine]:
    lines = []
    for request in granted_derogations(exam_session):
        student = request.student
        school = student.cohort.establishment
        decided_by = request.decided_by
        lines.append(
            JuryLine(
                request_pk=request.pk,
                establishment=school.name,
                uai=school.uai,
                last_name=student.last_name,
                first_name=student.first_name,
                ine=student.ine,
                kind=str(request.kind),
                kind_label=DerogationKind(request.kind).label,
                detail=derogation_detail(request),
                reason=DerogationReason(request.reason).label,
                justification=request.justification,
                decision_comment=request.decision_comment,
                decided_on=request.decided_at,
                decided_by=(decided_by.get_full_name() or decided_by.email) if decided_by else "",
            )
        )
    return lines


def jury_context(exam_session: ExamSession, by: User) -> dict[str, Any]:
    """What the notice says, frozen at the moment it is issued."""
    lines = jury_lines(exam_session)
    return {
        "exam_session": exam_session,
        "academie": exam_session.academie,
        "diploma_title": exam_session.diploma_title,
        "partial": [line for line in lines if line.kind == DerogationKind.PARTIAL],
        "lines": lines,
        "issued_at": timezone.localtime(),
        "issuer": by.get_full_name() or by.email,
    }


def issue_jury_notice(exam_session: ExamSession, *, by: User) -> JuryNotice:
    """A rectorat user of the session's académie issues the jury's information: rendered now,
    stored with its hash, a new row each time (the earlier ones are kept as they were)."""
    require(by, Action.JURY_ISSUE, exam_session)
    with transaction.atomic():
        locked = (
            ExamSession.objects.select_for_update()
            .select_related("academie")
            .get(pk=exam_session.pk)
        )
        pdf = render_pdf("exams/pdf/jury_notice.html", jury_context(locked, by))
        return JuryNotice.objects.create(exam_session=locked, issued_by=by, content=pdf)


def notice_students(notice: JuryNotice) -> list[Any]:
    """The candidates a notice names: those whose derogation was granted before it was issued
    (a granted decision is final, so this is the notice's list)."""
    seen: dict[int, Any] = {}
    for request in granted_derogations(notice.exam_session).filter(
        decided_at__lte=notice.issued_at
    ):
        seen.setdefault(request.student_id, request.student)
    return list(seen.values())
