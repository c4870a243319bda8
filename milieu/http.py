from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from milieu.people.models import User


class HtmxHttpRequest(HttpRequest):
    """A request that went through ``django_htmx.middleware.HtmxMiddleware``."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind `login_required`: its user is an account (`by: User` of an operation)."""

    user: User


def client_ip(request: HttpRequest) -> str | None:
    """The address recorded beside an action (signatures, follow-up, reports): REMOTE_ADDR, which
    a deployment behind a proxy must set to the client's address."""
    return request.META.get("REMOTE_ADDR") or None


def stored_file_response(
    content: bytes | memoryview,
    *,
    sha256: str,
    filename: str,
    content_type: str = "application/pdf",
    inline: bool = False,
) -> HttpResponse:
    """A stored document sent back as it is kept (never rebuilt), with its SHA-256 so that the
    receiver can check it; never cached by a shared cache, never sniffed as another type."""
    response = HttpResponse(bytes(content), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    response["X-Content-SHA256"] = sha256
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


_ID_DIGITS = frozenset("0123456789")
MAX_ID = 2**63 - 1
"""The largest primary key a database column holds (PostgreSQL bigint)."""


def parse_id(value: object) -> int | None:
    """A primary key written in ASCII digits (``"42"``), else None: never `int()` on what
    `str.isdigit()` accepts, which lets through ``²`` (a 500), ``١`` or full-width digits. No
    sign, no space, nothing beyond a database column's range."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str) or not 0 < len(value) <= 19 or not set(value) <= _ID_DIGITS:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def int_param(request: HttpRequest, name: str, *, data: Any = None) -> int | None:
    """The identifier `name` of the query string (or of `data`, e.g. ``request.POST``): None
    when absent or empty, `BadRequest` (a French 400 page) when it is not a number."""
    raw = (request.GET if data is None else data).get(name)
    if raw is None or raw == "":
        return None
    number = parse_id(raw)
    if number is None:
        raise BadRequest(f"Le paramètre « {name} » doit être un numéro écrit en chiffres (0 à 9).")
    return number
