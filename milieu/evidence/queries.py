"""The evidence part of a student's dossier, read from the database (filled by the evidence app)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from milieu.evidence.enums import APPRENTICESHIP_KINDS, EvidenceKind, EvidenceStatus
from milieu.evidence.models import EvidenceDocument


def evidence_fields(student: Any) -> dict[str, Any]:
    """`apprenticeship_evidence` and `work_certificates` of the contract for `student`.

    Only accepted documents count: a deposit waiting for review, refused or withdrawn is not on
    file. Work certificates come in date order (start, end). One query.
    """
    rows = (
        EvidenceDocument.objects.filter(student_id=student.pk, status=EvidenceStatus.ACCEPTED)
        .order_by("start", "end", "pk")
        .values_list("kind", "start", "end", "full_time", "in_sector")
    )
    return fields_from(rows)


def evidence_fields_by_student(student_ids: Any) -> dict[int, dict[str, Any]]:
    """`evidence_fields` of many students at once (one query); a student without an accepted
    document is absent (`fields_from([])` is theirs)."""
    rows: dict[int, list[tuple[Any, ...]]] = {}
    for student_id, *row in (
        EvidenceDocument.objects.filter(student_id__in=student_ids, status=EvidenceStatus.ACCEPTED)
        .order_by("student_id", "start", "end", "pk")
        .values_list("student_id", "kind", "start", "end", "full_time", "in_sector")
    ):
        rows.setdefault(student_id, []).append(tuple(row))
    return {student_id: fields_from(found) for student_id, found in rows.items()}


def fields_from(rows: Iterable[tuple[Any, ...]]) -> dict[str, Any]:
    """The two fields from the accepted documents' (kind, start, end, full_time, in_sector),
    in date order."""
    apprenticeship = False
    certificates: list[dict[str, Any]] = []
    for kind, start, end, full_time, in_sector in rows:
        if kind in APPRENTICESHIP_KINDS:
            apprenticeship = True
        elif kind == EvidenceKind.WORK_CERTIFICATE and start is not None and end is not None:
            # a work certificate always has its dates (check constraint)
            certificates.append(
                {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "full_time": bool(full_time),
                    "in_sector": bool(in_sector),
                }
            )
    return {"apprenticeship_evidence": apprenticeship, "work_certificates": certificates}
