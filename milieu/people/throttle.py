"""Login throttling: after 5 failed attempts for one e-mail address from one IP address within
15 minutes, the next attempts are refused (without checking the password) until the oldest
failure leaves the window.

Failures are kept in Django's cache as a list of timestamps: a deployment with several processes
needs a shared cache (database or Redis) for the limit to hold across them.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _key(email: str, ip: str) -> str:
    digest = hashlib.sha256(f"{email.strip().lower()}|{ip}".encode()).hexdigest()
    return f"milieu:login-failures:{digest}"


def recent_failures(email: str, ip: str) -> list[float]:
    """Timestamps of the failures still inside the window, oldest first."""
    now = time.time()
    stamps: list[float] = cache.get(_key(email, ip), [])
    return [stamp for stamp in stamps if now - stamp < WINDOW_SECONDS]


def is_locked(email: str, ip: str) -> bool:
    return len(recent_failures(email, ip)) >= MAX_FAILURES


def minutes_left(email: str, ip: str) -> int:
    """Whole minutes before one more attempt is allowed (at least 1)."""
    failures = recent_failures(email, ip)
    if len(failures) < MAX_FAILURES:
        return 0
    unlock_at = failures[-MAX_FAILURES] + WINDOW_SECONDS
    return max(1, math.ceil((unlock_at - time.time()) / 60))


def record_failure(email: str, ip: str) -> None:
    failures = [*recent_failures(email, ip), time.time()]
    cache.set(_key(email, ip), failures[-MAX_FAILURES:], WINDOW_SECONDS)


def clear(email: str, ip: str) -> None:
    cache.delete(_key(email, ip))
