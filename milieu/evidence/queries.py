"""The evidence part of a student's dossier, read from the database (filled by the evidence app)."""

from __future__ import annotations

from typing import Any


def evidence_fields(student: Any) -> dict[str, Any]:
    """`apprenticeship_evidence` and `work_certificates` of the contract for `student`."""
    return {"apprenticeship_evidence": False, "work_certificates": []}
