"""The cohort's verdict board: each student's verdict computed from the database, exactly as the
student page computes it, with filters by status and a CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse

from milieu.exams.assembly import build_dossier
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
    reasons = rows[0].index("Motifs")
    assert all(f["message"] in rows[1][reasons] for f in verdict["findings"])
    # « 0 » weeks is a figure, not an empty cell (issue 13 §11)
    assert rows[1][rows[0].index("Semaines effectuées")] == "0"


def test_another_school_and_students_do_not_see_the_board(
    school_a: School, school_b: School
) -> None:
    assert client_for(school_b.ddfpt).get(url(school_a)).status_code == 404
    assert client_for(school_a.student_user).get(url(school_a)).status_code in (403, 404)


# --- a stage still to come is not a blocking verdict (issue 13 §11) -----------------------------


def test_a_stage_still_to_come_is_shown_as_planned_with_what_is_due(school_a: School) -> None:
    """December, before the cohort's PFMP: the engine says « non conforme, 0 semaine » to date,
    the board says « Stage à venir » with the period and what is due, for every such student
    alike."""
    future = [p for p in school_a.cohort.periods.all() if p.start > date(2026, 12, 4)]
    assert future, "the school's cohort has a PFMP period after December 2026"
    StudentFactory.create(cohort=school_a.cohort)
    with time_machine.travel(datetime(2026, 12, 4, 10, tzinfo=UTC), tick=False):
        response = client_for(school_a.ddfpt).get(url(school_a))
        ahead = client_for(school_a.ddfpt).get(url(school_a), {"statut": "a-venir"})
        csv_text = (
            client_for(school_a.ddfpt)
            .get(url(school_a), {"format": "csv"})
            .content.decode("utf-8-sig")
        )
    html = response.content.decode()
    total = school_a.cohort.students.count()
    assert html.count("data-ahead") == total
    assert "Stage à venir (" in html
    assert f"du {future[0].start.day}" in html and "(prévue)" in html
    assert ahead.content.decode().count("data-student=") == total
    rows = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    assert {r[rows[0].index("Verdict")] for r in rows[1:]} == {"Stage à venir"}
    assert all("(prévue)" in r[rows[0].index("À venir")] for r in rows[1:])


def test_the_student_page_says_what_is_planned_instead_of_non_conforme(school_a: School) -> None:
    with time_machine.travel(datetime(2026, 12, 4, 10, tzinfo=UTC), tick=False):
        page = (
            client_for(school_a.ddfpt)
            .get(reverse("students:detail", args=[school_a.student.pk]))
            .content.decode()
        )
    assert "data-verdict-ahead" in page and "Stage à venir" in page
    assert "Ce qui est prévu, et ce qui est dû quand" in page
    assert "À ce jour : non conforme" in page
