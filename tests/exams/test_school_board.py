"""The establishment board: the head's and the DDFPT's view of their establishment's stored
verdicts (the académie board's code, `milieu.exams.board`, scoped to their schools), and the
« Stage à venir » outlook both boards show as the student page does."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milieu.exams.board import PAGE_SIZE
from milieu.exams.verdicts import refresh_verdicts
from milieu.factories import StudentFactory
from milieu.students.models import Student
from tests.exams.conftest import School, ccst_student, client_for
from tests.exams.test_dossier import certified_stage

AFTER = date(2028, 9, 1)
BOARD = reverse("exams:school_board")


def refreshed(as_of: date = AFTER) -> None:
    refresh_verdicts(Student.objects.all(), as_of)


def shown(response: Any) -> set[int]:
    text = response.content.decode()
    return {int(part.split('"')[0]) for part in text.split('data-student="')[1:]}


def test_the_head_and_the_ddfpt_see_their_establishment_only_each_row_linking_to_the_student(
    school_a: School, school_b: School
) -> None:
    refreshed()
    for user in (school_a.head, school_a.ddfpt):
        response = client_for(user).get(BOARD)
        assert response.status_code == 200
        assert school_a.student.pk in shown(response)
        assert school_b.student.pk not in shown(response)
        text = response.content.decode()
        assert "Tableau de l’établissement" in text
        assert reverse("students:detail", args=[school_a.student.pk]) in text
    # another school's establishment as a filter is ignored, never shown
    response = client_for(school_a.head).get(BOARD, {"establishment": school_b.establishment.pk})
    assert school_b.student.pk not in shown(response)
    assert "établissement" in response.content.decode().split("data-ignored")[1][:300]


def test_teachers_secretaries_students_and_the_rectorat_may_not_open_it(
    school_a: School, rectorat: Any
) -> None:
    for user in (school_a.teacher, school_a.secretary, school_a.student_user, rectorat):
        assert client_for(user).get(BOARD).status_code == 403
        assert (
            client_for(user).get(reverse("exams:school_board_export", args=["csv"])).status_code
            == 403
        )


def test_filters_counts_and_search_work_as_on_the_academie_board(school_a: School) -> None:
    short = ccst_student(school_a, last_name="Courtecuisse")
    certified_stage(short, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    refreshed()
    client = client_for(school_a.ddfpt)

    def get(**params: Any) -> set[int]:
        return shown(client.get(BOARD, {"session": 2028, **params}))

    assert get(diploma="bts-ccst") == {short.pk}
    assert short.pk in get(status="non-compliant") and short.pk not in get(status="compliant")
    assert short.pk in get(code="DURATION_BELOW_MINIMUM")
    assert get(q="courtecu") == {short.pk} and get(q=short.ine) == {short.pk}
    text = client.get(BOARD, {"diploma": "bts-ccst"}).content.decode()
    assert "Non conforme : 1" in text and "Conforme : 0" in text


def test_the_exports_hold_the_establishment_s_candidates_only(
    school_a: School, school_b: School
) -> None:
    refreshed()
    client = client_for(school_a.head)
    response = client.get(reverse("exams:school_board_export", args=["csv"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    ines = {row[3] for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]}
    assert school_a.student.ine in ines and school_b.student.ine not in ines
    xlsx = client.get(reverse("exams:school_board_export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('.xlsx"')
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]
    page = client.get(BOARD).content.decode()
    assert reverse("exams:school_board_export", args=["csv"]) in page


def test_the_establishment_board_costs_the_same_queries_whatever_the_number_of_candidates(
    school_a: School,
) -> None:
    client = client_for(school_a.head)

    def queries(extra: int) -> int:
        StudentFactory.create_batch(extra, cohort=school_a.cohort)
        refreshed()
        client.get(BOARD)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(BOARD, {"session": 2028}).status_code == 200
        return len(captured)

    assert queries(2) == queries(PAGE_SIZE + 10)


@time_machine.travel(date(2027, 1, 11), tick=False)
def test_both_boards_say_stage_a_venir_while_the_cohort_s_pfmp_is_to_come(
    school_a: School, rectorat: Any
) -> None:
    """As the student page (`checked_dossier`): a candidate who owes a stage and whose cohort
    has a PFMP window to come shows « Stage à venir » with the verdict of the day beside it."""
    refreshed(date(2027, 1, 11))  # school A's PFMP 1 runs from 31 May 2027
    for client, url in (
        (client_for(rectorat), reverse("exams:board")),
        (client_for(school_a.head), BOARD),
    ):
        text = client.get(url).content.decode()
        row = text.split(f'data-student="{school_a.student.pk}"')[1].split("</tr>")[0]
        assert "Stage à venir" in row and "À ce jour" in row
    student_page = client_for(school_a.head).get(
        reverse("students:detail", args=[school_a.student.pk])
    )
    assert "Stage à venir" in student_page.content.decode()
    # once the window is over, the board shows the engine's verdict alone
    school_a.period.start, school_a.period.end = date(2026, 11, 2), date(2026, 12, 18)
    school_a.period.save()
    text = client_for(rectorat).get(reverse("exams:board")).content.decode()
    row = text.split(f'data-student="{school_a.student.pk}"')[1].split("</tr>")[0]
    assert "Stage à venir" not in row


def test_the_dashboard_links_the_head_to_the_establishment_board_and_not_the_teacher(
    school_a: School,
) -> None:
    head = client_for(school_a.head).get(reverse("dashboard")).content.decode()
    assert reverse("exams:school_board") in head
    teacher = client_for(school_a.teacher).get(reverse("dashboard")).content.decode()
    assert reverse("exams:school_board") not in teacher


def test_the_board_speaks_to_the_head_without_a_shell_command_or_a_redundant_column(
    school_a: School, rectorat: Any
) -> None:
    """Walked in Chromium: the head read « (milieu eligibility refresh) » and a column repeating
    their own establishment on every row."""
    refreshed()
    text = client_for(school_a.head).get(BOARD).content.decode()
    assert "milieu eligibility refresh" not in text
    assert '<th scope="col">Établissement</th>' not in text
    assert "chaque jour pour tous" in text
    academie = client_for(rectorat).get(reverse("exams:board")).content.decode()
    assert '<th scope="col">Établissement</th>' in academie
    assert "milieu eligibility refresh" not in academie


def test_no_required_minimum_is_shown_blank_not_as_au_moins_0() -> None:
    from milieu.exams.exports import required_weeks
    from milieu.exams.models import StoredVerdict

    assert required_weeks(StoredVerdict(weeks_min=0.0, weeks_max=None)) == ""
    assert required_weeks(StoredVerdict(weeks_min=12.0, weeks_max=None)) == "au moins 12"
    assert required_weeks(StoredVerdict(weeks_min=6.0, weeks_max=8.0)) == "6 à 8"
