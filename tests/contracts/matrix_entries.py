"""The special contracts' URLs in the URL matrix (`tests/test_url_matrix.py` loads `ENTRIES`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.test_url_matrix import Kwargs, World, row


def _contract(w: World) -> Any:
    """A contract of school A's student, recorded by its DDFPT (made on first use)."""
    if "special_contract" not in w.objects:
        from milieu.contracts.models import SpecialContract
        from milieu.factories import valid_siret

        w.objects["special_contract"] = SpecialContract.objects.create(
            student=w.a.student,
            kind="professionnalisation",
            employer="Réseaux de l'Est",
            siret=valid_siret(7),
            start=date(2026, 1, 5),
            end=date(2026, 6, 30),
            recorded_by=w.a.ddfpt,
        )
    return w.objects["special_contract"]


#              an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
READ = row("302  200  200  200  200  404  200  404  404  404  404  200  404")
# the managers state the fit (sent back to the page); the others may not
CONFIRM = row("302  302  302  302  403  404  403  404  404  404  404  403  404")

ENTRIES: dict[str, tuple[Kwargs, str, dict[str, int]]] = {
    "contracts:student": (lambda w: {"student_pk": w.a.student.pk}, "get", READ),
    "contracts:confirm": (lambda w: {"pk": _contract(w).pk}, "post", CONFIRM),
}
