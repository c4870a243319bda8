"""The cohort's verdict list builds its dossiers in one batch (`verdict_rows`): each row is the
very verdict the student page shows (`build_dossier`, `checked_dossier`), and the list costs the
same queries for a few students or many (issue 15)."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from milieu.exams.assembly import build_dossier
from milieu.exams.cohort_verdicts import verdict_rows
from milieu.exams.queries import checked_dossier
from milieu.factories import StudentFactory
from tests.exams.conftest import School, ccst_student
from tests.exams.test_dossier import certified_stage

AS_OF = date(2028, 9, 1)


def test_each_row_is_the_verdict_of_the_student_page(school_a: School) -> None:
    short = ccst_student(school_a, last_name="Courtecuisse")
    certified_stage(short, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    StudentFactory.create_batch(3, cohort=short.cohort)
    rows = verdict_rows(short.cohort, AS_OF)
    assert [row.student.pk for row in rows] == list(
        short.cohort.students.order_by("last_name", "first_name", "pk").values_list("pk", flat=True)
    )
    for row in rows:
        alone = checked_dossier(row.student, build_dossier(row.student, as_of=AS_OF), AS_OF)
        assert row.checked.result == alone.result
        assert row.checked.shown_label == alone.shown_label


def test_the_list_costs_the_same_queries_for_few_or_many_students(school_a: School) -> None:
    cohort = school_a.cohort

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            verdict_rows(cohort, AS_OF)
        return len(captured)

    few = queries()
    StudentFactory.create_batch(12, cohort=cohort)
    assert queries() == few
