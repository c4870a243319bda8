"""The account URLs in the URL matrix (`tests/test_url_matrix.py` loads `ENTRIES`):
invitations, forgotten password, password change."""

from __future__ import annotations

from typing import Any

from tests.test_url_matrix import NO_ARGS, PUBLIC, SIGNED_IN, Kwargs, World, row

#                an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
# school A's managers are sent back to the student's (or cohort's) page with a message (the
# student already has an account); the rest are refused, another school never sees them
INVITE = row("302  302  302  302  403  404  403  404  404  404  404  403  404")
INVITE_COHORT = row("302  302  302  302  403  404  404  404  404  404  404  403  404")
GONE = row("410  410  410  410  410  410  410  410  410  410  410  410  410")

STUDENT: Kwargs = lambda w: {"pk": w.a.student.pk}  # noqa: E731


def _cohort(w: World) -> dict[str, Any]:
    return {"pk": w.a.cohort.pk}


ENTRIES: dict[str, tuple[Kwargs, str, dict[str, int]]] = {
    "invite_student": (STUDENT, "post", INVITE),
    "invite_cohort": (_cohort, "post", INVITE_COHORT),
    "accept_invitation": (lambda w: {"token": "inconnu"}, "get", GONE),
    "password_reset": (NO_ARGS, "get", PUBLIC),
    "password_reset_done": (NO_ARGS, "get", PUBLIC),
    # an unknown link: the page says so (200), whoever asks
    "password_reset_confirm": (
        lambda w: {"uidb64": "MQ", "token": "inconnu-inconnu"},
        "get",
        PUBLIC,
    ),
    "password_reset_complete": (NO_ARGS, "get", PUBLIC),
    "password_change": (NO_ARGS, "get", SIGNED_IN),
}
