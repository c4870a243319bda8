"""POST /conventions/<pk>/signataires/<pk>/papier/: a party signed the printed convention; the
scan must be a PDF (judged by its bytes) of at most 10 Mo."""

from __future__ import annotations

from datetime import date
from html import unescape
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from milieu.conventions import page_forms
from milieu.conventions.enums import ConventionStatus, SignatureMethod, SignatureState
from milieu.conventions.models import ConventionDocument
from milieu.conventions.operations import (
    approve_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import send_for_signature
from tests.conventions.conftest import School, draft
from tests.conventions.payloads import client_for
from tests.security.samples import one_page_pdf

SCAN = one_page_pdf("scan d'une page signée")


def url(signatory: Any) -> str:
    return reverse("conventions:paper", args=[signatory.convention_id, signatory.pk])


def upload(signatory: Any, content: bytes = SCAN, name: str = "scan.pdf") -> dict[str, Any]:
    return {f"papier-{signatory.pk}-scan": SimpleUploadedFile(name, content, "application/pdf")}


@pytest.fixture
def signing(school_a: School) -> Any:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)
    validate_convention(convention, by=school_a.ddfpt)
    approve_convention(convention, by=school_a.head)
    send_for_signature(convention, by=school_a.ddfpt)
    return convention


def test_a_scan_records_the_signature_on_paper(school_a: School, signing: Any) -> None:
    student = signing.signatories.get(role="student")

    response = client_for(school_a.secretary).post(url(student), upload(student))

    assert response["Location"] == reverse("conventions:detail", args=[signing.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"La signature sur papier de {student.name} est enregistrée."
    ]
    student.refresh_from_db()
    assert (student.state, student.method) == (SignatureState.SIGNED, SignatureMethod.PAPER)
    scan = signing.documents.get(kind=ConventionDocument.Kind.PAPER_SCAN)
    assert bytes(scan.content) == SCAN


def test_the_last_paper_signature_seals_the_convention(school_a: School, signing: Any) -> None:
    client = client_for(school_a.ddfpt)
    for signatory in signing.signatories.all():
        client.post(url(signatory), upload(signatory))

    signing.refresh_from_db()
    assert signing.status == ConventionStatus.SIGNED
    assert signing.documents.filter(kind=ConventionDocument.Kind.SEALED).count() == 1


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(
    school_a: School, signing: Any
) -> None:
    student = signing.signatories.get(role="student")

    response = client_for(school_a.ddfpt).post(
        url(student), upload(student, b"\x89PNG\r\n\x1a\n fake", "scan.pdf")
    )

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Le fichier n’est pas un PDF : déposez le scan au format PDF." in html
    student.refresh_from_db()
    assert student.state == SignatureState.PENDING


def test_a_scan_too_large_is_refused(
    school_a: School, signing: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(page_forms, "MAX_SCAN_BYTES", 10)
    student = signing.signatories.get(role="student")

    html = unescape(client_for(school_a.ddfpt).post(url(student), upload(student)).content.decode())

    assert "Le scan dépasse 10 Mo" in html


def test_no_file_is_refused(school_a: School, signing: Any) -> None:
    student = signing.signatories.get(role="student")

    html = unescape(client_for(school_a.ddfpt).post(url(student), {}).content.decode())

    assert "Choisissez le fichier PDF du scan signé." in html


def test_a_signatory_who_already_signed_is_told_politely(school_a: School, signing: Any) -> None:
    student = signing.signatories.get(role="student")
    client = client_for(school_a.ddfpt)
    client.post(url(student), upload(student))

    again = client.post(url(student), upload(student))

    assert [str(m) for m in get_messages(again.wsgi_request)][-1] == (
        "Ce signataire n'a plus de signature en attente."
    )
    assert signing.documents.filter(kind=ConventionDocument.Kind.PAPER_SCAN).count() == 1


@pytest.mark.parametrize("role", ["teacher", "student_user"])
def test_only_the_managers_record_a_paper_signature(
    school_a: School, signing: Any, role: str
) -> None:
    student = signing.signatories.get(role="student")

    response = client_for(getattr(school_a, role)).post(url(student), upload(student))

    assert response.status_code == 403
    student.refresh_from_db()
    assert student.state == SignatureState.PENDING


def test_another_school_gets_a_404(school_b: School, signing: Any) -> None:
    student = signing.signatories.get(role="student")

    assert client_for(school_b.ddfpt).post(url(student), upload(student)).status_code == 404


def test_a_signatory_of_another_convention_is_a_404(school_a: School, signing: Any) -> None:
    student = signing.signatories.get(role="student")
    other = draft(school_a, periods=[(date(2027, 11, 8), date(2027, 11, 26))])
    wrong = reverse("conventions:paper", args=[other.pk, student.pk])

    assert client_for(school_a.ddfpt).post(wrong, upload(student)).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, signing: Any) -> None:
    student = signing.signatories.get(role="student")

    assert client.post(url(student), upload(student))["Location"].startswith(reverse("login"))


def test_a_missing_seal_is_explained_and_nothing_is_recorded(
    school_a: School, signing: Any, settings: Any
) -> None:
    settings.DEBUG = False  # in production a missing seal certificate is an error to fix
    client = client_for(school_a.ddfpt)
    *first, last = list(signing.signatories.all())
    for signatory in first:
        client.post(url(signatory), upload(signatory))

    response = client.post(url(last), upload(last))

    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert message.startswith("La signature n’est pas enregistrée : Aucun certificat de cachet")
    last.refresh_from_db()
    assert last.state == SignatureState.PENDING
    signing.refresh_from_db()
    assert signing.status == ConventionStatus.SIGNING
