"""The report part of a student's dossier, read from the database (filled by the reports app)."""

from __future__ import annotations

from typing import Any


def contract_report(student: Any) -> dict[str, Any] | None:
    """The contract's `report` object for `student`, or None when nothing is on file."""
    return None
