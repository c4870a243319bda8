"""Tableau de bord: one section per thing the user's memberships open, constant queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from milieu.factories import HostFactory, PlacementFactory, UserFactory
from milieu.hosts.enums import PlacementStatus
from tests.school.conftest import School, client_for, grow

URL = reverse("dashboard")
BEFORE_PFMP = datetime(2027, 3, 1, 9, tzinfo=UTC)


def test_anonymous_users_are_sent_to_the_login_page(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["head", "ddfpt", "secretary"])
def test_managers_see_their_cohorts_with_counts(
    school_a: School, school_b: School, role: str
) -> None:
    PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.PROPOSED
    )

    with time_machine.travel(BEFORE_PFMP, tick=False):
        response = client_for(getattr(school_a, role)).get(URL)

    html = response.content.decode()
    section = response.context["board"].managed[0]
    assert section.establishment == school_a.establishment
    counts = {c.cohort: c for c in section.cohorts}
    assert set(counts) == {school_a.cohort, school_a.other_cohort}
    assert counts[school_a.cohort].students == 1
    assert counts[school_a.cohort].without_host == 1
    assert counts[school_a.cohort].to_validate == 1
    assert counts[school_a.cohort].to_arrete == 0
    assert "Lycée A" in html
    assert "BTS CIEL B" not in html


def test_a_validated_host_takes_the_student_off_the_without_host_count(school_a: School) -> None:
    PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.VALIDATED
    )

    with time_machine.travel(BEFORE_PFMP, tick=False):
        board = client_for(school_a.head).get(URL).context["board"]

    counts = {c.cohort: c for c in board.managed[0].cohorts}[school_a.cohort]
    assert (counts.without_host, counts.to_validate, counts.to_arrete) == (0, 0, 1)


def test_a_teacher_sees_their_cohorts_and_the_choices_waiting_for_them(school_a: School) -> None:
    placement = PlacementFactory.create(student=school_a.student, cohort_period=school_a.period)

    response = client_for(school_a.teacher).get(URL)

    board = response.context["board"]
    assert board.managed == []
    assert [c.cohort for c in board.taught] == [school_a.cohort]
    assert board.to_validate == [placement]
    assert reverse("students:detail", args=[school_a.student.pk]) in response.content.decode()


def test_another_teacher_has_nothing_to_validate_for_a_cohort_they_do_not_teach(
    school_a: School,
) -> None:
    PlacementFactory.create(student=school_a.student, cohort_period=school_a.period)

    board = client_for(school_a.other_teacher).get(URL).context["board"]

    assert [c.cohort for c in board.taught] == [school_a.other_cohort]
    assert board.to_validate == []


def test_a_student_sees_their_own_file_and_may_propose_a_host(school_a: School) -> None:
    host = HostFactory.create(name="Atelier Dupont")
    PlacementFactory.create(student=school_a.student, cohort_period=school_a.period, host=host)

    response = client_for(school_a.student_user).get(URL)

    html = response.content.decode()
    board = response.context["board"]
    assert [f.student for f in board.own] == [school_a.student]
    assert board.managed == board.taught == board.academies == []
    assert "Atelier Dupont" in html
    assert f'href="{reverse("students:propose", args=[school_a.student.pk])}"' in html


def test_the_rectorat_sees_the_establishments_of_its_academie(
    school_a: School, school_b: School, rectorat: Any, other_rectorat: Any
) -> None:
    board = client_for(rectorat).get(URL).context["board"]

    rows = {r.establishment: r for r in board.academies[0].establishments}
    assert set(rows) == {school_a.establishment, school_b.establishment}
    assert (rows[school_a.establishment].cohorts, rows[school_a.establishment].students) == (2, 1)
    assert client_for(other_rectorat).get(URL).context["board"].academies[0].establishments == []


def test_an_account_without_any_role_is_told_whom_to_ask(db: None) -> None:
    html = client_for(UserFactory.create()).get(URL).content.decode()

    assert "Aucun rôle ne vous est encore attribué" in html


@pytest.mark.parametrize("role", ["head", "teacher", "student_user", "rectorat"])
def test_the_number_of_queries_does_not_grow_with_the_data(
    school_a: School,
    rectorat: Any,
    role: str,
    count_queries: Callable[[Client, str], int],
    django_assert_num_queries: Any,
) -> None:
    user = rectorat if role == "rectorat" else getattr(school_a, role)
    grow(school_a, 1)
    once = count_queries(client_for(user), URL)

    grow(school_a, 9)
    client = client_for(user)
    with django_assert_num_queries(once):
        client.get(URL)


def test_the_managers_dashboard_links_to_the_student_import(school_a: School) -> None:
    """Issue 13 §4: the dashboard offers the student import to those who may import."""
    target = reverse("imports:students", args=[school_a.establishment.pk])
    for role in ("ddfpt", "head"):
        page = client_for(getattr(school_a, role)).get(reverse("dashboard")).content.decode()
        assert f'href="{target}" data-import-students' in page, role


def test_a_teacher_reaches_their_visit_calendar_and_the_alerts_from_the_dashboard(
    school_a: School,
) -> None:
    """Walked in Chromium: no page linked to « Mon calendrier de visites »."""
    client = client_for(school_a.teacher)
    page = client.get(URL).content.decode()
    for name, marker in (("visits:calendar", "data-visits-calendar"), ("visits:alerts", "")):
        url = reverse(name)
        assert f'href="{url}"' in page and marker in page
        assert client.get(url).status_code == 200
