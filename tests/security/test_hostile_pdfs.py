# ruff: noqa: F811  (pytest fixtures imported from other conftest files, then requested)
"""Issue 9, item 8: hostile PDFs (and images) are refused by every upload path, with the same
rules (`milieu.filesafety`): the evidence deposit, the scan of a convention signed on paper, the
report analyser. A French message, nothing stored, never a 500."""

from __future__ import annotations

import struct
import zlib
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from milieu import filesafety
from milieu.conventions.enums import SignatureState
from milieu.conventions.models import ConventionDocument
from milieu.conventions.operations import (
    approve_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import send_for_signature
from milieu.evidence.enums import EvidenceKind
from milieu.evidence.models import EvidenceDocument
from milieu.reports import ReportRejected, analyse_report
from milieu.students.models import Student
from tests.conventions.conftest import draft
from tests.conventions.payloads import client_for
from tests.core.conftest import (  # noqa: F401  (fixtures re-exported)
    School,
    academie,
    school_a,
    school_b,
)
from tests.evidence.conftest import apprentice  # noqa: F401  (fixture re-exported)
from tests.security.samples import HOSTILE_PDFS, image, one_page_pdf


@pytest.fixture(autouse=True)
def _seals_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    settings.DEBUG = True
    settings.SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _on_commit_runs_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in tests/conventions: the signature links are e-mailed on commit, run at once here."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_FILES_ROOT).rglob("*") if p.is_file()]


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header (with a correct CRC) declares `width` × `height` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    data = zlib.compress(b"\0" * 64)
    idat = (
        struct.pack(">I", len(data))
        + b"IDAT"
        + data
        + struct.pack(">I", zlib.crc32(b"IDAT" + data))
    )
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + end


HOSTILE = sorted(HOSTILE_PDFS)


@pytest.mark.parametrize("case", HOSTILE)
def test_the_shared_rules_refuse_each_hostile_kind(case: str) -> None:
    make, words = HOSTILE_PDFS[case]
    with pytest.raises(filesafety.FileRefused) as refused:
        filesafety.check_pdf(make())
    assert words in refused.value.message


@pytest.mark.parametrize("case", HOSTILE)
def test_the_report_analyser_applies_the_same_rules(case: str) -> None:
    make, words = HOSTILE_PDFS[case]
    with pytest.raises(ReportRejected) as rejected:
        analyse_report(make(), diploma_id="bts-ciel")
    assert words in rejected.value.message


@pytest.mark.parametrize("case", HOSTILE)
def test_the_evidence_page_refuses_each_hostile_pdf_and_stores_nothing(
    client: Client, school_a: School, apprentice: Student, case: str
) -> None:
    make, words = HOSTILE_PDFS[case]
    client.force_login(school_a.student_user)
    response = client.post(
        reverse("evidence:student", kwargs={"student_pk": apprentice.pk}),
        {
            "piece-kind": EvidenceKind.APPRENTICESHIP_CONTRACT.value,
            "piece-file": SimpleUploadedFile("contrat.pdf", make(), "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert words in unescape(response.content.decode())
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []


@pytest.fixture
def signing(school_a: School) -> Any:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)
    validate_convention(convention, by=school_a.ddfpt)
    approve_convention(convention, by=school_a.head)
    send_for_signature(convention, by=school_a.ddfpt)
    return convention


@pytest.mark.parametrize("case", HOSTILE)
def test_the_paper_scan_page_refuses_each_hostile_pdf_and_stores_nothing(
    school_a: School, signing: Any, case: str
) -> None:
    make, words = HOSTILE_PDFS[case]
    student = signing.signatories.get(role="student")
    response = client_for(school_a.ddfpt).post(
        reverse("conventions:paper", args=[signing.pk, student.pk]),
        {f"papier-{student.pk}-scan": SimpleUploadedFile("scan.pdf", make(), "application/pdf")},
    )
    assert words in unescape(response.content.decode())
    student.refresh_from_db()
    assert student.state == SignatureState.PENDING
    assert not signing.documents.filter(kind=ConventionDocument.Kind.PAPER_SCAN).exists()


def test_the_paper_scan_page_still_takes_a_real_scan(school_a: School, signing: Any) -> None:
    student = signing.signatories.get(role="student")
    scan = one_page_pdf("scan signé")
    response = client_for(school_a.ddfpt).post(
        reverse("conventions:paper", args=[signing.pk, student.pk]),
        {f"papier-{student.pk}-scan": SimpleUploadedFile("scan.pdf", scan, "application/pdf")},
    )
    assert response.status_code == 302
    stored = signing.documents.get(kind=ConventionDocument.Kind.PAPER_SCAN)
    assert bytes(stored.content) == scan


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("bombe.png", png_declaring(100_000, 100_000), "démesurée"),
        ("grande.png", png_declaring(10_000, 9_000), "80 millions de pixels"),
        ("coupee.png", image("PNG")[:20], "endommagée ou illisible"),
        ("coupee.jpg", image("JPEG")[:4], "endommagée ou illisible"),
    ],
    ids=["bomb", "too-many-pixels", "truncated-png", "truncated-jpeg"],
)
def test_the_evidence_page_refuses_image_bombs_and_broken_images(
    client: Client, school_a: School, apprentice: Student, name: str, content: bytes, words: str
) -> None:
    client.force_login(school_a.student_user)
    response = client.post(
        reverse("evidence:student", kwargs={"student_pk": apprentice.pk}),
        {
            "piece-kind": EvidenceKind.APPRENTICESHIP_CONTRACT.value,
            "piece-file": SimpleUploadedFile(name, content, "image/png"),
        },
    )
    assert response.status_code == 400
    text = unescape(response.content.decode())
    assert words in text, text
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []


@pytest.mark.parametrize(
    "content",
    [one_page_pdf("contrat"), image("PNG", (1240, 1754)), image("JPEG", (1240, 1754))],
    ids=["pdf", "png", "jpeg"],
)
def test_ordinary_files_are_still_deposited(
    client: Client, school_a: School, apprentice: Student, content: bytes
) -> None:
    client.force_login(school_a.student_user)
    response = client.post(
        reverse("evidence:student", kwargs={"student_pk": apprentice.pk}),
        {
            "piece-kind": EvidenceKind.APPRENTICESHIP_CONTRACT.value,
            "piece-file": SimpleUploadedFile("contrat", content, "application/octet-stream"),
        },
    )
    assert response.status_code == 302
    assert EvidenceDocument.objects.count() == 1
    assert len(stored_files()) == 1


def test_a_web_link_and_a_large_legitimate_image_are_accepted() -> None:
    """Links are ordinary; an A4 page scanned at 300 dpi in colour inflates to 26 MB, more than
    one stream of page content may, and is still taken."""
    width, height = 2480, 3508
    pixels = zlib.compress(b"\xff" * (width * height * 3), 6)
    from tests.security.samples import raw_pdf

    scan = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /XObject << /Im0 4 0 R >> >> "
            b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
            b"/A << /S /URI /URI (https://www.exemple.fr) >> >>] >>",
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Length %d /Filter /FlateDecode >>\nstream\n"
            % (width, height, len(pixels))
            + pixels
            + b"\nendstream",
        ]
    )
    assert filesafety.check_pdf(scan) == 1


