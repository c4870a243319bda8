"""The alerts list the active periods of signed stages that have no planned or done visit and
have not ended; "today" is pinned inside `STAGE` (31/05/2027 – 09/07/2027) unless said."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import ConventionPeriod
from milieu.visits.operations import cancel_visit, plan_visit, record_visit_report
from tests.visits.conftest import (
    School,
    another_student_convention,
    client_for,
    convention_for,
    on_visit_day,
    period_of,
    plan,
)

URL = reverse("visits:alerts")
TODAY = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
SPRING = (date(2027, 3, 1), date(2027, 3, 26))
SUMMER = (date(2027, 6, 7), date(2027, 7, 2))


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


def alerted(user: Any) -> list[int]:
    """The periods listed for `user`."""
    response = client_for(user).get(URL)
    assert response.status_code == 200
    return [row["period"].pk for row in response.context["rows"]]


@pytest.mark.parametrize("status", [ConventionStatus.SIGNED, ConventionStatus.IN_PROGRESS])
def test_a_signed_stage_without_a_planned_visit_is_alerted(school_a: School, status: str) -> None:
    convention = convention_for(school_a, status=status)
    period = period_of(convention)
    assert alerted(school_a.teacher) == [period.pk]
    page = client_for(school_a.teacher).get(URL).content.decode()
    assert reverse("visits:plan", kwargs={"pk": convention.pk}) + f"?periode={period.pk}" in page
    assert reverse("visits:convention", kwargs={"pk": convention.pk}) in page
    assert "du 31/05/2027 au 09/07/2027" in page


@pytest.mark.parametrize(
    "status",
    [
        ConventionStatus.DRAFT,
        ConventionStatus.SIGNING,
        ConventionStatus.FINISHED,
        ConventionStatus.CANCELLED,
    ],
)
def test_conventions_not_yet_signed_or_over_are_not_alerted(school_a: School, status: str) -> None:
    convention_for(school_a, status=status)
    assert alerted(school_a.head) == []


def test_a_planned_visit_clears_the_alert_of_its_period(school_a: School) -> None:
    convention = convention_for(school_a)
    visit = plan(convention, school_a.head, teacher=school_a.teacher)
    assert alerted(school_a.head) == []
    cancel_visit(visit, by=school_a.head, reason="Reportée.")
    assert alerted(school_a.head) == [period_of(convention).pk]


def test_a_done_visit_keeps_its_period_off_the_list(school_a: School) -> None:
    convention = convention_for(school_a)
    visit = plan(convention, school_a.head, teacher=school_a.teacher)
    with on_visit_day(visit):
        record_visit_report(visit, by=school_a.teacher, seen="Vu.", difficulties="", actions="")
    assert alerted(school_a.head) == []


def test_with_two_periods_only_the_one_without_a_visit_is_listed(school_a: School) -> None:
    convention = convention_for(school_a, periods=[SUMMER, (date(2027, 9, 6), date(2027, 10, 1))])
    summer, autumn = convention.active_periods()
    assert alerted(school_a.head) == [summer.pk, autumn.pk]

    plan_visit(
        convention,
        by=school_a.head,
        teacher=school_a.teacher,
        period=summer,
        when=datetime(2027, 6, 15, 8, 0, tzinfo=UTC),
    )
    assert alerted(school_a.head) == [autumn.pk]
    response = client_for(school_a.head).get(URL)
    [row] = response.context["rows"]
    assert (row["convention"], row["period"]) == (convention, autumn)
    assert f"?periode={autumn.pk}" in response.content.decode()
    assert f"?periode={summer.pk}" not in response.content.decode()


def test_a_period_is_listed_until_its_last_day(school_a: School) -> None:
    convention = convention_for(school_a, periods=[SPRING, (date(2027, 5, 3), date(2027, 6, 1))])
    _spring, may = convention.active_periods()
    assert alerted(school_a.head) == [may.pk]  # ends today; spring ended in March
    with time_machine.travel(datetime(2027, 6, 2, 9, 0, tzinfo=UTC), tick=False):
        assert alerted(school_a.head) == []


def test_a_period_replaced_by_an_avenant_no_longer_counts(school_a: School) -> None:
    convention = convention_for(school_a, periods=[SUMMER])
    old = period_of(convention)
    plan(
        convention,
        school_a.head,
        teacher=school_a.teacher,
        when=datetime(2027, 6, 8, 8, 0, tzinfo=UTC),
    )
    # the avenant moves the stage: the old period goes out of force, its visit with it
    ConventionPeriod.objects.filter(pk=old.pk).update(active=False)
    new = ConventionPeriod.objects.create(
        convention=convention,
        student=convention.student,
        start=date(2027, 6, 14),
        end=date(2027, 7, 9),
    )
    assert alerted(school_a.head) == [new.pk]


def test_each_user_sees_the_alerts_of_their_visible_students(
    school_a: School, school_b: School, rectorat: Any
) -> None:
    a = period_of(convention_for(school_a))
    b = period_of(convention_for(school_b))
    assert alerted(school_a.teacher) == [a.pk]
    assert alerted(school_a.other_teacher) == []  # not in charge of the cohort
    assert alerted(school_b.ddfpt) == [b.pk]
    assert sorted(alerted(rectorat)) == sorted([a.pk, b.pk])


def test_the_secretariat_sees_the_alerts_without_the_plan_button(school_a: School) -> None:
    convention_for(school_a)
    response = client_for(school_a.secretary).get(URL)
    assert [row["may_plan"] for row in response.context["rows"]] == [False]
    assert "Planifier une visite" not in response.content.decode()


def test_students_are_refused(school_a: School) -> None:
    assert client_for(school_a.student_user).get(URL).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client: Client) -> None:
    assert client.get(URL)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["teacher", "head"])
def test_the_number_of_queries_does_not_grow_with_the_periods(school_a: School, role: str) -> None:
    two_periods = [SUMMER, (date(2027, 9, 6), date(2027, 10, 1))]
    another_student_convention(school_a, periods=two_periods)
    client = client_for(getattr(school_a, role))
    with CaptureQueriesContext(connection) as once:
        assert len(client.get(URL).context["rows"]) == 2
    for _ in range(9):
        another_student_convention(school_a, periods=two_periods)
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get(URL).context["rows"]) == 20
    assert len(ten) == len(once)
