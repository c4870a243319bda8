"""The apprenticeship part of a student's dossier, read from the database."""

from __future__ import annotations

from typing import Any

from milieu.apprenticeships.models import ApprenticeEvaluation
from milieu.followup.enums import EvaluationStatus


def apprentice_evaluated(student: Any) -> bool:
    """A grid of one of the student's apprenticeships, filled by the maître d'apprentissage and
    co-signed by the pedagogical team, is on file (one query)."""
    return ApprenticeEvaluation.objects.filter(
        apprenticeship__student_id=student.pk, status=EvaluationStatus.COSIGNED
    ).exists()


def apprentice_evaluated_ids(student_ids: Any) -> set[int]:
    """`apprentice_evaluated` of many students at once: the ids of those evaluated (one query)."""
    return set(
        ApprenticeEvaluation.objects.filter(
            apprenticeship__student_id__in=student_ids, status=EvaluationStatus.COSIGNED
        ).values_list("apprenticeship__student_id", flat=True)
    )
