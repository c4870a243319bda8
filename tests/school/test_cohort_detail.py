"""A cohort's page: its students (INE, pathway, minor today, host choice) and PFMP periods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from html import unescape
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from milieu.factories import CohortPeriodFactory, HostFactory, PlacementFactory, StudentFactory
from milieu.hosts.enums import PlacementStatus
from tests.school.conftest import School, client_for, grow


def url(school: School) -> str:
    return reverse("establishments:cohort_detail", args=[school.cohort.pk])


def row_of(html: str, student: Any) -> str:
    return unescape(html.split(f'data-student="{student.pk}"')[1].split("</tr>")[0])


def test_the_page_lists_students_with_their_host_choice_for_the_coming_period(
    school_a: School,
) -> None:
    minor = StudentFactory.create(
        cohort=school_a.cohort, birth_date=date(2009, 6, 1), last_name="Martin", apprentice=True
    )
    PlacementFactory.create(
        student=minor,
        cohort_period=school_a.period,
        host=HostFactory.create(name="Usinage Martin"),
        status=PlacementStatus.VALIDATED,
    )

    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC), tick=False):
        html = client_for(school_a.ddfpt).get(url(school_a)).content.decode()

    row = row_of(html, minor)
    assert minor.ine in row
    assert "Apprentissage" in row
    assert "<td>Oui</td>" in row
    assert "Validé par l'équipe pédagogique" in row
    assert "Usinage Martin" in row
    adult = row_of(html, school_a.student)
    assert "<td>Non</td>" in adult
    assert "Aucun organisme" in adult


def test_minority_is_judged_on_the_day_of_the_visit(school_a: School) -> None:
    student = StudentFactory.create(cohort=school_a.cohort, birth_date=date(2009, 6, 1))

    with time_machine.travel(datetime(2027, 6, 2, 9, tzinfo=UTC), tick=False):
        html = client_for(school_a.head).get(url(school_a)).content.decode()

    assert "<td>Non</td>" in row_of(html, student)


def test_the_periods_are_listed_with_the_coming_one_marked(school_a: School) -> None:
    CohortPeriodFactory.create(
        cohort=school_a.cohort, label="PFMP 0", start=date(2027, 1, 4), end=date(2027, 1, 29)
    )

    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC), tick=False):
        response = client_for(school_a.head).get(url(school_a))

    html = response.content.decode()
    assert response.context["period"] == school_a.period
    assert "PFMP 0" in html
    assert "terminée" in html
    assert "prochaine période" in html


def test_managers_get_the_edit_links_teachers_do_not(school_a: School) -> None:
    edit = reverse("establishments:cohort_edit", args=[school_a.cohort.pk])

    assert edit in client_for(school_a.secretary).get(url(school_a)).content.decode()
    teacher_page = client_for(school_a.teacher).get(url(school_a))
    assert teacher_page.status_code == 200
    assert edit not in teacher_page.content.decode()


def test_the_rectorat_reads_the_page(school_a: School, rectorat: Any) -> None:
    assert client_for(rectorat).get(url(school_a)).status_code == 200


def test_another_school_gets_a_404(school_a: School, school_b: School) -> None:
    assert client_for(school_b.head).get(url(school_a)).status_code == 404


def test_a_teacher_of_another_cohort_gets_a_404(school_a: School) -> None:
    assert client_for(school_a.other_teacher).get(url(school_a)).status_code == 404


def test_a_student_gets_a_404(school_a: School) -> None:
    assert client_for(school_a.student_user).get(url(school_a)).status_code == 404


def test_another_academie_gets_a_404(school_a: School, other_rectorat: Any) -> None:
    assert client_for(other_rectorat).get(url(school_a)).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(url(school_a))["Location"].startswith(reverse("login"))


def test_the_number_of_queries_does_not_grow_with_the_students(
    school_a: School, count_queries: Callable[[Client, str], int], django_assert_num_queries: Any
) -> None:
    grow(school_a, 1)
    once = count_queries(client_for(school_a.head), url(school_a))

    grow(school_a, 9)
    client = client_for(school_a.head)
    with django_assert_num_queries(once):
        assert len(client.get(url(school_a)).context["rows"]) == 11


def test_the_livret_attestations_are_offered_where_the_catalogue_asks_for_them(
    school_a: School,
) -> None:
    """Seed 000 §1 (BEP): "une attestation ... sera jointe au livret scolaire"; the flag is read
    from the catalogue (`livret_attestation`), never from the diploma id."""
    livret = reverse("livret:cohort", args=[school_a.cohort.pk])
    assert livret not in client_for(school_a.ddfpt).get(url(school_a)).content.decode()
    school_a.cohort.diploma = "bep-mpmi"
    school_a.cohort.save()
    assert livret in client_for(school_a.ddfpt).get(url(school_a)).content.decode()
    # the cohort's teachers print it too ("livret.export")
    teacher_page = client_for(school_a.teacher).get(url(school_a)).content.decode()
    assert livret in teacher_page


def test_those_who_may_import_find_the_student_import_from_the_cohort(school_a: School) -> None:
    """Issue 13 §4: the student import was reachable only by typing its URL."""
    target = reverse("imports:students", args=[school_a.establishment.pk])
    for role in ("ddfpt", "secretary", "head"):
        page = client_for(getattr(school_a, role)).get(url(school_a)).content.decode()
        assert f'href="{target}" data-import-students' in page, role
    page = client_for(school_a.teacher).get(url(school_a)).content.decode()
    assert "data-import-students" not in page
