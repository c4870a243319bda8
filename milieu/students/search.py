"""Finding a student by name or INE from the header (issue 13 §16).

Only the students the user sees (`visible_students`) are searched. The match ignores case and
accents on both databases without an extension: the visible students' names and INE are read as
plain tuples (one query), folded in Python, and only the page shown is fetched with its cohort
(a second query). Every word of the query must appear in the first name, last name or INE.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from milieu.people.requests import SignedInRequest
from milieu.permissions import Action, require, visible_students

if TYPE_CHECKING:
    from milieu.people.models import User

PAGE_SIZE = 25
MAX_QUERY = 100


def fold(text: str) -> str:
    """Lower case, without accents: « Éloïse » → « eloise »."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def matching_ids(user: User, query: str) -> list[int]:
    words = fold(query).split()
    if not words:
        return []
    found = []
    for pk, first, last, ine in (
        visible_students(user)
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", "first_name", "last_name", "ine")
    ):
        haystack = f"{fold(first)} {fold(last)} {fold(ine)}"
        if all(word in haystack for word in words):
            found.append(pk)
    return found


@login_required
def search(request: SignedInRequest) -> HttpResponse:
    require(request.user, Action.STUDENT_SEARCH)
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    ids = matching_ids(request.user, query) if query else []
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    by_pk = {
        s.pk: s
        for s in visible_students(request.user)
        .filter(pk__in=list(page.object_list))
        .select_related("cohort", "cohort__establishment")
    }
    return render(
        request,
        "students/search.html",
        {
            "query": query,
            "page": page,
            "students": [by_pk[pk] for pk in page.object_list if pk in by_pk],
        },
    )
