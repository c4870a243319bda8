"""A school in the middle of the year for the browser walks of each role's day (issue 13,
"Done means"): conventions at every step of the queues, built through the operations."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from milieu.conventions.models import Convention, SignatureLink
from milieu.conventions.operations import (
    approve_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import send_for_signature
from milieu.establishments.models import CohortPeriod
from milieu.factories import CohortPeriodFactory, StudentFactory, member
from milieu.people.enums import Role
from tests.conventions.conftest import draft
from tests.core.conftest import School

PERIOD_1 = (date(2027, 5, 31), date(2027, 7, 9))


def new_student(school: School, *, cohort: Any = None, account: str = "") -> Any:
    user = (
        member(Role.STUDENT, establishment=school.establishment, email=account) if account else None
    )
    return StudentFactory.create(cohort=cohort or school.cohort, user=user)


def convention_for(school: School, student: Any, *, by: Any = None) -> Convention:
    """A complete draft for `student`, drafted by `by` (the DDFPT by default), its referent the
    teacher of the student's cohort."""
    referent = school.teacher if student.cohort_id == school.cohort.pk else school.other_teacher
    drafter = dataclasses.replace(school, student=student, teacher=by or school.ddfpt)
    return draft(drafter, referent=referent, periods=[PERIOD_1])


def up_to(school: School, convention: Convention, step: str) -> Convention:
    """Take the convention from draft to `step`: submitted, validated, approved or signing.
    The DDFPT submits, the cohort's teacher validates (four eyes), the head approves."""
    teacher = (
        school.teacher if convention.student.cohort_id == school.cohort.pk else school.other_teacher
    )
    submit_convention(convention, by=school.ddfpt)
    if step == "submitted":
        return convention
    validate_convention(convention, by=teacher)
    if step == "validated":
        return convention
    approve_convention(convention, by=school.head)
    if step == "approved":
        return convention
    send_for_signature(convention, by=school.ddfpt)
    return convention


def age_links(convention: Convention, days: int) -> None:
    """The convention's signature links were sent `days` ago."""
    SignatureLink.objects.filter(signatory__convention=convention).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def mm_periods(school: School) -> tuple[CohortPeriod, CohortPeriod]:
    """Two PFMP periods for the school's BTS Métiers de la Mesure cohort."""
    first = CohortPeriodFactory.create(
        cohort=school.other_cohort, label="PFMP 1", start=PERIOD_1[0], end=PERIOD_1[1]
    )
    second = CohortPeriodFactory.create(
        cohort=school.other_cohort, label="PFMP 2", start=date(2027, 11, 8), end=date(2027, 12, 17)
    )
    return first, second
