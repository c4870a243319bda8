"""The follow-up URLs in the URL matrix (`tests/test_url_matrix.py` loads `ENTRIES`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.test_url_matrix import Kwargs, World, row


def _signed(w: World) -> Any:
    """School A's student's signed convention (dates clear of the matrix's draft), with a
    tutor's link and a certificate, made on first use."""
    if "followup_convention" not in w.objects:
        from milieu.conventions.models import Convention
        from milieu.conventions.operations import create_convention
        from milieu.followup.operations import issue_certificate, issue_tutor_link, resolve_access

        convention = create_convention(
            student=w.a.student,
            host=w.objects["host"],
            periods=[(date(2027, 1, 4), date(2027, 2, 12))],
            by=w.a.teacher,
            tutor=w.objects["tutor"],
            activities="Maintenance",
        )
        Convention.objects.filter(pk=convention.pk).update(status="signed")
        convention.refresh_from_db()
        tutor = w.objects["tutor"]
        tutor.email = tutor.email or "tuteur@matrice.fr"
        tutor.save()
        access = resolve_access(issue_tutor_link(convention, by=w.a.ddfpt))
        period = convention.active_periods().get()
        issue_certificate(access, period, tutor_name="Jean Tuteur")
        w.objects["followup_convention"] = convention
        w.objects["followup_access"] = access
        w.objects["followup_period"] = period
    return w.objects["followup_convention"]


CONVENTION: Kwargs = lambda w: {"pk": _signed(w).pk}  # noqa: E731
TOKEN: Kwargs = lambda w: {"token": "inconnu"}  # noqa: E731

#              an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
GONE = row("410  410  410  410  410  410  410  410  410  410  410  410  410")
READ = row("302  200  200  200  200  404  403  404  404  404  404  200  404")
MANAGE = row("302  302  302  302  302  404  403  404  404  404  404  403  404")

ENTRIES: dict[str, tuple[Kwargs, str, dict[str, int]]] = {
    "followup:tutor": (TOKEN, "get", GONE),
    "followup:tutor_certificate": (lambda w: {"token": "inconnu", "period_pk": 1}, "get", GONE),
    "followup:convention": (CONVENTION, "get", READ),
    "followup:certificate": (
        lambda w: {"pk": _signed(w).pk, "period_pk": w.objects["followup_period"].pk},
        "get",
        READ,
    ),
    "followup:issue_link": (CONVENTION, "post", MANAGE),
    "followup:revoke_link": (
        lambda w: {"pk": _signed(w).pk, "access_pk": w.objects["followup_access"].pk},
        "post",
        MANAGE,
    ),
}
