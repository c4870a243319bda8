from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through ``django_htmx.middleware.HtmxMiddleware``."""

    htmx: HtmxDetails


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
