"""A convention from draft to a sealed PDF that pdfsig accepts, every step in the history."""

from __future__ import annotations

import html
import subprocess
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from milieu.conventions.enums import ConventionStatus, SignatureState
from milieu.conventions.models import ConventionDocument
from milieu.conventions.operations import (
    ConventionRefused,
    approve_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import send_for_signature
from tests.conventions.conftest import PDFSIG, code_for, draft, links_in_outbox
from tests.core.conftest import School


def _sign_all(client: Client) -> None:
    links = links_in_outbox()
    for path in links:
        page = client.get(path)
        assert page.status_code == 200
        assert "Je signe la convention" in page.content.decode()
        email = page.context["signatory"].email
        assert client.post(path, {"action": "code"}).status_code == 200
        done = client.post(path, {"action": "sign", "code": code_for(email)})
        assert "Signature enregistrée" in done.content.decode()


def test_draft_to_sealed_pdf(school_a: School, tmp_path: Any) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.student_user)
    validate_convention(convention, by=school_a.ddfpt)
    approve_convention(convention, by=school_a.head, ip="10.0.0.1")
    send_for_signature(convention, by=school_a.ddfpt)
    assert convention.status == ConventionStatus.SIGNING
    roles = list(convention.signatories.values_list("role", flat=True))
    assert roles == ["student", "host", "tutor", "head"]  # the student is of age: no representative
    assert len(links_in_outbox()) == 4

    _sign_all(Client())

    convention.refresh_from_db()
    assert convention.status == ConventionStatus.SIGNED
    steps = list(convention.transitions.values_list("from_status", "to_status"))
    assert steps == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "validated"),
        ("validated", "approved"),
        ("approved", "signing"),
        ("signing", "signed"),
    ]
    assert convention.transitions.get(to_status="approved").ip == "10.0.0.1"
    signed = convention.documents.get(kind=ConventionDocument.Kind.FOR_SIGNATURE)
    assert all(s.signed_document_sha256 == signed.sha256 for s in convention.signatories.all())
    assert all(
        s.state == SignatureState.SIGNED and s.signed_at for s in convention.signatories.all()
    )
    sealed = convention.documents.get(kind=ConventionDocument.Kind.SEALED)
    content = bytes(sealed.content)
    assert content.startswith(b"%PDF-")
    # every party receives the sealed PDF, as the signature page promised (issue 13 §12)
    copies = [m for m in mail.outbox if "est signée et scellée" in m.subject]
    assert sorted(m.to[0] for m in copies) == sorted(
        {s.email.lower() for s in convention.signatories.all()}
    )
    assert all(m.attachments and m.attachments[0][1] == content for m in copies)
    assert all(sealed.sha256 in str(m.body) for m in copies)
    if PDFSIG is None:
        pytest.skip("pdfsig (poppler-utils) absent: the seal is not verified independently here")
    path = tmp_path / "sealed.pdf"
    path.write_bytes(content)
    report = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid" in report
    tampered = bytearray(content)
    tampered[len(content) // 4] ^= 0x01
    path.write_bytes(bytes(tampered))
    report = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, check=False).stdout
    assert "Digest Mismatch" in report or "Signature is Invalid" in report


def test_a_minor_needs_a_legal_representative_who_signs(school_a: School) -> None:
    from milieu.factories import LegalRepresentativeFactory

    school_a.student.birth_date = date(2010, 6, 1)
    school_a.student.save()
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)
    validate_convention(convention, by=school_a.ddfpt)
    approve_convention(convention, by=school_a.head)
    with pytest.raises(ConventionRefused, match="représentant légal doit signer"):
        send_for_signature(convention, by=school_a.ddfpt)
    LegalRepresentativeFactory.create(student=school_a.student)
    send_for_signature(convention, by=school_a.ddfpt)
    assert "legal-representative" in set(convention.signatories.values_list("role", flat=True))


def test_a_refusal_returns_the_convention_to_draft_with_its_reason(school_a: School) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)
    validate_convention(convention, by=school_a.ddfpt)
    approve_convention(convention, by=school_a.head)
    send_for_signature(convention, by=school_a.ddfpt)
    client = Client()
    path = links_in_outbox()[1]
    answer = client.post(path, {"action": "refuse", "reason": "Les horaires ne conviennent pas."})
    assert "Refus enregistré" in answer.content.decode()
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.DRAFT and convention.version == 2
    assert convention.transitions.last().comment == "Les horaires ne conviennent pas."  # type: ignore[union-attr]
    assert client.get(links_in_outbox()[0]).status_code == 410  # every link of that round is closed


def test_a_wrong_code_is_counted_and_blocks_after_five(school_a: School) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)
    validate_convention(convention, by=school_a.ddfpt)
    approve_convention(convention, by=school_a.head)
    send_for_signature(convention, by=school_a.ddfpt)
    client = Client()
    path = links_in_outbox()[0]
    client.post(path, {"action": "code"})
    for left in (4, 3, 2, 1, 0):
        answer = client.post(
            path,
            {
                "action": "sign",
                "code": "000000" if code_for(school_a.student.email) != "000000" else "111111",
            },
        )
        assert f"Il vous reste {left} essai" in answer.content.decode()
    answer = client.post(path, {"action": "sign", "code": code_for(school_a.student.email)})
    assert "Trop d'essais" in html.unescape(answer.content.decode())
    assert len(mail.outbox) >= 5


def test_approval_is_refused_with_every_blocking_reason(school_a: School) -> None:
    convention = draft(school_a, referent=None, periods=[(date(2027, 1, 4), date(2027, 5, 28))])
    submit_convention(convention, by=school_a.teacher)
    validate_convention(convention, by=school_a.ddfpt)
    with pytest.raises(ConventionRefused) as refused:
        approve_convention(convention, by=school_a.head)
    text = " ".join(refused.value.reasons)
    assert "gratification d'au moins 4.50 €/h est due" in text
    assert "enseignant référent" in text
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.VALIDATED
