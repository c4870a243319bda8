"""The evidence part of a student's dossier, read from the database (filled by the evidence app)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from milieu.evidence.enums import (
    APPRENTICESHIP_KINDS,
    REPEATER_CONTRACT_KINDS,
    EvidenceKind,
    EvidenceStatus,
)
from milieu.evidence.models import EvidenceDocument

_COLUMNS = ("kind", "start", "end", "full_time", "in_sector")
# the documents in date order; of two repeater contracts, the last deposited counts
_ORDER = ("start", "end", "deposited_at", "pk")


def evidence_fields(student: Any) -> dict[str, Any]:
    """`apprenticeship_evidence` and `work_certificates` of the contract for `student`.

    Only accepted documents count: a deposit waiting for review, refused or withdrawn is not on
    file. Work certificates come in date order (start, end). One query.
    """
    facts = evidence_facts(student)
    return {
        "apprenticeship_evidence": facts.apprenticeship_evidence,
        "work_certificates": facts.work_certificates,
    }


@dataclass
class EvidenceFacts:
    """What the accepted documents put in a dossier (contract v1.1), read in one query."""

    apprenticeship_evidence: bool = False
    work_certificates: list[dict[str, Any]] = field(default_factory=list)
    # an in-sector work certificate: the BEP dispense (000 §3) where the pathway has it
    in_sector_certificate: bool = False
    # `repeater.contract`: the last accepted of the two repeater contracts
    repeater_contract: str | None = None
    # `repeater.previous_evaluation`
    previous_evaluation: bool = False


def evidence_facts(student: Any) -> EvidenceFacts:
    """The accepted documents of `student` as the dossier reads them. The contract an
    apprentice repeater presents (extended, or with a new employer) is also the proof of their
    apprentice status (001 §2.2 and §5). One query."""
    rows = (
        EvidenceDocument.objects.filter(student_id=student.pk, status=EvidenceStatus.ACCEPTED)
        .order_by(*_ORDER)
        .values_list(*_COLUMNS)
    )
    return facts_from(rows)


def evidence_facts_by_student(student_ids: Any) -> dict[int, EvidenceFacts]:
    """`evidence_facts` of many students at once (one query); a student without an accepted
    document is absent (`EvidenceFacts()` is theirs)."""
    rows: dict[int, list[tuple[Any, ...]]] = {}
    for student_id, *row in (
        EvidenceDocument.objects.filter(student_id__in=student_ids, status=EvidenceStatus.ACCEPTED)
        .order_by("student_id", *_ORDER)
        .values_list("student_id", *_COLUMNS)
    ):
        rows.setdefault(student_id, []).append(tuple(row))
    return {student_id: facts_from(found) for student_id, found in rows.items()}


def facts_from(rows: Iterable[tuple[Any, ...]]) -> EvidenceFacts:
    """The facts from the accepted documents' (kind, start, end, full_time, in_sector), in
    date order."""
    facts = EvidenceFacts()
    for kind, start, end, full_time, in_sector in rows:
        if kind in APPRENTICESHIP_KINDS:
            facts.apprenticeship_evidence = True
        elif kind in REPEATER_CONTRACT_KINDS:
            facts.apprenticeship_evidence = True
            facts.repeater_contract = REPEATER_CONTRACT_KINDS[kind]
        elif kind == EvidenceKind.PREVIOUS_EVALUATION:
            facts.previous_evaluation = True
        elif kind == EvidenceKind.WORK_CERTIFICATE and start is not None and end is not None:
            # a work certificate always has its dates (check constraint)
            facts.work_certificates.append(
                {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "full_time": bool(full_time),
                    "in_sector": bool(in_sector),
                }
            )
            facts.in_sector_certificate = facts.in_sector_certificate or bool(in_sector)
    return facts
