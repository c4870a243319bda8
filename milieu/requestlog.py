"""One log line per request, and log lines a machine can read.

- `RequestLogMiddleware` (first in ``MIDDLEWARE``): gives each request an id (the
  ``X-Request-ID`` header a proxy sent, when it is a short plain token; otherwise a new one),
  returns it in the response's ``X-Request-ID``, and logs on ``milieu.requests`` the method, the
  path (never the query string; the secret tokens of signature, tutor, invitation and password
  links replaced by ``…``), the status, the duration in milliseconds and the user's id — never a
  name nor an e-mail address.
- `RequestIdFilter` puts that id on every log record written during the request, so that an
  error's traceback can be matched with its request line.
- `JsonFormatter` writes each record as one JSON object on one line (``LOG_FORMAT=json``).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sentry_sdk
from django.core.signals import request_finished
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import empty

logger = logging.getLogger("milieu.requests")

HEADER = "X-Request-ID"
NO_REQUEST = "-"  # the request id of a record written outside any request
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# URL arguments that are secrets: kept out of the logs
_SECRET_ARGUMENTS = frozenset({"token", "uidb64"})

current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "milieu_request_id", default=None
)

# the attributes a record may carry beyond the standard ones, in the order they are written
FIELDS = ("request_id", "user_id", "method", "path", "status", "duration_ms")


def request_id_from(header: str | None) -> str:
    if header and _VALID_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def logged_path(request: HttpRequest) -> str:
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in _SECRET_ARGUMENTS and isinstance(value, str) and value:
                path = path.replace(value, "…")
    return path


def user_id_of(request: HttpRequest) -> int | None:
    """The signed-in user's id, without loading the session for a request that did not."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    if not user.is_authenticated:
        return None
    return int(user.pk)


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        request_id = request_id_from(request.headers.get(HEADER))
        # kept until the response is closed (`request_finished`): Django logs a 4xx or 5xx
        # response after the middleware returned it
        current_request_id.set(request_id)
        sentry_sdk.set_tag("request_id", request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        duration = (time.perf_counter() - started) * 1000
        fields = {
            "request_id": request_id,
            "user_id": user_id_of(request),
            "method": request.method,
            "path": logged_path(request),
            "status": response.status_code,
            "duration_ms": round(duration, 1),
        }
        logger.info(
            "%s %s %s %.1f ms (requête %s)",
            fields["method"],
            fields["path"],
            fields["status"],
            duration,
            request_id,
            extra=fields,
        )
        return response


def _request_finished(**kwargs: Any) -> None:
    current_request_id.set(None)


request_finished.connect(_request_finished, dispatch_uid="milieu.requestlog")


class RequestIdFilter(logging.Filter):
    """Every record written during a request carries that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id.get() or NO_REQUEST
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request fields when
    the record has them, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value is not None and value != NO_REQUEST:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
