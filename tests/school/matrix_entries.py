"""The URLs of issue 13 (a day's work) in the URL matrix (`tests/test_url_matrix.py` loads
`ENTRIES`): the establishment's settings, the student search, the reminder from a
convention's page."""

from __future__ import annotations

from tests.test_url_matrix import CONVENTION, NO_ARGS, Kwargs, World, row

ESTABLISHMENT: Kwargs = lambda w: {"pk": w.a.establishment.pk}  # noqa: E731

#             an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
ENTRIES = {
    # the head and the DDFPT edit the team settings; other staff and the rectorat read nothing
    "establishments:settings": (
        ESTABLISHMENT,
        "get",
        row("302  200  200  403  403  403  404  404  404  404  404  403  404"),
    ),
    # school staff and the rectorat search the students they see; students are refused
    "students:search": (
        NO_ARGS,
        "get",
        row("302  200  200  200  200  200  403  200  200  200  403  200  200"),
    ),
    # a POST on a draft: the managers are sent back to the page with a French message
    "conventions:remind": (
        CONVENTION,
        "post",
        row("302  302  302  302  403  404  403  404  404  404  404  403  404"),
    ),
}

__all__ = ["ENTRIES", "World"]
