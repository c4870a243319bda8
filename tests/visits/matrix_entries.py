"""The visit screens' rows of `tests/test_url_matrix.py` (merged there by `_load_entries`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.test_url_matrix import World, row


def _convention(w: World) -> Any:
    """A signed convention of school A's student, made on first use."""
    if "visit_convention" not in w.objects:
        from datetime import date

        from milieu.factories import ConventionFactory

        convention = ConventionFactory.create(
            signed=True,
            student=w.a.student,
            host=w.objects["host"],
            tutor=w.objects["tutor"],
            periods=[(date(2028, 5, 29), date(2028, 7, 7))],
            created_by=w.a.teacher,
            referent=w.a.teacher,
        )
        w.objects["visit_convention"] = convention
    return w.objects["visit_convention"]


def _visit(w: World) -> Any:
    """A visit planned by school A's teacher, for that convention."""
    if "visit" not in w.objects:
        from milieu.visits.models import Visit

        w.objects["visit"] = Visit.objects.create(
            convention=_convention(w),
            period=_convention(w).periods.get(active=True),
            teacher=w.a.teacher,
            planned_by=w.a.teacher,
            planned_at=datetime(2028, 6, 5, 8, 0, tzinfo=UTC),
        )
    return w.objects["visit"]


#                 an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
SIGNED_IN = row("302  200  200  200  200  200  200  200  200  200  200  200  200")

ENTRIES: dict[str, tuple[Callable[[World], dict[str, Any]], str, dict[str, int]]] = {
    # the pedagogical team plans (head, DDFPT, the cohort's teacher)
    "visits:plan": (
        lambda w: {"pk": _convention(w).pk},
        "get",
        row("302  200  200  403  200  404  403  404  404  404  404  403  404"),
    ),
    # whoever sees the convention reads its visits, period by period, and each visit
    "visits:convention": (
        lambda w: {"pk": _convention(w).pk},
        "get",
        row("302  200  200  200  200  404  200  404  404  404  404  200  404"),
    ),
    "visits:detail": (
        lambda w: {"pk": _visit(w).pk},
        "get",
        row("302  200  200  200  200  404  200  404  404  404  404  200  404"),
    ),
    # an empty POST: the team is sent back to the visit with "Indiquez le motif"
    "visits:cancel": (
        lambda w: {"pk": _visit(w).pk},
        "post",
        row("302  302  302  403  302  404  403  404  404  404  404  403  404"),
    ),
    # everyone's own calendar (empty for most)
    "visits:calendar": (lambda w: {}, "get", SIGNED_IN),
    "visits:calendar_ics": (lambda w: {}, "get", SIGNED_IN),
    # an empty POST: the school's staff see their calendar again with "Cochez la case"
    "visits:feed_create": (
        lambda w: {},
        "post",
        row("302  200  200  200  200  200  403  200  200  200  403  403  403"),
    ),
    # an empty POST: nothing to revoke, back to the calendar with a message
    "visits:feed_revoke": (
        lambda w: {},
        "post",
        row("302  302  302  302  302  302  403  302  302  302  403  403  403"),
    ),
    # the public feed: an unknown token is a 404 for everyone
    "visits:feed_ics": (
        lambda w: {"token": "inconnu"},
        "get",
        row("404  404  404  404  404  404  404  404  404  404  404  404  404"),
    ),
    "visits:alerts": (
        lambda w: {},
        "get",
        row("302  200  200  200  200  200  403  200  200  200  403  200  200"),
    ),
}
