"""Reading the exam side: the requests a user may see, the rectorat's queue, the cohort's verdicts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, QuerySet

from milieu.checker.checking import CheckedDossier
from milieu.exams.enums import DerogationStatus
from milieu.exams.models import DerogationRequest, ExamSession
from milieu.exams.outlook import outlook_of
from milieu.permissions import DEROGATION_REQUESTERS, scope_of, union_of_pks
from milieu.reports.analysis import ReportAnalysis
from milieu.reports.corrections import needs_check
from milieu.reports.models import ReportDeposit
from milieu.reports.queries import reading_figures, report_to_check
from milieu.rules import judge


def visible_derogations(user: Any) -> QuerySet[DerogationRequest]:
    """The requests of the establishments whose head or DDFPT the user is, and the submitted
    (or decided, or withdrawn after submission) requests of the académies whose rectorat the
    user belongs to; a draft stays its school's."""
    s = scope_of(user)
    if s.user_id is None:
        return DerogationRequest.objects.none()
    schools = [e for e, roles in s.establishments.items() if roles & DEROGATION_REQUESTERS]
    branches = []
    if schools:
        branches.append(
            DerogationRequest.objects.filter(student__cohort__establishment_id__in=schools)
        )
    if s.academies:
        branches.append(
            DerogationRequest.objects.filter(
                student__cohort__establishment__academie_id__in=list(s.academies)
            ).exclude(status=DerogationStatus.DRAFT)
        )
    ids = union_of_pks(branches)
    if ids is None:
        return DerogationRequest.objects.none()
    return DerogationRequest.objects.filter(pk__in=ids).select_related(
        "student",
        "student__cohort",
        "student__cohort__establishment",
        "student__cohort__establishment__academie",
        "created_by",
        "decided_by",
    )


def queue_of(user: Any) -> QuerySet[DerogationRequest]:
    """The submitted requests of the user's académies, oldest first."""
    academies = list(scope_of(user).academies)
    return (
        visible_derogations(user)
        .filter(
            status=DerogationStatus.SUBMITTED,
            student__cohort__establishment__academie_id__in=academies,
        )
        .order_by("submitted_at", "pk")
    )


def visible_sessions(user: Any) -> QuerySet[ExamSession]:
    return ExamSession.objects.filter(
        academie_id__in=list(scope_of(user).academies)
    ).select_related("academie", "updated_by")


def session_of_cohort(cohort: Any) -> ExamSession | None:
    """The rectorat's exam session the cohort sits (its académie, diploma and year; one query)."""
    return ExamSession.objects.filter(
        academie__establishments=cohort.establishment_id,
        diploma=cohort.diploma,
        session=cohort.session,
    ).first()


def sessions_by_key(academie_ids: list[int]) -> dict[tuple[int, str, int], ExamSession]:
    """The exam sessions of the académies, by (académie, diploma, year): `session_of_cohort` of
    many cohorts with one query."""
    return {
        (s.academie_id, str(s.diploma), int(s.session)): s
        for s in ExamSession.objects.filter(academie_id__in=academie_ids)
    }


def granted_derogations_by_student(student_ids: Any) -> dict[int, list[dict[str, Any]]]:
    """`granted_derogations` of many students with one query (a student with none is absent)."""
    found: dict[int, list[dict[str, Any]]] = {}
    for request in DerogationRequest.objects.filter(
        student_id__in=student_ids, status=DerogationStatus.GRANTED
    ).order_by("decided_at", "pk"):
        found.setdefault(request.student_id, []).append(request.contract_derogation())
    return found


def granted_derogations(student: Any) -> list[dict[str, Any]]:
    """The contract's derogations of `student`: their granted requests, decided by the recteur,
    in the order they were decided (one query). Nothing else makes a `recteur` derogation."""
    return [
        request.contract_derogation()
        for request in DerogationRequest.objects.filter(
            student_id=student.pk, status=DerogationStatus.GRANTED
        ).order_by("decided_at", "pk")
    ]


def checked_dossier(
    student: Any,
    dossier: dict[str, Any],
    as_of: date,
    *,
    planned: list[Any] | None = None,
    to_check: bool | None = None,
) -> CheckedDossier:
    """The engine's verdict on `dossier` with what the student still has ahead
    (`milieu.exams.outlook`), as every page shows it (`milieu.checker.checking.CheckedDossier`).
    `planned`: the cohort's PFMP windows, `to_check`: whether the latest report waits for a
    teacher's check (`report_to_check`), when the caller already has them."""
    result = judge(dossier)
    if planned is None:
        planned = list(student.cohort.periods.all())
    if to_check is None:
        to_check = report_to_check(student)
    outlook = outlook_of(dossier, result, planned, as_of, report_to_check=to_check)
    return CheckedDossier(result, outlook)


def reports_to_check(student_ids: list[int]) -> set[int]:
    """`report_to_check` of many students in one query: those whose latest report has no
    readable text and no teacher's check yet."""
    latest: dict[int, ReportDeposit] = {}
    for deposit in (
        ReportDeposit.objects.filter(student_id__in=student_ids)
        .select_related("reading")
        .order_by("student_id", "-version")
    ):
        latest.setdefault(deposit.student_id, deposit)
    return {
        student_id
        for student_id, deposit in latest.items()
        if needs_check(ReportAnalysis.from_json(deposit.analysis), reading_figures(deposit))
    }


def waiting_by_academie(academie_ids: list[int]) -> dict[int, int]:
    """How many submitted requests wait for a decision, per académie (one query)."""
    rows = (
        DerogationRequest.objects.filter(
            status=DerogationStatus.SUBMITTED,
            student__cohort__establishment__academie_id__in=academie_ids,
        )
        .values("student__cohort__establishment__academie_id")
        .annotate(n=Count("pk"))
    )
    return {row["student__cohort__establishment__academie_id"]: row["n"] for row in rows}
