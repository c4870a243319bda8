from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from milieu.conventions.models import Convention, ConventionPeriod
from milieu.factories import (
    CohortFactory,
    ConventionFactory,
    HostFactory,
    StudentFactory,
    TutorFactory,
    member,
)
from milieu.followup.models import TutorAccess
from milieu.followup.operations import issue_tutor_link, resolve_access
from milieu.people.enums import Role
from tests.core.conftest import (  # noqa: F401  (fixtures re-exported)
    School,
    academie,
    make_school,
    rectorat,
    school_a,
    school_b,
)


def signed(school: School, **fields: Any) -> Convention:
    """A convention of the school's student, signed (its tutor has an e-mail address)."""
    school.student.email = school.student.email or "eleve@exemple.fr"
    school.student.save()
    return ConventionFactory.create(
        signed=True,
        student=school.student,
        created_by=school.teacher,
        referent=school.teacher,
        **fields,
    )


@pytest.fixture
def convention_a(school_a: School) -> Convention:  # noqa: F811
    return signed(school_a)


@pytest.fixture
def convention_b(school_b: School) -> Convention:  # noqa: F811
    return signed(school_b)


@pytest.fixture(autouse=True)
def _on_commit_runs_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside a transaction that never commits: run the deferred e-mails at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


# --- shared by the evaluation, presence, contract and bilan tests -----------------------------

PARIS = ZoneInfo("Europe/Paris")
LONG_LINK = timedelta(days=800)  # outlives the time travels of these tests


def on(day: date, hour: int = 10) -> Any:
    """Travel to `day` (Paris time), clock stopped."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=PARIS), tick=False
    )


def link(convention: Convention, by: Any) -> tuple[str, TutorAccess]:
    """A tutor's link (token and access) that stays valid through the tests' time travels."""
    token = issue_tutor_link(convention, by=by, lifetime=LONG_LINK)
    return token, resolve_access(token)


def pdf_of(document: Any) -> bytes:
    """The stored PDF of a certificate, grid, contract or bilan (never empty once issued)."""
    assert document.content is not None
    return bytes(document.content)


def codes(verdict: dict[str, Any]) -> set[str]:
    assert "error" not in verdict, verdict
    return {finding["code"] for finding in verdict["findings"]}


@dataclass
class Bijou:
    """A bma-bijou cohort of a school: its candidate (with an account) and a classmate, and
    the candidate's signed convention (`period`: its first period)."""

    school: School
    cohort: Any
    student: Any
    candidate: Any
    classmate: Any
    convention: Convention
    period: ConventionPeriod


def make_bijou(school: School, tag: str, periods: list[tuple[date, date]] | None = None) -> Bijou:
    cohort = CohortFactory.create(
        establishment=school.establishment, name=f"BMA bijou {tag}", diploma="bma-bijou"
    )
    cohort.teachers.add(school.teacher)
    candidate = member(
        Role.STUDENT, establishment=school.establishment, email=f"bijou-{tag}@exemple.fr"
    )
    student = StudentFactory.create(cohort=cohort, user=candidate)
    classmate = member(
        Role.STUDENT, establishment=school.establishment, email=f"bijou2-{tag}@exemple.fr"
    )
    StudentFactory.create(cohort=cohort, user=classmate)
    host = HostFactory.create(headcount=12)
    convention = ConventionFactory.create(
        signed=True,
        student=student,
        host=host,
        periods=periods or [(date(2027, 5, 31), date(2027, 7, 9))],
        created_by=school.head,
        tutor=TutorFactory.create(host=host),
        referent=school.teacher,
        activities="Sertissage, polissage.",
    )
    return Bijou(
        school=school,
        cohort=cohort,
        student=student,
        candidate=candidate,
        classmate=classmate,
        convention=convention,
        period=convention.active_periods()[0],
    )


@pytest.fixture
def bijou_a(school_a: School) -> Bijou:  # noqa: F811
    return make_bijou(school_a, "A")


@pytest.fixture
def bijou_b(school_b: School) -> Bijou:  # noqa: F811
    return make_bijou(school_b, "B")
