"""Two schools of one académie, a rectorat and another académie's rectorat (tests/core), plus
helpers for the school screens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.core.conftest import (  # noqa: F401  (fixtures)
    School,
    academie,
    make_school,
    other_rectorat,
    rectorat,
    school_a,
    school_b,
)


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Login throttling lives in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def count_queries() -> Callable[[Client, str], int]:
    """How many queries one GET of `url` runs (the response must be a 200)."""

    def count(client: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    return count


def grow(school: School, times: int) -> None:
    """Add `times` × (a cohort taught by the school's teacher, with students, two periods and
    host choices in every state; and a student with a proposed host in the school's cohort)."""
    from datetime import date

    from milieu.factories import (
        CohortFactory,
        CohortPeriodFactory,
        HostFactory,
        PlacementFactory,
        StudentFactory,
    )
    from milieu.hosts.enums import PlacementStatus

    host = HostFactory.create()
    for _ in range(times):
        cohort = CohortFactory.create(establishment=school.establishment)
        cohort.teachers.add(school.teacher)
        first = CohortPeriodFactory.create(cohort=cohort)
        CohortPeriodFactory.create(
            cohort=cohort, label="PFMP 2", start=date(2027, 11, 8), end=date(2027, 12, 17)
        )
        for status in (
            PlacementStatus.PROPOSED,
            PlacementStatus.VALIDATED,
            PlacementStatus.ARRETE,
            PlacementStatus.REJECTED,
        ):
            PlacementFactory.create(
                student=StudentFactory.create(cohort=cohort),
                cohort_period=first,
                host=host,
                status=status,
            )
        StudentFactory.create(cohort=cohort, minor=True)
        PlacementFactory.create(
            student=StudentFactory.create(cohort=school.cohort),
            cohort_period=school.period,
            host=host,
        )
