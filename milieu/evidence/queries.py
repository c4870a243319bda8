"""The evidence part of a student's dossier, read from the database (filled by the evidence app)."""

from __future__ import annotations

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
