from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milieu.conventions.enums import ConventionStatus
from milieu.visits.operations import cancel_visit, plan_visit, record_visit_report
from tests.visits.conftest import (
    WHEN,
    School,
    another_student_convention,
    client_for,
    convention_for,
)

URL = reverse("visits:alerts")


def alerted(user: Any) -> list[int]:
    response = client_for(user).get(URL)
    assert response.status_code == 200
    return [row["convention"].pk for row in response.context["rows"]]


@pytest.mark.parametrize("status", [ConventionStatus.SIGNED, ConventionStatus.IN_PROGRESS])
def test_a_signed_stage_without_a_planned_visit_is_alerted(school_a: School, status: str) -> None:
    convention = convention_for(school_a, status=status)
    assert alerted(school_a.teacher) == [convention.pk]
    page = client_for(school_a.teacher).get(URL).content.decode()
    assert reverse("visits:plan", kwargs={"pk": convention.pk}) in page


@pytest.mark.parametrize(
    "status", [ConventionStatus.DRAFT, ConventionStatus.SIGNING, ConventionStatus.FINISHED]
)
def test_conventions_not_yet_signed_or_over_are_not_alerted(school_a: School, status: str) -> None:
    convention_for(school_a, status=status)
    assert alerted(school_a.head) == []


def test_a_planned_visit_clears_the_alert(school_a: School) -> None:
    convention = convention_for(school_a)
    visit = plan_visit(convention, by=school_a.head, teacher=school_a.teacher, when=WHEN)
    assert alerted(school_a.head) == []
    cancel_visit(visit, by=school_a.head, reason="Reportée.")
    assert alerted(school_a.head) == [convention.pk]


def test_once_the_visit_took_place_the_next_one_is_awaited(school_a: School) -> None:
    convention = convention_for(school_a)
    visit = plan_visit(convention, by=school_a.head, teacher=school_a.teacher, when=WHEN)
    record_visit_report(visit, by=school_a.teacher, seen="Vu.", difficulties="", actions="")
    assert alerted(school_a.head) == [convention.pk]


def test_each_user_sees_the_alerts_of_their_visible_students(
    school_a: School, school_b: School, rectorat: Any
) -> None:
    a = convention_for(school_a)
    b = convention_for(school_b)
    assert alerted(school_a.teacher) == [a.pk]
    assert alerted(school_a.other_teacher) == []  # not in charge of the cohort
    assert alerted(school_b.ddfpt) == [b.pk]
    assert sorted(alerted(rectorat)) == sorted([a.pk, b.pk])


def test_the_secretariat_sees_the_alerts_without_the_plan_button(school_a: School) -> None:
    convention_for(school_a)
    response = client_for(school_a.secretary).get(URL)
    assert [row["may_plan"] for row in response.context["rows"]] == [False]


def test_students_are_refused(school_a: School) -> None:
    assert client_for(school_a.student_user).get(URL).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client: Client) -> None:
    assert client.get(URL)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["teacher", "head"])
def test_the_number_of_queries_does_not_grow_with_the_conventions(
    school_a: School, role: str
) -> None:
    another_student_convention(school_a)
    client = client_for(getattr(school_a, role))
    with CaptureQueriesContext(connection) as once:
        assert len(client.get(URL).context["rows"]) == 1
    for _ in range(9):
        another_student_convention(school_a)
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get(URL).context["rows"]) == 10
    assert len(ten) == len(once)
