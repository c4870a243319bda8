"""Middleware of the whole site: security headers, the idle session timeout, French 404 pages.

- `SecurityHeadersMiddleware`: the Content-Security-Policy of ``settings.CONTENT_SECURITY_POLICY``
  on every response but PDFs (the browser's PDF viewer is a page of its own), and
  ``Cache-Control: no-store`` on every response the application makes: pages of a signed-in
  person hold personal data, and so do the pages opened by a link without an account (tutor,
  signatories) and the checker's answers. Static files are served apart and stay cacheable.
- `IdleSessionMiddleware`: a session ends after ``SESSION_IDLE_TIMEOUT`` seconds without a
  request; the next request is anonymous and the login page says why.
- `FrenchNotFoundMiddleware`: with ``DEBUG`` on, Django answers a missing page or an object out
  of the user's scope with its English technical page; this one serves the French 404 page
  instead, unless ``DEBUG_TECHNICAL_404`` is on.
- `RefusedMiddleware`: an operation's refusal that no view caught becomes its French message on
  the page the person came from.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.defaults import page_not_found
from django_htmx.http import HttpResponseClientRedirect

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.http import client_ip
from milieu.refusals import Refused

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class SecurityHeadersMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        content_type = str(response.get("Content-Type", ""))
        if "Content-Security-Policy" not in response and not content_type.startswith(
            "application/pdf"
        ):
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        if "no-store" not in str(response.get("Cache-Control", "")):
            # (a view that already forbids storing, e.g. a stored document, keeps its header)
            add_never_cache_headers(response)
        return response


# The session's last request, as a POSIX timestamp; written at most once a minute.
LAST_SEEN = "milieu_last_seen"
_REFRESH_SECONDS = 60


def idle_timeout_text(seconds: int) -> str:
    """« 2 h », « 1 h 30 min », « 45 min »."""
    hours, minutes = divmod(seconds // 60, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    return f"{minutes} min"


def start_idle_clock(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """`user_logged_in` receiver (connected in `PeopleConfig.ready`): the idle clock starts at
    the login, so that the first request after it need not write the session."""
    if hasattr(request, "session"):
        request.session[LAST_SEEN] = time.time()


class IdleSessionMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN)
            timeout = int(settings.SESSION_IDLE_TIMEOUT)
            if isinstance(last_seen, int | float) and now - last_seen > timeout:
                record(
                    AuditAction.LOGOUT,
                    actor=user,
                    ip=client_ip(request),
                    changes={"motif": "inactivité"},
                )
                logout(request)
                messages.info(
                    request,
                    f"Votre session a pris fin après {idle_timeout_text(timeout)} sans activité. "
                    "Reconnectez-vous pour continuer.",
                )
                if getattr(request, "htmx", False):
                    # a fragment asked by htmx: the whole page goes to the login form, rather
                    # than the login form being swapped into a piece of the page
                    return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
            elif not isinstance(last_seen, int | float) or now - last_seen >= _REFRESH_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class FrenchNotFoundMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    @staticmethod
    def _active() -> bool:
        return bool(settings.DEBUG) and not settings.DEBUG_TECHNICAL_404

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # no URL pattern matched (the resolver found no view): Django's technical page
        if self._active() and response.status_code == 404 and request.resolver_match is None:
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view raised Http404 (an object that does not exist or is out of scope)."""
        if self._active() and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


class RefusedMiddleware:
    """A refusal no view caught (`milieu.refusals.Refused`): its French message on the page the
    person came from (or the same address, read again), never a server error."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Refused):
            return None
        htmx = bool(getattr(request, "htmx", False))
        back = request.META.get("HTTP_REFERER", "")
        if not back and htmx:
            back = request.headers.get("HX-Current-URL", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            # the same address, read again (a browser sends the Referer of a same-site page)
            back = request.path
        messages.error(request, exception.user_message())
        if htmx:
            return HttpResponseClientRedirect(back)
        return HttpResponseRedirect(back)
