"""Deposit, accept, refuse, withdraw: the transition table, the log, permissions, the e-mail."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from milieu import storage
from milieu.evidence.enums import EvidenceKind, EvidenceStatus
from milieu.evidence.models import EvidenceDocument
from milieu.evidence.operations import (
    EVIDENCE_FLOW,
    EvidenceInvalid,
    EvidenceRefused,
    accept_evidence,
    actions_for,
    deposit_evidence,
    refuse_evidence,
    withdraw_evidence,
)
from milieu.evidence.pathways import allowed_kinds
from milieu.students.models import Student
from tests.evidence.conftest import JPEG, PDF, PNG, School, account, candidate, cohort_2026, pdf

CONTRACT = EvidenceKind.APPRENTICESHIP_CONTRACT
ATTESTATION = EvidenceKind.EMPLOYER_ATTESTATION
CERTIFICATE = EvidenceKind.WORK_CERTIFICATE


def log_of(document: EvidenceDocument) -> list[tuple[str, str, Any, str]]:
    return [
        (t.from_status, t.to_status, t.actor, t.comment)
        for t in document.transitions.order_by("at", "pk")
    ]


def stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_FILES_ROOT).rglob("*") if p.is_file()]


# --- deposit -----------------------------------------------------------------------------------


def test_a_students_deposit_waits_for_review(school_a: School, apprentice: Student) -> None:
    document = deposit_evidence(
        apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf("Mon contrat.pdf")
    )

    document.refresh_from_db()
    assert document.status == EvidenceStatus.DEPOSITED
    assert document.deposited_by == school_a.student_user
    assert document.file_kind == "pdf"
    assert document.file_size == len(PDF)
    assert document.original_name == "Mon contrat.pdf"
    assert storage.read(document.file_path) == PDF
    assert document.file_path.startswith("evidence/")
    assert "contrat" not in document.file_path  # stored under a random name
    assert log_of(document) == [("", EvidenceStatus.DEPOSITED, school_a.student_user, "")]


def test_a_teachers_deposit_waits_for_review(school_a: School, apprentice: Student) -> None:
    document = deposit_evidence(
        apprentice, by=school_a.teacher, kind=ATTESTATION, upload=pdf("attestation.pdf")
    )
    assert document.status == EvidenceStatus.DEPOSITED
    assert actions_for(school_a.teacher, document) == ["withdraw"]
    assert actions_for(school_a.head, document) == ["accept", "refuse"]


@pytest.mark.parametrize("manager", ["head", "ddfpt", "secretary"])
def test_a_managers_deposit_is_accepted_at_once_and_both_steps_are_logged(
    school_a: School, apprentice: Student, manager: str
) -> None:
    by = getattr(school_a, manager)
    document = deposit_evidence(apprentice, by=by, kind=CONTRACT, upload=pdf())

    document.refresh_from_db()
    assert document.status == EvidenceStatus.ACCEPTED
    steps = log_of(document)
    assert [(a, b, actor) for a, b, actor, _ in steps] == [
        ("", EvidenceStatus.DEPOSITED, by),
        (EvidenceStatus.DEPOSITED, EvidenceStatus.ACCEPTED, by),
    ]
    assert "d'office" in steps[1][3]


def test_images_are_accepted_and_named_by_their_bytes(
    school_a: School, apprentice: Student
) -> None:
    png = deposit_evidence(
        apprentice,
        by=school_a.student_user,
        kind=CONTRACT,
        upload=pdf("scan.pdf", PNG),  # a PNG whose name says PDF
    )
    jpeg = deposit_evidence(
        apprentice, by=school_a.student_user, kind=ATTESTATION, upload=pdf("photo.jpg", JPEG)
    )
    assert (png.file_kind, jpeg.file_kind) == ("png", "jpeg")
    assert png.file_path.endswith(".png")
    assert jpeg.file_path.endswith(".jpeg")


def test_a_folder_in_the_uploaded_name_is_dropped(school_a: School, apprentice: Student) -> None:
    document = deposit_evidence(
        apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf("../../etc/passwd.pdf")
    )
    assert document.original_name == "passwd.pdf"
    root = Path(settings.PRIVATE_FILES_ROOT).resolve()
    assert root in storage.path_of(document.file_path).parents


def test_the_same_file_twice_is_refused_unless_the_first_was_refused(
    school_a: School, apprentice: Student
) -> None:
    first = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    with pytest.raises(EvidenceRefused, match="déjà déposé"):
        deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    assert len(stored_files()) == 1

    refuse_evidence(first, by=school_a.head, reason="Page illisible.")
    again = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    assert again.pk != first.pk
    assert len(stored_files()) == 2


def test_a_deposit_failing_after_the_file_is_written_leaves_no_file(
    school_a: School, apprentice: Student, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("panne de la base")

    monkeypatch.setattr("milieu.evidence.operations._log_deposit", broken)
    with pytest.raises(RuntimeError):
        deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []


def test_a_work_certificate_keeps_its_dates_time_and_sector(
    school_a: School, perfectionnement: Student
) -> None:
    document = deposit_evidence(
        perfectionnement,
        by=account(perfectionnement),
        kind=CERTIFICATE,
        upload=pdf("certificat.pdf"),
        employer="  Mesures de l'Est  ",
        start=date(2025, 6, 1),
        end=date(2025, 12, 31),
        full_time=True,
        in_sector=False,
    )
    document.refresh_from_db()
    assert (document.employer, document.start, document.end) == (
        "Mesures de l'Est",
        date(2025, 6, 1),
        date(2025, 12, 31),
    )
    assert (document.full_time, document.in_sector) == (True, False)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"employer": ""}, "employer", "Indiquez l'employeur"),
        ({"start": None}, "start", "date de début"),
        ({"end": date(2025, 5, 1)}, "end", "précède son début"),
        ({"end": date(2099, 1, 1)}, "end", "postérieure à aujourd'hui"),
        ({"full_time": None}, "full_time", "temps plein ou à temps partiel"),
        ({"in_sector": None}, "in_sector", "secteur du diplôme"),
    ],
)
def test_a_work_certificate_without_its_facts_is_refused_before_anything_is_stored(
    perfectionnement: Student, fields: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {
        "employer": "Mesures de l'Est",
        "start": date(2025, 6, 1),
        "end": date(2025, 12, 31),
        "full_time": True,
        "in_sector": True,
        **fields,
    }
    with pytest.raises(EvidenceInvalid) as refused:
        deposit_evidence(
            perfectionnement, by=account(perfectionnement), kind=CERTIFICATE, upload=pdf(), **values
        )
    assert message in refused.value.errors[field]
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []


def test_an_apprenticeship_document_carries_no_employment_period(
    school_a: School, apprentice: Student
) -> None:
    document = deposit_evidence(
        apprentice,
        by=school_a.student_user,
        kind=CONTRACT,
        upload=pdf(),
        employer="Atelier Lumière",
        start=date(2025, 1, 1),
        end=date(2025, 2, 1),
        full_time=True,
        in_sector=True,
    )
    document.refresh_from_db()
    assert document.employer == "Atelier Lumière"
    assert (document.start, document.end, document.full_time, document.in_sector) == (
        None,
        None,
        None,
        None,
    )


# --- which kinds: the pathway's mode in the catalogue ------------------------------------------


def test_the_kinds_follow_the_pathways_mode_in_the_catalogue(school_a: School) -> None:
    ciel = cohort_2026(school_a, "bts-ciel")
    bep = cohort_2026(school_a, "bep-mpmi")
    assert allowed_kinds(candidate(school_a, ciel)) == ()  # scolaire: stage
    assert allowed_kinds(candidate(school_a, ciel, pathway="apprentissage")) == (
        CONTRACT,
        ATTESTATION,
    )
    assert allowed_kinds(candidate(school_a, ciel, continuing="perfectionnement")) == (CERTIFICATE,)
    assert allowed_kinds(candidate(school_a, ciel, continuing="reconversion")) == ()
    assert allowed_kinds(candidate(school_a, ciel, pathway="experience-professionnelle")) == (
        CERTIFICATE,
    )
    # the same situation on another diploma: BEP MPMI's perfectionnement does a stage (§3),
    # unless a work certificate in the sector dispenses from it (000 §3, issue 11)
    assert allowed_kinds(candidate(school_a, bep, continuing="perfectionnement")) == (CERTIFICATE,)
    assert allowed_kinds(candidate(school_a, bep, pathway="experience-professionnelle")) == (
        CERTIFICATE,
    )


def test_a_stage_pathway_deposits_nothing(school_a: School) -> None:
    with pytest.raises(EvidenceRefused, match="aucun dépôt n'est nécessaire"):
        deposit_evidence(school_a.student, by=school_a.head, kind=CONTRACT, upload=pdf())
    assert EvidenceDocument.objects.count() == 0


def test_an_apprentice_deposits_no_work_certificate_and_the_reverse(
    school_a: School, apprentice: Student, perfectionnement: Student
) -> None:
    with pytest.raises(EvidenceRefused, match="Certificat de travail"):
        deposit_evidence(perfectionnement, by=school_a.head, kind=CONTRACT, upload=pdf())
    with pytest.raises(EvidenceRefused, match="contrat d'apprentissage"):
        deposit_evidence(
            apprentice,
            by=school_a.head,
            kind=CERTIFICATE,
            upload=pdf(),
            employer="X",
            start=date(2025, 1, 1),
            end=date(2025, 3, 1),
            full_time=True,
            in_sector=True,
        )
    assert stored_files() == []


# --- review: the transition table --------------------------------------------------------------


def test_accept(school_a: School, apprentice: Student) -> None:
    document = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    accept_evidence(document, by=school_a.ddfpt)
    document.refresh_from_db()
    assert document.status == EvidenceStatus.ACCEPTED
    assert log_of(document)[-1] == (
        EvidenceStatus.DEPOSITED,
        EvidenceStatus.ACCEPTED,
        school_a.ddfpt,
        "",
    )
    assert document.decision is not None and document.decision.actor == school_a.ddfpt


def test_refuse_needs_a_reason(school_a: School, apprentice: Student) -> None:
    document = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    with pytest.raises(EvidenceRefused, match="Indiquez le motif du refus"):
        refuse_evidence(document, by=school_a.head, reason="   ")
    document.refresh_from_db()
    assert document.status == EvidenceStatus.DEPOSITED


def test_a_refusal_is_logged_and_mailed_to_the_student_after_commit(
    school_a: School, apprentice: Student, django_capture_on_commit_callbacks: Any
) -> None:
    document = deposit_evidence(apprentice, by=school_a.teacher, kind=CONTRACT, upload=pdf())
    with django_capture_on_commit_callbacks() as callbacks:
        refuse_evidence(document, by=school_a.head, reason="Le contrat n'est pas signé.")
        assert mail.outbox == []  # deferred until the refusal is committed
    assert len(callbacks) == 1
    callbacks[0]()

    document.refresh_from_db()
    assert document.status == EvidenceStatus.REFUSED
    assert log_of(document)[-1] == (
        EvidenceStatus.DEPOSITED,
        EvidenceStatus.REFUSED,
        school_a.head,
        "Le contrat n'est pas signé.",
    )
    assert document.decision is not None
    assert document.decision.comment == "Le contrat n'est pas signé."
    [message] = mail.outbox
    assert school_a.student_user.email in message.to
    assert school_a.teacher.email in message.to  # the depositor sees it too
    assert "Le contrat n'est pas signé." in message.body
    assert "refusée" in message.body
    assert f"/pieces/eleves/{apprentice.pk}/" in message.body


def test_a_failed_refusal_sends_nothing(
    school_a: School, apprentice: Student, django_capture_on_commit_callbacks: Any
) -> None:
    document = deposit_evidence(apprentice, by=school_a.head, kind=CONTRACT, upload=pdf())
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(EvidenceRefused):
        refuse_evidence(document, by=school_a.head, reason="Trop tard.")
    assert mail.outbox == []


def test_withdraw_by_the_depositor_only(school_a: School, apprentice: Student) -> None:
    document = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    with pytest.raises(PermissionDenied):
        withdraw_evidence(document, by=school_a.head)  # a manager may deposit, not withdraw it
    with pytest.raises(PermissionDenied):
        withdraw_evidence(document, by=school_a.teacher)
    withdraw_evidence(document, by=school_a.student_user)
    document.refresh_from_db()
    assert document.status == EvidenceStatus.WITHDRAWN
    assert log_of(document)[-1][:3] == (
        EvidenceStatus.DEPOSITED,
        EvidenceStatus.WITHDRAWN,
        school_a.student_user,
    )


OPERATIONS = {
    "accept": lambda d, s: accept_evidence(d, by=s.head),
    "refuse": lambda d, s: refuse_evidence(d, by=s.head, reason="Illisible."),
    "withdraw": lambda d, s: withdraw_evidence(d, by=d.deposited_by),
}


@pytest.mark.parametrize("state", list(EvidenceStatus))
@pytest.mark.parametrize("action", sorted(OPERATIONS))
def test_the_transition_table(
    school_a: School, apprentice: Student, state: EvidenceStatus, action: str
) -> None:
    document = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    EvidenceDocument.objects.filter(pk=document.pk).update(status=state)
    document.refresh_from_db()
    sources, target = EVIDENCE_FLOW[action].sources, EVIDENCE_FLOW[action].target
    before = document.transitions.count()
    if state in sources:
        OPERATIONS[action](document, school_a)
        document.refresh_from_db()
        assert document.status == target
        assert document.transitions.count() == before + 1
    else:
        with pytest.raises(EvidenceRefused) as refused:
            OPERATIONS[action](document, school_a)
        assert str(refused.value) == (
            f"Action déjà effectuée ou impossible : cette pièce est « {state.label} »."
        )
        document.refresh_from_db()
        assert document.status == state
        assert document.transitions.count() == before


def test_only_a_deposited_document_moves(school_a: School) -> None:
    assert {name: set(t.sources) for name, t in EVIDENCE_FLOW.transitions.items()} == {
        "accept": {EvidenceStatus.DEPOSITED},
        "refuse": {EvidenceStatus.DEPOSITED},
        "withdraw": {EvidenceStatus.DEPOSITED},
    }


# --- permissions ---------------------------------------------------------------------------------


def test_a_teacher_cannot_review(school_a: School, apprentice: Student) -> None:
    document = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    with pytest.raises(PermissionDenied):
        accept_evidence(document, by=school_a.teacher)
    with pytest.raises(PermissionDenied):
        refuse_evidence(document, by=school_a.teacher, reason="Non.")
    with pytest.raises(PermissionDenied):
        accept_evidence(document, by=school_a.student_user)  # nor the student themselves
    document.refresh_from_db()
    assert document.status == EvidenceStatus.DEPOSITED


def test_a_student_cannot_deposit_for_another(school_a: School, apprentice: Student) -> None:
    other = candidate(school_a, pathway="apprentissage")
    with pytest.raises(PermissionDenied):
        deposit_evidence(other, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    assert stored_files() == []


def test_another_schools_staff_can_do_nothing(
    school_a: School, school_b: School, apprentice: Student
) -> None:
    with pytest.raises(PermissionDenied):
        deposit_evidence(apprentice, by=school_b.head, kind=CONTRACT, upload=pdf())
    document = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    with pytest.raises(PermissionDenied):
        accept_evidence(document, by=school_b.head)
    with pytest.raises(PermissionDenied):
        deposit_evidence(apprentice, by=school_a.other_teacher, kind=CONTRACT, upload=pdf())


def test_the_rectorat_reads_but_neither_deposits_nor_reviews(
    school_a: School, apprentice: Student, rectorat: Any
) -> None:
    with pytest.raises(PermissionDenied):
        deposit_evidence(apprentice, by=rectorat, kind=CONTRACT, upload=pdf())
    document = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    with pytest.raises(PermissionDenied):
        accept_evidence(document, by=rectorat)


# --- the database's own guards -----------------------------------------------------------------


def _row(student: Student, by: Any, **fields: Any) -> EvidenceDocument:
    values: dict[str, Any] = {
        "student": student,
        "kind": CERTIFICATE,
        "file_path": "evidence/2026/x.pdf",
        "file_size": 10,
        "file_sha256": "0" * 64,
        "file_kind": "pdf",
        "original_name": "x.pdf",
        "employer": "Mesures",
        "start": date(2025, 1, 1),
        "end": date(2025, 6, 30),
        "full_time": True,
        "in_sector": True,
        "deposited_by": by,
        **fields,
    }
    return EvidenceDocument(**values)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"end": date(2024, 12, 31)}, "La fin de l'emploi attesté précède son début."),
        ({"start": None}, "Un certificat de travail indique l'employeur, les dates"),
        ({"employer": ""}, "Un certificat de travail indique l'employeur, les dates"),
        ({"full_time": None}, "Un certificat de travail indique l'employeur, les dates"),
        ({"kind": CONTRACT}, "Seul un certificat de travail porte des dates"),
        ({"file_kind": "gif"}, "Seuls les PDF et les images PNG ou JPEG"),
        ({"file_size": 0}, "Le fichier est vide."),
    ],
)
def test_check_constraints_refuse_incoherent_rows_in_french(
    school_a: School, perfectionnement: Student, fields: dict[str, Any], message: str
) -> None:
    row = _row(perfectionnement, school_a.head, **fields)
    with pytest.raises(ValidationError) as invalid:
        row.validate_constraints()
    assert message in str(invalid.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_a_coherent_row_passes_the_constraints(school_a: School, perfectionnement: Student) -> None:
    row = _row(perfectionnement, school_a.head)
    row.validate_constraints()
    row.save()
    assert row.pk is not None
