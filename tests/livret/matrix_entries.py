"""The livret URLs in the URL matrix (`tests/test_url_matrix.py` loads `ENTRIES`)."""

from __future__ import annotations

from typing import Any

from tests.test_url_matrix import Kwargs, World, row


def _job(w: World) -> Any:
    """A finished edition of school A's cohort (its PDF stored), made on first use."""
    if "livret_job" not in w.objects:
        from milieu.livret.enums import LivretStatus
        from milieu.livret.models import LivretJob

        content = b"%PDF-1.4\n%%EOF\n"
        w.objects["livret_job"] = LivretJob.objects.create(
            cohort=w.a.cohort,
            requested_by=w.a.ddfpt,
            status=LivretStatus.DONE,
            total=1,
            done=1,
            pages=1,
            content=content,
            sha256=LivretJob.digest(content),
        )
    return w.objects["livret_job"]


JOB: Kwargs = lambda w: {"pk": _job(w).pk}  # noqa: E731

# the managers and the cohort's teacher; the rectorat sees the cohort but may not edit (403)
#                an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
COHORT_STAFF = row("302  200  200  200  200  404  404  404  404  404  404  403  404")

ENTRIES: dict[str, tuple[Kwargs, str, dict[str, int]]] = {
    # school A's cohort is a BTS CIEL one: the page says there is nothing to edit
    "livret:cohort": (lambda w: {"cohort_pk": w.a.cohort.pk}, "get", COHORT_STAFF),
    "livret:job": (JOB, "get", COHORT_STAFF),
    "livret:download": (JOB, "get", COHORT_STAFF),
}