@pytest.mark.parametrize("case", ["javascript", "embedded-file", "content-bomb", "encrypted"])
def test_the_avenant_paper_scan_refuses_hostile_pdfs(school_a: School, case: str) -> None:
    from datetime import date

    from django.contrib.messages import get_messages

    from milieu.conventions.amendments import create_amendment, send_amendment_for_signature
    from tests.conventions.signing import signed

    make, words = HOSTILE_PDFS[case]
    amendment = create_amendment(
        signed(school_a), by=school_a.ddfpt, reason="Fin anticipée.", early_end=date(2027, 6, 18)
    )
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    signatory = amendment.signatories.first()
    assert signatory is not None
    response = client_for(school_a.ddfpt).post(
        reverse("conventions:amendment_paper", args=[amendment.pk, signatory.pk]),
        {"scan": SimpleUploadedFile("scan.pdf", make(), "application/pdf")},
    )
    assert any(words in str(m) for m in get_messages(response.wsgi_request))
    signatory.refresh_from_db()
    assert signatory.state == SignatureState.PENDING
    assert not amendment.documents.filter(kind=ConventionDocument.Kind.PAPER_SCAN).exists()


@pytest.mark.parametrize("case", HOSTILE)
def test_the_paper_signature_operation_itself_refuses_hostile_pdfs(
    school_a: School, signing: Any, case: str
) -> None:
    """Not only the page: `sign_on_paper`, which the demo and other callers use, checks too."""
    from milieu.conventions.operations import ConventionRefused
    from milieu.conventions.signatures import sign_on_paper

    make, _ = HOSTILE_PDFS[case]
    student = signing.signatories.get(role="student")
    content = make()
    if not content.startswith(b"%PDF-"):
        pytest.skip("not a PDF at all: refused by the header check")
    with pytest.raises(ConventionRefused):
        sign_on_paper(student, content, by=school_a.ddfpt)
    student.refresh_from_db()
    assert student.state == SignatureState.PENDING
