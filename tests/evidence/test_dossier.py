"""The dossier's `apprenticeship_evidence` and `work_certificates` come from accepted documents,
and the regulation engine's verdict follows them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from milieu.evidence.enums import EvidenceKind, EvidenceStatus
from milieu.evidence.models import EvidenceDocument
from milieu.evidence.operations import (
    accept_evidence,
    deposit_evidence,
    refuse_evidence,
    withdraw_evidence,
)
from milieu.evidence.queries import evidence_fields
from milieu.exams.assembly import build_dossier
from milieu.rules import evaluate
from milieu.students.models import Student
from tests.evidence.conftest import School, account, pdf
from tests.security.samples import one_page_pdf

CERTIFICATE = EvidenceKind.WORK_CERTIFICATE


def certificate(
    student: Student,
    by: Any,
    start: date,
    end: date,
    *,
    full_time: bool = True,
    in_sector: bool = True,
    name: str = "certificat.pdf",
) -> EvidenceDocument:
    """A work certificate deposited by `by`; each one is a different file."""
    content = one_page_pdf(f"{start}-{end}-{full_time}-{in_sector}")
    return deposit_evidence(
        student,
        by=by,
        kind=CERTIFICATE,
        upload=pdf(name, content),
        employer="Mesures de l'Est",
        start=start,
        end=end,
        full_time=full_time,
        in_sector=in_sector,
    )


def verdict(student: Student) -> dict[str, Any]:
    today = timezone.localdate()
    return evaluate(build_dossier(student, as_of=today), today=today)


def codes(student: Student) -> set[str]:
    return {f["code"] for f in verdict(student)["findings"]}


# --- evidence_fields -------------------------------------------------------------------------


def test_nothing_on_file(apprentice: Student) -> None:
    assert evidence_fields(apprentice) == {
        "apprenticeship_evidence": False,
        "work_certificates": [],
    }


def test_only_accepted_apprenticeship_documents_count(
    school_a: School, apprentice: Student
) -> None:
    waiting = deposit_evidence(
        apprentice,
        by=school_a.student_user,
        kind=EvidenceKind.APPRENTICESHIP_CONTRACT,
        upload=pdf(),
    )
    assert evidence_fields(apprentice)["apprenticeship_evidence"] is False
    refuse_evidence(waiting, by=school_a.head, reason="Illisible.")
    assert evidence_fields(apprentice)["apprenticeship_evidence"] is False

    attestation = deposit_evidence(
        apprentice,
        by=school_a.student_user,
        kind=EvidenceKind.EMPLOYER_ATTESTATION,
        upload=pdf("attestation.pdf", one_page_pdf("attestation")),
    )
    accept_evidence(attestation, by=school_a.secretary)
    assert evidence_fields(apprentice) == {
        "apprenticeship_evidence": True,
        "work_certificates": [],
    }


def test_accepted_certificates_in_date_order_the_others_left_out(
    school_a: School, perfectionnement: Student
) -> None:
    by = account(perfectionnement)
    late = certificate(perfectionnement, by, date(2026, 1, 1), date(2026, 3, 31), full_time=False)
    early = certificate(perfectionnement, by, date(2025, 2, 1), date(2025, 5, 31), in_sector=False)
    refused = certificate(perfectionnement, by, date(2025, 6, 1), date(2025, 8, 31))
    withdrawn = certificate(perfectionnement, by, date(2025, 9, 1), date(2025, 9, 30))
    certificate(perfectionnement, by, date(2025, 10, 1), date(2025, 10, 31))  # waiting
    same_start = certificate(perfectionnement, by, date(2025, 2, 1), date(2025, 3, 31))
    for document in (late, early, same_start):
        accept_evidence(document, by=school_a.head)
    refuse_evidence(refused, by=school_a.head, reason="Dates raturées.")
    withdraw_evidence(withdrawn, by=by)

    assert evidence_fields(perfectionnement) == {
        "apprenticeship_evidence": False,
        "work_certificates": [
            {"start": "2025-02-01", "end": "2025-03-31", "full_time": True, "in_sector": True},
            {"start": "2025-02-01", "end": "2025-05-31", "full_time": True, "in_sector": False},
            {"start": "2026-01-01", "end": "2026-03-31", "full_time": False, "in_sector": True},
        ],
    }


def test_evidence_fields_is_one_query(
    school_a: School, perfectionnement: Student, django_assert_num_queries: Any
) -> None:
    for month in range(1, 6):
        document = certificate(
            perfectionnement, school_a.head, date(2025, month, 1), date(2025, month, 28)
        )
        assert document.status == EvidenceStatus.ACCEPTED
    with django_assert_num_queries(1):
        fields = evidence_fields(perfectionnement)
    assert len(fields["work_certificates"]) == 5


def test_the_dossier_carries_the_evidence(school_a: School, perfectionnement: Student) -> None:
    certificate(perfectionnement, school_a.head, date(2025, 6, 1), date(2025, 12, 31))
    dossier = build_dossier(perfectionnement, as_of=date(2026, 11, 23))
    assert dossier["work_certificates"] == [
        {"start": "2025-06-01", "end": "2025-12-31", "full_time": True, "in_sector": True}
    ]
    assert dossier["apprenticeship_evidence"] is False


# --- the engine's verdict ----------------------------------------------------------------------


def test_an_apprentice_is_no_longer_missing_evidence_once_the_contract_is_accepted(
    school_a: School, apprentice: Student
) -> None:
    before = verdict(apprentice)
    finding = next(f for f in before["findings"] if f["code"] == "APPRENTICESHIP_EVIDENCE_MISSING")
    assert finding["severity"] == "blocking"
    assert "contrat" in finding["message"]
    assert before["status"] == "non-compliant"

    document = deposit_evidence(
        apprentice,
        by=school_a.student_user,
        kind=EvidenceKind.APPRENTICESHIP_CONTRACT,
        upload=pdf(),
    )
    assert "APPRENTICESHIP_EVIDENCE_MISSING" in codes(apprentice)  # waiting for review
    accept_evidence(document, by=school_a.ddfpt)
    after = verdict(apprentice)
    assert "APPRENTICESHIP_EVIDENCE_MISSING" not in {f["code"] for f in after["findings"]}
    assert not [f for f in after["findings"] if f["severity"] == "blocking"]


def test_a_professional_experience_candidate_becomes_compliant_with_a_certificate(
    school_a: School, experienced: Student
) -> None:
    before = verdict(experienced)
    assert before["status"] == "non-compliant"
    assert "WORK_CERTIFICATES_MISSING" in {f["code"] for f in before["findings"]}

    document = certificate(experienced, experienced.user, date(2024, 9, 1), date(2025, 8, 31))
    assert verdict(experienced)["status"] == "non-compliant"  # not accepted yet
    accept_evidence(document, by=school_a.head)

    after = verdict(experienced)
    assert after["status"] == "compliant"
    assert after["findings"] == []


def test_a_perfectionnement_candidate_needs_182_full_time_days_in_the_year(
    school_a: School, perfectionnement: Student
) -> None:
    # exam 1 June 2026: the year before it runs from 1 June 2025 to 31 May 2026
    first = verdict(perfectionnement)
    [short] = [f for f in first["findings"] if f["code"] == "WORK_EXPERIENCE_INSUFFICIENT"]
    assert short["detail"] == {"full_time_days": 0, "any_time_days": 0}

    # 120 days full time (January to April 2026), one out of the sector, one part time
    certificate(perfectionnement, school_a.head, date(2026, 1, 1), date(2026, 4, 30))
    certificate(
        perfectionnement, school_a.head, date(2025, 6, 1), date(2025, 12, 31), in_sector=False
    )
    certificate(
        perfectionnement, school_a.head, date(2025, 9, 1), date(2025, 10, 31), full_time=False
    )
    [short] = [
        f
        for f in verdict(perfectionnement)["findings"]
        if f["code"] == "WORK_EXPERIENCE_INSUFFICIENT"
    ]
    assert short["detail"] == {"full_time_days": 120, "any_time_days": 181}
    assert "120 jours à temps plein" in short["message"]
    assert "182 requis" in short["message"]

    # 62 more full-time days in the sector: 182
    certificate(perfectionnement, school_a.head, date(2025, 10, 31), date(2025, 12, 31))
    assert "WORK_EXPERIENCE_INSUFFICIENT" not in codes(perfectionnement)


def test_a_year_part_time_in_two_years_is_enough_too(
    school_a: School, perfectionnement: Student
) -> None:
    certificate(
        perfectionnement, school_a.head, date(2024, 6, 1), date(2025, 5, 30), full_time=False
    )
    assert "WORK_EXPERIENCE_INSUFFICIENT" in codes(perfectionnement)  # 364 days
    certificate(
        perfectionnement, school_a.head, date(2025, 5, 31), date(2025, 5, 31), full_time=False
    )
    assert "WORK_EXPERIENCE_INSUFFICIENT" not in codes(perfectionnement)  # 365 days
