"""Two schools of one académie (tests/core), their apprentices and a maître d'apprentissage."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from milieu.apprenticeships.models import Apprenticeship
from milieu.apprenticeships.operations import (
    ApprenticeshipData,
    issue_employer_link,
    record_apprenticeship,
)
from milieu.evidence.operations import deposit_evidence
from milieu.factories import StudentFactory, valid_siret
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
from tests.reports.pdfs import Page, make_pdf, mm_pages

CONTRACT = (date(2026, 9, 1), date(2028, 8, 31))


def data(**changes: Any) -> ApprenticeshipData:
    values: dict[str, Any] = {
        "employer": "Métrologie de l'Est",
        "siret": valid_siret(11),
        "master_name": "Claire Weber",
        "master_email": "claire.weber@metrologie-est.fr",
        "start": CONTRACT[0],
        "end": CONTRACT[1],
    }
    values.update(changes)
    return ApprenticeshipData(**values)


def mm_apprentice(school: School) -> Student:
    """An apprentice of the school's BTS Métiers de la Mesure cohort (session 2028)."""
    return StudentFactory.create(cohort=school.other_cohort, apprentice=True)


def ciel_apprentice(school: School) -> Student:
    return StudentFactory.create(cohort=school.cohort, apprentice=True)


def recorded(student: Student, by: Any) -> Apprenticeship:
    return record_apprenticeship(student, data(), by=by)


def employer_token(apprenticeship: Apprenticeship, by: Any) -> str:
    _, token = issue_employer_link(apprenticeship, by=by)
    return token


def pdf_upload(name: str, title: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf([Page(title)]), content_type="application/pdf")


def contract_copy(student: Student, by: Any) -> None:
    """The copy of the apprenticeship contract, deposited by a manager (accepted at once)."""
    deposit_evidence(
        student,
        by=by,
        kind="apprenticeship-contract",
        upload=pdf_upload("contrat.pdf", "Contrat d'apprentissage"),
    )


@pytest.fixture(scope="session")
def mm_report_pdf() -> bytes:
    """A conforming BTS MM report: 15 body pages, 4 of annexes, six sections."""
    return make_pdf(mm_pages())
