"""A BEP MPMI cohort (its regulation joins an attestation to the livret scolaire), students with
signed conventions and certificates, and tasks run inline whatever the environment says."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.factories import (
    CohortFactory,
    ConventionFactory,
    HostFactory,
    StudentFactory,
    TutorFactory,
)
from milieu.followup.models import Absence, Certificate
from milieu.followup.operations import issue_certificate, issue_tutor_link, resolve_access
from tests.core.conftest import (  # noqa: F401 (fixtures re-exported)
    School,
    academie,
    make_school,
    other_rectorat,
    rectorat,
    school_a,
    school_b,
)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# A stage of three weeks, Monday to Friday (15 working days)
JUNE = (date(2027, 6, 7), date(2027, 6, 25))
JANUARY = (date(2027, 1, 11), date(2027, 1, 15))


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings: Any) -> None:
    """The livret task runs inside the request, as with TASKS_BACKEND=immediate."""
    settings.TASKS = IMMEDIATE


@dataclass
class Bep:
    school: School
    cohort: Any
    teacher: Any


def bep_cohort(school: School, name: str = "BEP MPMI 2de") -> Bep:
    """A BEP MPMI cohort of the school, in the charge of the school's `teacher`."""
    cohort = CohortFactory.create(establishment=school.establishment, name=name, diploma="bep-mpmi")
    cohort.teachers.add(school.teacher)
    return Bep(school=school, cohort=cohort, teacher=school.teacher)


@pytest.fixture
def bep_a(school_a: School) -> Bep:  # noqa: F811
    return bep_cohort(school_a)


@pytest.fixture
def bep_b(school_b: School) -> Bep:  # noqa: F811
    return bep_cohort(school_b)


def student(bep: Bep, last_name: str, first_name: str = "Léa") -> Any:
    return StudentFactory.create(cohort=bep.cohort, last_name=last_name, first_name=first_name)


def signed_convention(
    bep: Bep,
    pupil: Any,
    *,
    periods: list[tuple[date, date]] | None = None,
    status: str = ConventionStatus.SIGNED,
    **fields: Any,
) -> Convention:
    host = HostFactory.create(name=fields.pop("host_name", "Usinage Dubois"), city="Colmar")
    defaults: dict[str, Any] = {
        "tutor": TutorFactory.create(host=host, email="tuteur@usinage.exemple.fr"),
        "activities": "Observation de la production ; réglage d'un tour à commande numérique.",
        "objectives": "Découverte de l'entreprise et de ses métiers.",
    }
    defaults.update(fields)
    convention = ConventionFactory.in_status(
        status,
        student=pupil,
        host=host,
        periods=periods or [JUNE],
        created_by=bep.teacher,
        **defaults,
    )
    return convention


def certify(bep: Bep, convention: Convention, *, absence_days: int = 0) -> Certificate:
    """The tutor's certificate of each active period, through the real operations (PDF made)."""
    access = resolve_access(issue_tutor_link(convention, by=bep.teacher))
    certificate = None
    for period in convention.active_periods():
        if absence_days:
            Absence.objects.create(
                period=period,
                start=period.start,
                end=period.start,
                days=absence_days,
                reason="Maladie",
                declared_by="Tuteur",
            )
        end = period.end
        with time_machine.travel(datetime(end.year, end.month, end.day, 18, tzinfo=UTC)):
            certificate = issue_certificate(access, period, tutor_name="Jean Tuteur")
    assert certificate is not None
    return certificate


def quick_certificate(period: ConventionPeriod, weeks: str = "3.00") -> Certificate:
    """A certificate without rendering its PDF (for tests about counting queries)."""
    return Certificate.objects.create(
        period=period,
        start=period.start,
        end=period.end,
        scheduled_days=15,
        absence_days=0,
        presence_days=15,
        weeks=weeks,
        tutor_name="Jean Tuteur",
        content=b"%PDF-1.4\n%%EOF\n",
    )


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page, with its white space collapsed."""
    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]
