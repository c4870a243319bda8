"""One page of a long list, at a cost that does not grow with the list (issue 15).

The page's rows are found by a narrow query (the pks alone, in the list's order, with its
filters), then read with their parties (`select_related`, `prefetch_related`) by pk. A single
query joining every party *and* filtering by visibility has more relations than PostgreSQL
reorders (`join_collapse_limit`): it would join every row of the table before filtering. The
template shows the page with `hosts/_pagination.html` (DSFR), which keeps the other query
parameters (filters, search) in its links."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any],
    per_page: int | None = None,
    param: str = "page",
    count: int | None = None,
) -> Page[Any]:
    """The page asked for by `?page=` (the first one when it is not a number, the last one when
    it is past the end: never an error). Three queries whatever the list's length (count, pks,
    rows), plus the queryset's prefetches; two when the caller already knows the `count`."""
    pks = queryset.values_list("pk", flat=True)
    paginator = Paginator(pks, per_page or PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached_property: known already, not counted again
    page = paginator.get_page(request.GET.get(param))
    wanted = list(page.object_list)
    found = {obj.pk: obj for obj in queryset.filter(pk__in=wanted)} if wanted else {}
    page.object_list = [found[pk] for pk in wanted if pk in found]
    return page
