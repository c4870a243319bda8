"""/conventions/: the conventions the user sees, filtered by state, in a fixed number of queries."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milieu.conventions.operations import submit_convention
from milieu.factories import StudentFactory
from tests.conventions.conftest import School, draft
from tests.conventions.payloads import client_for

URL = reverse("conventions:list")


def shown(response: Any) -> set[int]:
    return {c.pk for c in response.context["page"]}


def several(school: School, n: int, start: int = 0) -> list[Any]:
    """`n` drafts for `n` new students of the school's cohort, each with two periods."""
    made = []
    for i in range(start, start + n):
        school.student = StudentFactory.create(cohort=school.cohort)
        first = date(2027, 1, 4) + timedelta(weeks=i % 20)
        made.append(
            draft(
                school,
                periods=[
                    (first, first + timedelta(days=11)),
                    (date(2027, 11, 8), date(2027, 11, 19)),
                ],
            )
        )
    return made


def test_the_staff_see_their_schools_conventions_only(school_a: School, school_b: School) -> None:
    mine = draft(school_a)
    theirs = draft(school_b)

    response = client_for(school_a.secretary).get(URL)

    assert shown(response) == {mine.pk}
    assert theirs.pk not in shown(client_for(school_a.head).get(URL))
    assert shown(client_for(school_b.head).get(URL)) == {theirs.pk}


def test_a_student_sees_their_own_conventions(school_a: School) -> None:
    mine = draft(school_a)
    school_a.student = StudentFactory.create(cohort=school_a.cohort)
    draft(school_a)

    assert shown(client_for(school_a.student_user).get(URL)) == {mine.pk}


def test_a_teacher_sees_the_conventions_of_the_cohorts_in_their_charge(school_a: School) -> None:
    convention = draft(school_a)

    assert shown(client_for(school_a.teacher).get(URL)) == {convention.pk}
    assert shown(client_for(school_a.other_teacher).get(URL)) == set()


def test_the_rectorat_sees_its_academie(
    school_a: School, rectorat: Any, other_rectorat: Any
) -> None:
    convention = draft(school_a)

    assert shown(client_for(rectorat).get(URL)) == {convention.pk}
    assert shown(client_for(other_rectorat).get(URL)) == set()


def test_the_filter_keeps_one_state_and_counts_each(school_a: School) -> None:
    drafts = several(school_a, 3)
    submit_convention(drafts[0], by=school_a.teacher)

    response = client_for(school_a.head).get(URL, {"etat": "submitted"})

    assert shown(response) == {drafts[0].pk}
    html = response.content.decode()
    assert "Toutes (3)" in html
    assert "Brouillon (2)" in html
    assert '<option value="submitted" selected>' in html


def test_an_unknown_state_shows_everything(school_a: School) -> None:
    several(school_a, 2)

    response = client_for(school_a.head).get(URL, {"etat": "n-importe"})

    assert len(shown(response)) == 2
    assert response.context["status"] == ""


def test_the_rows_show_student_host_periods_and_state(school_a: School) -> None:
    convention = draft(school_a)

    html = client_for(school_a.head).get(URL).content.decode()

    row = html.split(f'data-convention="{convention.pk}"')[1].split("</tr>")[0]
    assert str(school_a.student) in row
    assert "31/05/2027 – 09/07/2027" in row
    assert "Brouillon" in row


def test_anonymous_users_are_sent_to_the_login_page(client: Client) -> None:
    assert client.get(URL)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["head", "teacher"])
def test_the_number_of_queries_does_not_grow_with_the_conventions(
    school_a: School, role: str
) -> None:
    def count() -> tuple[int, int]:
        client = client_for(getattr(school_a, role))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        return len(queries), len(shown(response))

    several(school_a, 2)
    once, rows = count()
    several(school_a, 10, start=2)
    again, more = count()

    assert (rows, more) == (2, 12)
    assert again == once


# --- issue 13 §16: the cohort filter, kept in the URL with the state --------------------------


def test_the_cohort_filter_keeps_one_cohort_and_the_state_together(school_a: School) -> None:
    from milieu.establishments.models import Cohort
    from tests.conventions.conftest import draft as make

    ciel = several(school_a, 2)
    submit_convention(ciel[0], by=school_a.teacher)
    mm_cohort: Cohort = school_a.other_cohort
    mm = make(
        dataclasses.replace(
            school_a, student=StudentFactory.create(cohort=mm_cohort), teacher=school_a.ddfpt
        )
    )
    client = client_for(school_a.ddfpt)

    by_cohort = client.get(URL, {"promotion": mm_cohort.pk})
    both = client.get(URL, {"promotion": school_a.cohort.pk, "etat": "submitted"})

    assert shown(by_cohort) == {mm.pk}
    assert shown(both) == {ciel[0].pk}
    html = both.content.decode()
    assert f'<option value="{school_a.cohort.pk}" selected>' in html
    assert '<option value="submitted" selected>' in html
    # the state counts follow the cohort chosen
    assert dict((v, n) for v, _, n in by_cohort.context["filters"])["draft"] == 1


def test_a_cohort_one_does_not_see_is_ignored(school_a: School, school_b: School) -> None:
    mine = several(school_a, 1)
    several(school_b, 1)

    response = client_for(school_a.ddfpt).get(URL, {"promotion": school_b.cohort.pk})

    assert shown(response) == {mine[0].pk}
    assert response.context["cohort"] == ""
    assert f'value="{school_b.cohort.pk}"' not in response.content.decode()


def test_the_pages_keep_the_filters(school_a: School) -> None:
    from milieu.conventions import page_views

    several(school_a, 3)
    page_views.PAGE_SIZE, size = 2, page_views.PAGE_SIZE
    try:
        html = (
            client_for(school_a.ddfpt)
            .get(URL, {"promotion": school_a.cohort.pk, "etat": "draft"})
            .content.decode()
        )
    finally:
        page_views.PAGE_SIZE = size
    assert f"promotion={school_a.cohort.pk}&amp;etat=draft&amp;page=2" in html
