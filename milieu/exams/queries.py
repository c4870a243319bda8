"""Reading the exam side: the requests a user may see, the rectorat's queue, the cohort's verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from milieu.exams.enums import DerogationStatus
from milieu.exams.models import DerogationRequest, ExamSession
from milieu.permissions import DEROGATION_REQUESTERS, scope_of, union_of_pks


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


@dataclass(frozen=True)
class VerdictRow:
    student: Any
    checked: Any  # milieu.dossiers.checking.CheckedDossier


def verdict_rows(cohort: Any, as_of: date) -> list[VerdictRow]:
    """Each student of the cohort with the engine's verdict on their dossier built from the
    database, as the student page computes it (`build_dossier`, then `milieu.rules.evaluate`).

    One dossier is a handful of queries per student: this page is the exception to the fixed
    query counts, on purpose — it runs the very function the student page runs.
    """
    from milieu.exams.dossier import build_dossier

    students = cohort.students.select_related("cohort", "cohort__establishment").order_by(
        "last_name", "first_name", "pk"
    )
    planned = list(cohort.periods.all())
    rows = []
    for student in students:
        dossier = build_dossier(student, as_of=as_of)
        rows.append(VerdictRow(student, checked_dossier(student, dossier, as_of, planned=planned)))
    return rows


def checked_dossier(
    student: Any, dossier: dict[str, Any], as_of: date, *, planned: list[Any] | None = None
) -> Any:
    """The engine's verdict on `dossier` with what the student still has ahead
    (`milieu.exams.outlook`), as every page shows it (`milieu.dossiers.checking.CheckedDossier`).
    `planned`: the cohort's PFMP windows, when the caller already has them."""
    from milieu.dossiers.checking import CheckedDossier
    from milieu.exams.outlook import outlook_of
    from milieu.reports.queries import report_to_check
    from milieu.rules import evaluate

    result = evaluate(dossier)
    if planned is None:
        planned = list(student.cohort.periods.all())
    outlook = outlook_of(dossier, result, planned, as_of, report_to_check=report_to_check(student))
    return CheckedDossier(result, outlook)


def waiting_by_academie(academie_ids: list[int]) -> dict[int, int]:
    """How many submitted requests wait for a decision, per académie (one query)."""
    from django.db.models import Count

    rows = (
        DerogationRequest.objects.filter(
            status=DerogationStatus.SUBMITTED,
            student__cohort__establishment__academie_id__in=academie_ids,
        )
        .values("student__cohort__establishment__academie_id")
        .annotate(n=Count("pk"))
    )
    return {row["student__cohort__establishment__academie_id"]: row["n"] for row in rows}
