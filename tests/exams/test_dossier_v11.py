"""Contract v1.1 fields the web application feeds: ``convention_signed_on`` of each signed
period (issue 11), the repeater's previous evaluation and contract."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milieu.conventions.enums import ConventionStatus, SignatoryRole, SignatureState
from milieu.conventions.models import Convention, ConventionTransition, Signatory
from milieu.exams.assembly import build_dossier
from milieu.factories import StudentFactory
from milieu.rules import evaluate
from tests.core.conftest import School
from tests.exams.conftest import ccst_student
from tests.exams.test_dossier import certified_stage

AFTER = date(2028, 9, 1)
START, END = date(2027, 1, 4), date(2027, 4, 23)


def signed_at(convention: Convention, day: date) -> None:
    """The convention's log says it became « Signée » on `day`."""
    with time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=UTC), tick=False):
        ConventionTransition.objects.create(
            convention=convention,
            from_status=ConventionStatus.SIGNING,
            to_status=ConventionStatus.SIGNED,
        )


def unlogged_stage(student: Any, by: Any, start: date, end: date) -> Convention:
    """`certified_stage` without the signature steps the factory logs (today) nor its
    signatories: each test writes the log it needs."""
    convention = certified_stage(student, by, start, end)
    ConventionTransition.objects.filter(
        convention=convention, to_status=ConventionStatus.SIGNED
    ).delete()
    Signatory.objects.filter(convention=convention).delete()
    return convention


def codes(student: Any) -> set[str]:
    verdict = evaluate(build_dossier(student, as_of=AFTER), today=AFTER)
    return {finding["code"] for finding in verdict["findings"]}


def test_a_convention_signed_before_its_period_gives_its_day_and_no_warning(
    school_a: School,
) -> None:
    """Issue 11 (« A convention fully signed after its period started gets a warning »): signed
    the week before, the period is in order."""
    student = ccst_student(school_a)
    signed_at(unlogged_stage(student, school_a.ddfpt, START, END), date(2026, 12, 28))
    (period,) = build_dossier(student, as_of=AFTER)["periods"]
    assert period["convention_signed_on"] == "2026-12-28"
    assert "CONVENTION_SIGNED_LATE" not in codes(student)


def test_a_convention_fully_signed_after_its_period_started_is_signed_late(
    school_a: School,
) -> None:
    """Seed 001 §2.1.2 / 002 §B.1: the convention is signed before the stage; one fully signed on
    the period's third day gives CONVENTION_SIGNED_LATE on the verdict (contract v1.1)."""
    student = ccst_student(school_a)
    convention = unlogged_stage(student, school_a.ddfpt, START, END)
    signed_at(convention, date(2027, 1, 6))
    signed_at(convention, date(2027, 3, 1))  # signed again after an avenant: the first one counts
    (period,) = build_dossier(student, as_of=AFTER)["periods"]
    assert period["convention_signed_on"] == "2027-01-06"
    assert "CONVENTION_SIGNED_LATE" in codes(student)


def test_without_the_step_in_its_log_the_last_signature_dates_the_convention(
    school_a: School,
) -> None:
    student = ccst_student(school_a)
    convention = unlogged_stage(student, school_a.ddfpt, START, END)
    for role, day in ((SignatoryRole.HOST, 2), (SignatoryRole.HEAD, 5)):
        Signatory.objects.create(
            convention=convention,
            version=1,
            role=role,
            name=f"Partie {day}",
            state=SignatureState.SIGNED,
            signed_at=datetime(2027, 1, day, 9, tzinfo=UTC),
        )
    (period,) = build_dossier(student, as_of=AFTER)["periods"]
    assert period["convention_signed_on"] == "2027-01-05"
    assert "CONVENTION_SIGNED_LATE" in codes(student)


def test_a_stage_without_signature_date_sends_none(school_a: School) -> None:
    student = ccst_student(school_a)
    unlogged_stage(student, school_a.ddfpt, START, END)
    (period,) = build_dossier(student, as_of=AFTER)["periods"]
    assert "convention_signed_on" not in period


def test_the_signature_days_cost_no_query_per_convention(school_a: School) -> None:
    one = ccst_student(school_a)
    three = StudentFactory.create(cohort=one.cohort)
    signed_at(unlogged_stage(one, school_a.ddfpt, START, END), date(2026, 12, 1))
    for start, end in (
        (date(2026, 10, 5), date(2026, 10, 30)),
        (START, END),
        (date(2027, 5, 3), date(2027, 5, 28)),
    ):
        signed_at(unlogged_stage(three, school_a.ddfpt, start, end), date(2026, 9, 1))
    counts = []
    for student in (one, three):
        student = type(student).objects.with_cohort().get(pk=student.pk)
        with CaptureQueriesContext(connection) as queries:
            build_dossier(student, as_of=AFTER)
        counts.append(len(queries))
    assert counts[0] == counts[1]
