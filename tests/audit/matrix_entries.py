"""The audit journal in the URL matrix (`tests/test_url_matrix.py` loads `ENTRIES`)."""

from __future__ import annotations

from typing import Any

from tests.test_url_matrix import Kwargs, row

SCHOOL_A: Kwargs = lambda w: {"establishment_pk": w.a.establishment.pk}  # noqa: E731

# only school A's head; the staff and the rectorat who see the establishment are refused (403),
# everybody else does not see it (404)
#                 an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
HEAD_A_ONLY = row("302  200  403  403  403  403  404  404  404  404  404  403  404")

ENTRIES: dict[str, tuple[Kwargs, str, dict[str, Any]]] = {
    "audit:journal": (SCHOOL_A, "get", HEAD_A_ONLY),
}
