"""Schools whose students replace the stage certificate with documents, and files to deposit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from milieu.establishments.models import Cohort
from milieu.factories import CohortFactory, StudentFactory, member
from milieu.people.enums import Role
from milieu.people.models import User
from milieu.students.models import Student
from tests.core.conftest import (  # noqa: F401  (fixtures re-exported)
    School,
    academie,
    make_school,
    other_rectorat,
    rectorat,
    school_a,
    school_b,
)
from tests.security.samples import image, one_page_pdf

# real files: every deposit goes through the rules of `milieu.filesafety`
PDF = one_page_pdf("contrat")
PNG = image("PNG")
JPEG = image("JPEG")


def pdf(name: str = "contrat.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def account(student: Student) -> User:
    """The student's own account (the fixtures' students have one)."""
    assert student.user is not None
    return student.user


def cohort_2026(school: School, diploma: str = "bts-ciel", name: str = "") -> Cohort:
    """A cohort of the school whose exam (1 June 2026) is past: work certificates up to today
    fall in the windows of the 6-months / 1-year rule. The school's teacher is in charge."""
    cohort = CohortFactory.create(
        establishment=school.establishment,
        name=name or f"{diploma} 2026",
        diploma=diploma,
        school_year=2025,
        training_start=date(2025, 9, 8),
        session=2026,
    )
    cohort.teachers.add(school.teacher)
    return cohort


def candidate(school: School, cohort: Cohort | None = None, **fields: Any) -> Student:
    """A student of the school's cohort (or `cohort`) with an account of their own."""
    account = member(Role.STUDENT, establishment=school.establishment)
    return StudentFactory.create(cohort=cohort or school.cohort, user=account, **fields)


@pytest.fixture
def apprentice(school_a: School) -> Student:  # noqa: F811
    """School A's own student, an apprentice in BTS CIEL (mode "apprenticeship")."""
    student = school_a.student
    student.pathway = "apprentissage"
    student.save()
    return student


@pytest.fixture
def perfectionnement(school_a: School) -> Student:  # noqa: F811
    """A BTS CIEL continuing-education candidate en perfectionnement (mode "work-experience"),
    exam 1 June 2026."""
    return candidate(school_a, cohort_2026(school_a), continuing="perfectionnement")


@pytest.fixture
def experienced(school_a: School) -> Student:  # noqa: F811
    """A BEP MPMI candidate on their professional experience (mode "professional-experience")."""
    return candidate(
        school_a, cohort_2026(school_a, "bep-mpmi"), pathway="experience-professionnelle"
    )


@pytest.fixture
def count_queries() -> Callable[[Client, str], int]:
    """How many queries one GET of `url` runs (the response must be a 200)."""

    def count(client: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(queries)

    return count
