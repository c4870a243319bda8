"""Files that are not what they claim: a French message, nothing stored, no row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from milieu.evidence.enums import EvidenceKind
from milieu.evidence.models import EvidenceDocument
from milieu.evidence.operations import deposit_evidence
from milieu.storage import UploadRefused
from milieu.students.models import Student
from tests.evidence.conftest import PDF, School

NOT_RECOGNISED = "un fichier d'un type non reconnu : un fichier PDF ou image PNG ou image JPEG"

# name, declared content type, bytes, French message expected
HOSTILE: dict[str, tuple[str, str, bytes, str]] = {
    "html-named-pdf": (
        "contrat.pdf",
        "application/pdf",
        b"<html><script>fetch('/admin/')</script></html>",
        NOT_RECOGNISED,
    ),
    "windows-executable": (
        "attestation.pdf",
        "application/pdf",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
        NOT_RECOGNISED,
    ),
    "svg-named-png": (
        "scan.png",
        "image/png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        NOT_RECOGNISED,
    ),
    "zip-office-document": (
        "contrat.docx.pdf",
        "application/pdf",
        b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40,
        NOT_RECOGNISED,
    ),
    "gif-named-jpeg": (
        "photo.jpg",
        "image/jpeg",
        b"GIF89a\x01\x00\x01\x00" + b"\x00" * 20,
        NOT_RECOGNISED,
    ),
    "pdf-marker-too-late": (
        "contrat.pdf",
        "application/pdf",
        b"\x00" * 2048 + PDF,
        NOT_RECOGNISED,
    ),
    "empty": ("vide.pdf", "application/pdf", b"", "Le fichier est vide."),
}


def stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_FILES_ROOT).rglob("*") if p.is_file()]


def upload(name: str, content_type: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_the_operation_refuses_hostile_files(
    school_a: School, apprentice: Student, case: str
) -> None:
    name, content_type, content, message = HOSTILE[case]
    with pytest.raises(UploadRefused) as refused:
        deposit_evidence(
            apprentice,
            by=school_a.head,
            kind=EvidenceKind.APPRENTICESHIP_CONTRACT,
            upload=upload(name, content_type, content),
        )
    assert message in str(refused.value)
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_the_page_refuses_hostile_files_in_french_and_keeps_the_fields(
    client: Client, perfectionnement: Student, case: str
) -> None:
    name, content_type, content, message = HOSTILE[case]
    assert perfectionnement.user is not None
    client.force_login(perfectionnement.user)
    response = client.post(
        reverse("evidence:student", kwargs={"student_pk": perfectionnement.pk}),
        {
            "piece-kind": EvidenceKind.WORK_CERTIFICATE.value,
            "piece-file": upload(name, content_type, content),
            "piece-employer": "Métrologie Alsace",
            "piece-start": "2025-06-01",
            "piece-end": "2025-12-31",
            "piece-full_time": "oui",
            "piece-in_sector": "oui",
        },
    )
    text = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400
    assert message in text
    assert 'value="Métrologie Alsace"' in text
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []


def test_a_file_above_the_limit_is_refused_before_it_is_read(
    school_a: School, apprentice: Student, settings: Any
) -> None:
    settings.DOCUMENT_MAX_BYTES = 4096
    big = upload("contrat.pdf", "application/pdf", PDF + b"0" * 8192)
    with pytest.raises(UploadRefused, match="la limite est de"):
        deposit_evidence(
            apprentice,
            by=school_a.student_user,
            kind=EvidenceKind.APPRENTICESHIP_CONTRACT,
            upload=big,
        )
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []


def test_a_file_that_lies_about_its_size_is_stopped_while_reading(
    school_a: School, apprentice: Student, settings: Any
) -> None:
    settings.DOCUMENT_MAX_BYTES = 4096
    liar = upload("contrat.pdf", "application/pdf", PDF + b"0" * 8192)
    liar.size = 100  # what the client declared
    with pytest.raises(UploadRefused, match="dépasse la limite"):
        deposit_evidence(
            apprentice,
            by=school_a.student_user,
            kind=EvidenceKind.APPRENTICESHIP_CONTRACT,
            upload=liar,
        )
    assert stored_files() == []


def test_a_too_big_file_through_the_page(
    client: Client, school_a: School, apprentice: Student, settings: Any
) -> None:
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    client.force_login(school_a.student_user)
    response = client.post(
        reverse("evidence:student", kwargs={"student_pk": apprentice.pk}),
        {
            "piece-kind": EvidenceKind.APPRENTICESHIP_CONTRACT.value,
            "piece-file": upload("contrat.pdf", "application/pdf", PDF + b"0" * 1_300_000),
        },
    )
    assert response.status_code == 400
    assert "Le fichier pèse 1,2 Mo : la limite est de 1,0 Mo." in response.content.decode()
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []
