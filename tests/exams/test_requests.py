"""A request reads the catalogue: the kinds the candidate's pathway allows, the floor of a
reduction (refused below it, citing the paragraph), the reasons that fit each kind, the units of
a dispense; its supporting PDFs are checked like reports (hostile files refused)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.core.exceptions import PermissionDenied

from milieu.exams.enums import DerogationKind, DerogationReason
from milieu.exams.models import DerogationAttachment, DerogationRequest
from milieu.exams.operations import ExamsInvalid, RequestData, create_request, update_request
from milieu.exams.options import derogation_options
from milieu.exams.uploads import AttachmentRefused
from milieu.factories import StudentFactory
from milieu.students.enums import Pathway
from tests.exams.conftest import (
    School,
    ccst_student,
    draft_request,
    pdf_bytes,
    reduction,
    upload,
)


def test_a_reduction_below_the_floor_is_refused_citing_the_paragraph(school_a: School) -> None:
    # seed 003 §3 (BTS CIEL): « ne peut être inférieure à 4 semaines »
    with pytest.raises(ExamsInvalid) as refused:
        create_request(school_a.student, reduction("3.5"), by=school_a.ddfpt)
    message = refused.value.errors["weeks"]
    assert "en dessous de 4 semaines" in message
    assert "§3" in message and "CIEL" in message
    assert not DerogationRequest.objects.exists()


def test_the_floor_comes_from_the_diplomas_catalogue(school_a: School) -> None:
    # seed 002 §C (BTS CCST): « ne peut être inférieure à 10 semaines »
    student = ccst_student(school_a)
    options = derogation_options(student)
    assert options.floor == 10 and options.normal_min == 14
    assert options.units == ("U4", "U6")
    with pytest.raises(ExamsInvalid, match=r"10 semaines \(annexe .*§C\)"):
        create_request(student, reduction("9"), by=school_a.ddfpt)
    assert create_request(student, reduction("10"), by=school_a.ddfpt).weeks == Decimal(10)


def test_a_reduction_must_lower_the_normal_duration(school_a: School) -> None:
    with pytest.raises(ExamsInvalid, match="durée normale est de 6 semaines"):
        create_request(school_a.student, reduction("6"), by=school_a.ddfpt)


def test_the_reason_must_fit_the_kind(school_a: School) -> None:
    # contract v1.1: a partial stage needs force majeure; a reduction is not granted for VAE
    partial = RequestData(DerogationKind.PARTIAL, DerogationReason.VAE, "VAE.")
    with pytest.raises(ExamsInvalid) as refused:
        create_request(school_a.student, partial, by=school_a.ddfpt)
    assert "force majeure" in refused.value.errors["reason"]
    with pytest.raises(ExamsInvalid, match="motifs prévus"):
        create_request(school_a.student, reduction("5", DerogationReason.VAE), by=school_a.ddfpt)


def test_a_ccst_dispense_names_its_units(school_a: School) -> None:
    student = ccst_student(school_a)
    none = RequestData(DerogationKind.DISPENSE, DerogationReason.VAE, "VAE.")
    with pytest.raises(ExamsInvalid, match="U4, U6"):
        create_request(student, none, by=school_a.ddfpt)
    wrong = RequestData(DerogationKind.DISPENSE, DerogationReason.VAE, "VAE.", units=("U5",))
    with pytest.raises(ExamsInvalid, match="Unités inconnues"):
        create_request(student, wrong, by=school_a.ddfpt)
    made = create_request(
        student,
        RequestData(DerogationKind.DISPENSE, DerogationReason.VAE, "VAE.", units=("U4",)),
        by=school_a.ddfpt,
    )
    assert made.units == ["U4"] and made.weeks is None


def test_an_apprentice_can_only_be_dispensed(school_a: School) -> None:
    """No stage duration applies to an apprentice (the catalogue's duration rule): nothing to
    reduce or to complete, a dispense only."""
    apprentice = StudentFactory.create(cohort=school_a.cohort, pathway=Pathway.APPRENTISSAGE)
    assert list(derogation_options(apprentice).kinds) == [DerogationKind.DISPENSE]
    with pytest.raises(ExamsInvalid, match="le référentiel prévoit : « dispense »"):
        create_request(apprentice, reduction("5"), by=school_a.ddfpt)


def test_a_justification_is_required(school_a: School) -> None:
    empty = RequestData(DerogationKind.REDUCTION, DerogationReason.FORCE_MAJEURE, " ", Decimal(5))
    with pytest.raises(ExamsInvalid) as refused:
        create_request(school_a.student, empty, by=school_a.ddfpt)
    assert "justification" in refused.value.errors


def test_only_the_head_and_the_ddfpt_of_the_school_ask(
    school_a: School, school_b: School, rectorat: Any
) -> None:
    for outsider in (
        school_a.teacher,
        school_a.secretary,
        school_a.student_user,
        school_b.head,
        school_b.ddfpt,
        rectorat,
    ):
        with pytest.raises(PermissionDenied):
            create_request(school_a.student, reduction(), by=outsider)
    assert (
        create_request(school_a.student, reduction(), by=school_a.head).created_by == school_a.head
    )


def test_supporting_pdfs_are_stored_with_their_hash(school_a: School, settings: Any) -> None:
    request = draft_request(school_a, uploads=[upload("certificat.pdf"), upload("arrêt.pdf")])
    attachments = list(request.attachments.order_by("pk"))
    assert [a.original_name for a in attachments] == ["certificat.pdf", "arrêt.pdf"]
    for attachment in attachments:
        assert (Path(settings.PRIVATE_FILES_ROOT) / attachment.path).is_file()
        assert len(attachment.sha256) == 64


def hostile(kind: str) -> bytes:
    """A genuine PDF (the house's own renderer) carrying a script or an embedded file."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes())))
    if kind == "script":
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript("app.alert(1);"))
    else:
        writer.add_attachment("charge.exe", b"MZ\x90\x00")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "un fichier PDF est attendu"),
        ("script", "JavaScript"),
        ("attachment", "fichiers joints"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n", "tronqué"),
    ],
)
def test_hostile_files_are_refused_and_nothing_is_stored(
    school_a: School, settings: Any, content: bytes | str, message: str
) -> None:
    if isinstance(content, str):
        content = hostile(content)
    with pytest.raises(AttachmentRefused, match=message):
        draft_request(school_a, uploads=[upload("piece.pdf", content)])
    assert not DerogationRequest.objects.exists()
    assert not DerogationAttachment.objects.exists()
    assert not list(Path(settings.PRIVATE_FILES_ROOT).rglob("*.pdf"))


def test_a_submitted_request_no_longer_changes(school_a: School) -> None:
    from milieu.exams.operations import ExamsRefused, submit_request

    request = draft_request(school_a)
    update_request(request, reduction("4.5"), by=school_a.ddfpt)
    assert DerogationRequest.objects.get(pk=request.pk).weeks == Decimal("4.5")
    submit_request(request, by=school_a.ddfpt)
    with pytest.raises(ExamsRefused, match="Seul un brouillon"):
        update_request(request, reduction("5"), by=school_a.ddfpt)
