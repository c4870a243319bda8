"""The apprenticeships' URLs in the URL matrix (`tests/test_url_matrix.py` loads `ENTRIES`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from tests.test_url_matrix import Kwargs, World, row


def _apprenticeship(w: World) -> Any:
    """An apprenticeship of school A's student, recorded by its DDFPT (made on first use)."""
    if "apprenticeship" not in w.objects:
        from milieu.apprenticeships.models import Apprenticeship
        from milieu.factories import valid_siret

        w.objects["apprenticeship"] = Apprenticeship.objects.create(
            student=w.a.student,
            employer="Réseaux de l'Est",
            siret=valid_siret(7),
            master_name="Claire Weber",
            master_email="claire.weber@reseaux-est.fr",
            start=date(2026, 9, 1),
            end=date(2028, 8, 31),
            recorded_by=w.a.ddfpt,
        )
    return w.objects["apprenticeship"]


def _access(w: World) -> Any:
    if "employer_access" not in w.objects:
        from milieu.apprenticeships.models import EmployerAccess

        w.objects["employer_access"] = EmployerAccess.objects.create(
            apprenticeship=_apprenticeship(w),
            token_hash="0" * 64,
            expires_at=timezone.now() + timedelta(days=30),
            created_by=w.a.ddfpt,
            sent_to="claire.weber@reseaux-est.fr",
        )
    return w.objects["employer_access"]


TOKEN: Kwargs = lambda w: {"token": "inconnu"}  # noqa: E731
TOKEN_DEPOSIT: Kwargs = lambda w: {"token": "inconnu", "deposit_pk": 1}  # noqa: E731

#              an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
READ = row("302  200  200  200  200  404  200  404  404  404  404  200  404")
# the managers and the cohort's teachers record and send (sent back to the page)
MANAGE = row("302  302  302  302  302  404  403  404  404  404  404  403  404")
# the pedagogical team co-signs the grid: not the secretariat
COSIGN = row("302  302  302  403  302  404  403  404  404  404  404  403  404")
# nothing co-signed yet: those who may read find nothing
NO_PDF = row("302  404  404  404  404  404  404  404  404  404  404  404  404")
GONE = row("410  410  410  410  410  410  410  410  410  410  410  410  410")

ENTRIES: dict[str, tuple[Kwargs, str, dict[str, int]]] = {
    "apprenticeships:student": (lambda w: {"student_pk": w.a.student.pk}, "get", READ),
    "apprenticeships:send_link": (lambda w: {"pk": _apprenticeship(w).pk}, "post", MANAGE),
    "apprenticeships:revoke_link": (
        lambda w: {"pk": _apprenticeship(w).pk, "access_pk": _access(w).pk},
        "post",
        MANAGE,
    ),
    "apprenticeships:cosign": (lambda w: {"pk": _apprenticeship(w).pk}, "post", COSIGN),
    "apprenticeships:evaluation_pdf": (lambda w: {"pk": _apprenticeship(w).pk}, "get", NO_PDF),
    "apprenticeships:employer": (TOKEN, "get", GONE),
    "apprenticeships:employer_evaluation": (TOKEN, "get", GONE),
    "apprenticeships:employer_report": (TOKEN_DEPOSIT, "get", GONE),
    "apprenticeships:employer_endorse": (TOKEN_DEPOSIT, "post", GONE),
}
