from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.factories import ConventionFactory, HostFactory, StudentFactory
from milieu.visits.models import Visit
from milieu.visits.operations import plan_visit
from tests.core.conftest import (  # noqa: F401  (fixtures re-exported)
    School,
    academie,
    make_school,
    other_rectorat,
    rectorat,
    school_a,
    school_b,
)

WHEN = datetime(2027, 6, 10, 8, 30, tzinfo=UTC)
STAGE = (date(2027, 5, 31), date(2027, 7, 9))  # contains WHEN


def convention_for(
    school: School,
    *,
    student: Any = None,
    status: str = ConventionStatus.SIGNED,
    periods: list[tuple[date, date]] | None = None,
) -> Convention:
    """A convention of the school's student (or of `student`), over `periods` (`STAGE` by
    default), in `status` (the factory's trait for it)."""
    return ConventionFactory.in_status(
        status,
        student=student or school.student,
        host=HostFactory.create(name="Atelier Dubois", city="Colmar", address="3 rue des Lilas"),
        periods=periods or [STAGE],
        created_by=school.teacher,
        referent=school.teacher,
    )


def another_student_convention(school: School, **kwargs: Any) -> Convention:
    return convention_for(school, student=StudentFactory.create(cohort=school.cohort), **kwargs)


def period_of(convention: Convention) -> ConventionPeriod:
    """The convention's only active period."""
    return convention.periods.get(active=True)


def plan(convention: Convention, by: Any, *, when: datetime = WHEN, teacher: Any = None) -> Visit:
    """`plan_visit` during the convention's only active period; the visitor is `by` unless
    `teacher` is given."""
    return plan_visit(
        convention,
        by=by,
        teacher=teacher or by,
        period=period_of(convention),
        when=when,
    )


def visit_for(school: School, *, when: datetime = WHEN) -> Visit:
    """A visit to the school's student's convention, whose period (`STAGE`, else four weeks
    around `when`) contains `when`; a further call takes another student (one student's
    conventions never overlap: PostgreSQL refuses it)."""
    taken = Convention.objects.filter(student=school.student).exists()
    student = StudentFactory.create(cohort=school.cohort) if taken else school.student
    day = timezone.localtime(when).date()
    stage = STAGE if STAGE[0] <= day <= STAGE[1] else (day - timedelta(14), day + timedelta(14))
    convention = convention_for(school, student=student, periods=[stage])
    return plan(convention, school.teacher, when=when)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def visit(school_a: School) -> Visit:  # noqa: F811
    return visit_for(school_a)


def on_visit_day(visit: Visit) -> Any:
    """Time moved to the visit's day: a report is written on or after it (issue 13 §6)."""
    import time_machine

    return time_machine.travel(visit.planned_at + timedelta(hours=2), tick=False)
