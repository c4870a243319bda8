"""The cohort's verdict board: each student's verdict computed from the database, exactly as the
student page computes it, with filters by status and a CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse

from milieu.exams.dossier import build_dossier
from milieu.factories import StudentFactory
from milieu.rules import evaluate
from milieu.students.enums import Pathway
from tests.school.conftest import School, client_for

DAY = datetime(2027, 9, 1, 10, tzinfo=UTC)


def url(school: School) -> str:
    return reverse("establishments:cohort_verdicts", args=[school.cohort.pk])


def test_each_student_gets_the_verdict_of_their_own_page(school_a: School) -> None:
    apprentice = StudentFactory.create(
        cohort=school_a.cohort, pathway=Pathway.APPRENTISSAGE, last_name="Apprentie"
    )
    with time_machine.travel(DAY, tick=False):
        response = client_for(school_a.ddfpt).get(url(school_a))
    assert response.status_code == 200
    html = response.content.decode()
    for student in (school_a.student, apprentice):
        verdict = evaluate(build_dossier(student, as_of=date(2027, 9, 1)))
        row = html.split(f'data-student="{student.pk}"')[1].split("</tr>")[0]
        assert f'data-verdict="{verdict["status"]}"' in row
        for finding in verdict["findings"]:
            assert finding["message"].replace("'", "&#x27;") in row
    # the apprentice has no contract copy on file: the engine says so on the board
    assert "APPRENTICESHIP_EVIDENCE_MISSING" in {
        f["code"] for f in evaluate(build_dossier(apprentice, as_of=date(2027, 9, 1)))["findings"]
    }


def test_the_status_filter_keeps_only_that_status(school_a: School) -> None:
    StudentFactory.create(cohort=school_a.cohort, pathway=Pathway.APPRENTISSAGE)
    with time_machine.travel(DAY, tick=False):
        client = client_for(school_a.teacher)
        everyone = client.get(url(school_a)).content.decode()
        statuses = {
            s.pk: evaluate(build_dossier(s, as_of=date(2027, 9, 1)))["status"]
            for s in school_a.cohort.students.all()
        }
        chosen = next(iter(statuses.values()))
        filtered = client.get(url(school_a), {"statut": chosen}).content.decode()
    assert everyone.count("data-student=") == len(statuses)
    assert filtered.count("data-student=") == sum(1 for s in statuses.values() if s == chosen)


def test_the_csv_export_lists_every_student_with_the_reasons(school_a: School) -> None:
    with time_machine.travel(DAY, tick=False):
        response = client_for(school_a.secretary).get(url(school_a), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["INE", "Nom", "Prénom", "Verdict"]
    assert [r[0] for r in rows[1:]] == [str(school_a.student.ine)]
    verdict = evaluate(build_dossier(school_a.student, as_of=date(2027, 9, 1)))
    assert all(f["message"] in rows[1][6] for f in verdict["findings"])


def test_another_school_and_students_do_not_see_the_board(
    school_a: School, school_b: School
) -> None:
    assert client_for(school_b.ddfpt).get(url(school_a)).status_code == 404
    assert client_for(school_a.student_user).get(url(school_a)).status_code in (403, 404)
