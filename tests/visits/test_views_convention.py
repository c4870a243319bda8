"""A stage's visits page: its periods, each with its visits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.visits.operations import cancel_visit, plan_visit
from milieu.visits.queries import visits_by_period
from tests.visits.conftest import School, client_for, convention_for, period_of

SPRING = (date(2027, 3, 1), date(2027, 3, 26))
SUMMER = (date(2027, 6, 7), date(2027, 7, 2))


def url(convention: Convention) -> str:
    return reverse("visits:convention", kwargs={"pk": convention.pk})


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)


def test_the_visits_are_grouped_by_period(school_a: School) -> None:
    convention = convention_for(school_a, periods=[SPRING, SUMMER])
    spring, summer = convention.active_periods()
    first = plan_visit(
        convention,
        by=school_a.head,
        teacher=school_a.teacher,
        period=spring,
        when=at(date(2027, 3, 10)),
    )
    second = plan_visit(
        convention,
        by=school_a.head,
        teacher=school_a.teacher,
        period=spring,
        when=at(date(2027, 3, 3)),
    )
    cancel_visit(first, by=school_a.head, reason="Grève.")

    response = client_for(school_a.teacher).get(url(convention))

    assert response.status_code == 200
    groups = [(g["period"], [v.pk for v in g["visits"]]) for g in response.context["groups"]]
    assert groups == [(spring, [second.pk, first.pk]), (summer, [])]
    assert [g["visited"] for g in response.context["groups"]] == [True, False]
    page = response.content.decode()
    assert "Période du 01/03/2027 au 26/03/2027" in page
    assert "Aucune visite prévue" in page  # summer
    assert reverse("visits:detail", args=[first.pk]) in page
    plan_url = reverse("visits:plan", kwargs={"pk": convention.pk})
    assert f"{plan_url}?periode={summer.pk}" in page and f"{plan_url}?periode={spring.pk}" in page


def test_a_replaced_period_shows_only_when_it_had_visits(school_a: School) -> None:
    convention = convention_for(school_a, periods=[SPRING, SUMMER])
    spring, summer = convention.active_periods()
    plan_visit(
        convention,
        by=school_a.head,
        teacher=school_a.teacher,
        period=summer,
        when=at(date(2027, 6, 8)),
    )
    ConventionPeriod.objects.filter(pk__in=[spring.pk, summer.pk]).update(active=False)
    moved = ConventionPeriod.objects.create(
        convention=convention, student=convention.student, start=date(2027, 6, 14), end=SUMMER[1]
    )

    assert [(p, len(v)) for p, v in visits_by_period(convention)] == [(summer, 1), (moved, 0)]
    page = client_for(school_a.head).get(url(convention)).content.decode()
    assert "Remplacée par un avenant" in page
    assert f"?periode={summer.pk}" not in page and f"?periode={moved.pk}" in page


@pytest.mark.parametrize("role", ["secretary", "student_user"])
def test_who_may_not_plan_reads_without_the_button(school_a: School, role: str) -> None:
    convention = convention_for(school_a)
    response = client_for(getattr(school_a, role)).get(url(convention))
    assert response.status_code == 200
    assert "Planifier une visite" not in response.content.decode()


def test_a_convention_over_offers_no_planning(school_a: School) -> None:
    convention = convention_for(school_a, status=ConventionStatus.FINISHED)
    page = client_for(school_a.head).get(url(convention)).content.decode()
    assert "Période du 31/05/2027 au 09/07/2027" in page
    assert "Planifier une visite" not in page


def test_another_school_and_another_academie_get_a_404(
    school_a: School, school_b: School, other_rectorat: Any, rectorat: Any
) -> None:
    convention = convention_for(school_a)
    assert client_for(school_b.head).get(url(convention)).status_code == 404
    assert client_for(other_rectorat).get(url(convention)).status_code == 404
    assert client_for(rectorat).get(url(convention)).status_code == 200


def test_the_number_of_queries_does_not_grow_with_the_visits(school_a: School) -> None:
    convention = convention_for(school_a)
    period = period_of(convention)
    client = client_for(school_a.head)

    def add_visit() -> None:
        plan_visit(
            convention,
            by=school_a.head,
            teacher=school_a.teacher,
            period=period,
            when=at(date(2027, 6, 10)),
        )

    add_visit()
    with CaptureQueriesContext(connection) as once:
        assert len(client.get(url(convention)).context["groups"][0]["visits"]) == 1
    for _ in range(9):
        add_visit()
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get(url(convention)).context["groups"][0]["visits"]) == 10
    assert len(ten) == len(once)
