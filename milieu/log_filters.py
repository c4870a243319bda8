"""Logging filters named in ``settings.LOGGING``."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedOnOneLine(logging.Filter):
    """Django logs each refused access (403, PermissionDenied) with its traceback: a refusal is
    the permission rules doing their work, not a fault. Keep it as one warning line with the
    reason, and no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if (
            getattr(record, "status_code", None) == 403
            and exc_info
            and isinstance(exc_info[1], PermissionDenied)
        ):
            reason = str(exc_info[1])
            message = record.getMessage()
            record.msg = f"{message} ({reason})" if reason else message
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
