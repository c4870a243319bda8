"""Schools A and B of one académie, its rectorat (exam service and the recteur's delegate),
another académie's delegate, candidates of the diplomas whose texts allow derogations, PDFs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from milieu.exams.enums import DerogationKind, DerogationReason
from milieu.exams.models import DerogationRequest
from milieu.exams.operations import RequestData, create_request
from milieu.factories import AcademieFactory, CohortFactory, StudentFactory, member
from milieu.people.enums import Role
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


def pdf_bytes(text: str = "Certificat médical") -> bytes:
    from milieu.conventions.documents import render_pdf

    return render_pdf("conventions/pdf/paper_scan.html", {"title": text})


def upload(name: str = "certificat.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content if content is not None else pdf_bytes(), content_type="application/pdf"
    )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def delegate(academie: Any) -> Any:  # noqa: F811
    return member(Role.RECTEUR_DELEGATE, academie=academie, email="delegue@ac-strasbourg.fr")


@pytest.fixture
def other_delegate(db: None) -> Any:
    return member(
        Role.RECTEUR_DELEGATE,
        academie=AcademieFactory.create(name="Besançon"),
        email="delegue@ac-besancon.fr",
    )


@pytest.fixture(autouse=True)
def _on_commit_runs_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside a transaction that never commits: run the deferred e-mails at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def ccst_student(school: School, **fields: Any) -> Student:
    """A BTS CCST candidate (voie scolaire) of the school, session 2028."""
    cohort = CohortFactory.create(
        establishment=school.establishment,
        name=f"BTS CCST {school.establishment.name}",
        diploma="bts-ccst",
        training_start=date(2026, 9, 7),
        session=2028,
    )
    return StudentFactory.create(cohort=cohort, **fields)


def reduction(weeks: str = "5", reason: str = DerogationReason.FORCE_MAJEURE) -> RequestData:
    return RequestData(
        kind=DerogationKind.REDUCTION,
        reason=reason,
        justification="Hospitalisation pendant la période de stage.",
        weeks=Decimal(weeks),
    )


def draft_request(school: School, data: RequestData | None = None, **kw: Any) -> DerogationRequest:
    """A draft reduction for school A's BTS CIEL candidate, asked by its DDFPT."""
    return create_request(school.student, data or reduction(), by=school.ddfpt, **kw)
