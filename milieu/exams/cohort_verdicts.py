"""A cohort's verdict list: each student with the engine's verdict on their dossier built from
the database as on the student page, read with a fixed number of queries.

The dossiers are built together (`build_dossiers`: the very dossiers `build_dossier` gives the
student page, every input table read once for the cohort), the reports waiting for a teacher's
check are read in one query (`reports_to_check`), then each dossier is judged in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from milieu.checker.checking import CheckedDossier
from milieu.establishments.models import Cohort
from milieu.exams.assembly import build_dossiers
from milieu.exams.queries import checked_dossier, reports_to_check
from milieu.students.models import Student


@dataclass(frozen=True)
class VerdictRow:
    student: Student
    checked: CheckedDossier


def verdict_rows(cohort: Cohort, as_of: date) -> list[VerdictRow]:
    """Each student of the cohort, in name order, with the engine's verdict on their dossier as
    the student page computes it (`checked_dossier`), whatever the cohort's size in the same
    few queries."""
    students = list(
        cohort.students.select_related("cohort", "cohort__establishment").order_by(
            "last_name", "first_name", "pk"
        )
    )
    planned = list(cohort.periods.all())
    dossiers = build_dossiers(students, as_of=as_of, scope=cohort.students.all())
    to_check = reports_to_check([student.pk for student in students])
    return [
        VerdictRow(
            student,
            checked_dossier(
                student, dossier, as_of, planned=planned, to_check=student.pk in to_check
            ),
        )
        for student, dossier in zip(students, dossiers, strict=True)
    ]
