from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through ``django_htmx.middleware.HtmxMiddleware``."""

    htmx: HtmxDetails


def client_ip(request: HttpRequest) -> str | None:
    """The address recorded beside an action (signatures, follow-up, reports): REMOTE_ADDR, which
    a deployment behind a proxy must set to the client's address."""
    return request.META.get("REMOTE_ADDR") or None
