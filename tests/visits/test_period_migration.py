"""Migrations 0004–0006: visits planned before they had a period are given one, then the period
becomes required. Runs the real migrations back and forth (a transactional test)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import ConventionPeriod
from milieu.factories import StudentFactory
from milieu.visits.models import Visit
from tests.core.conftest import make_school
from tests.visits.conftest import convention_for

SPRING = (date(2027, 3, 1), date(2027, 3, 26))
SUMMER = (date(2027, 6, 7), date(2027, 7, 2))
BEFORE = [("visits", "0004_visit_period")]
AFTER = [("visits", "0006_visit_period_required")]

choose_period = importlib.import_module(
    "milieu.visits.migrations.0005_backfill_visit_period"
).choose_period


def migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate to `targets`; the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_afterwards(transactional_db: None) -> Iterator[None]:
    """The test stops at 0006: the later migrations are applied again after it, for the tests
    that follow in the same process (in parallel runs they may be any)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_old_visits_get_the_period_of_their_day_else_the_nearest(academie: Any) -> None:
    school = make_school(academie, "M")
    convention = convention_for(school, periods=[SPRING, SUMMER])
    spring, summer = convention.active_periods()
    # an avenant replaced the first days of summer: the old period stays, out of force
    ConventionPeriod.objects.filter(pk=summer.pk).update(start=date(2027, 6, 14))
    replaced = ConventionPeriod.objects.create(
        convention=convention,
        student=convention.student,
        start=date(2027, 6, 7),
        end=date(2027, 7, 2),
        active=False,
    )
    cancelled = convention_for(
        school,
        student=StudentFactory.create(cohort=school.cohort),
        periods=[SUMMER],
        status=ConventionStatus.CANCELLED,  # its periods are out of force
    )

    def old_visit(conv: Any, when: datetime) -> int:
        visit = Visit.objects.create(
            convention=conv,
            period=conv.periods.first(),  # whatever: emptied below
            teacher=school.teacher,
            planned_by=school.head,
            planned_at=when,
        )
        return visit.pk

    expected = {
        old_visit(convention, datetime(2027, 6, 20, 8, 0, tzinfo=UTC)): summer.pk,
        # 00:30 on 01/03 in Paris, still 28/02 in UTC: the local day counts
        old_visit(convention, datetime(2027, 2, 28, 23, 30, tzinfo=UTC)): spring.pk,
        # between the periods: the nearest one (spring ended 6 days before)
        old_visit(convention, datetime(2027, 4, 1, 8, 0, tzinfo=UTC)): spring.pk,
        # in the replaced days: the active period, nearest, rather than the replaced one
        old_visit(convention, datetime(2027, 6, 8, 8, 0, tzinfo=UTC)): summer.pk,
        # a cancelled convention has no active period: the nearest of its periods
        old_visit(cancelled, datetime(2027, 9, 1, 8, 0, tzinfo=UTC)): period_pk(cancelled),
    }

    try:
        old_apps = migrate(BEFORE)
        OldVisit = old_apps.get_model("visits", "Visit")
        OldVisit.objects.update(period=None)
        assert OldVisit.objects.filter(period__isnull=True).count() == len(expected)
    finally:
        migrate(AFTER)

    assert dict(Visit.objects.values_list("pk", "period_id")) == expected
    assert replaced.visits.count() == 0
    assert not Visit._meta.get_field("period").null


def period_pk(convention: Any) -> int:
    return int(convention.periods.get().pk)


def test_choosing_the_period_of_a_day() -> None:
    spring = (1, *SPRING, True)
    summer = (2, *SUMMER, True)
    old_summer = (3, *SUMMER, False)
    assert choose_period(date(2027, 6, 7), [spring, summer]) == 2  # first day included
    assert choose_period(date(2027, 7, 2), [spring, summer]) == 2  # last day included
    assert choose_period(date(2027, 2, 1), [spring, summer]) == 1
    assert choose_period(date(2027, 8, 1), [spring, summer]) == 2
    assert choose_period(date(2027, 6, 10), [spring, old_summer]) == 1  # active first
    assert choose_period(date(2027, 6, 10), [(4, *SPRING, False), old_summer]) == 3
    assert choose_period(date(2027, 6, 10), []) is None
