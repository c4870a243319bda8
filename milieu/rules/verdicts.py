"""The engine's output, typed (contract v1.1, ``shared/spec/dossier.md``, "The verdict").

A verdict is a plain dict (its keys in the contract's order, so that `dumps_verdict` prints the
same text at every door); these TypedDicts say what it holds. A dossier that cannot be judged
gets only ``id`` and ``error``; a judged one gets every other key and no ``error``.

Pure Python, no Django.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

Status = Literal["compliant", "pending", "non-compliant"]


class Finding(TypedDict):
    code: str
    severity: str  # "info", "warning" or "blocking": the rule's, as the catalogue says
    message: str
    ref: str  # the catalogue rule that produced it
    detail: NotRequired[Any]  # a list of indexes or keys, or an object of figures, per code


class WeeksRequired(TypedDict):
    min: int | float
    max: int | float | None


class VerdictError(TypedDict):
    field: str  # a JSON pointer into the dossier ("" for the whole dossier)
    message: str  # in French


class Verdict(TypedDict):
    id: str | None
    diploma: NotRequired[str]
    pathway: NotRequired[str]
    status: NotRequired[Status]
    weeks_completed: NotRequired[float]
    weeks_required: NotRequired[WeeksRequired]
    findings: NotRequired[list[Finding]]
    error: NotRequired[VerdictError]
