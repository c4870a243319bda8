"""Login throttling: a burst of attempts cannot test more passwords than the limits allow.

Three counters are kept for every attempt, each over a fixed window of 15 minutes that starts
at the first attempt it counts:

- the account from one network address: 5 attempts;
- the account from anywhere: 20 attempts (an attacker spreading over many addresses);
- the network address, whatever the account: 100 attempts (a school's network shares one
  address, so this one is generous).

An attempt is counted **before** its password is checked, by an atomic increment; the attempt
is refused, without checking the password, as soon as one counter goes past its limit. So
however many attempts arrive at once, at most 5 passwords per account and address are ever
checked in a window. A successful login gives its own attempt back and forgets the failures of
that account from that address; a refused attempt gives back everything it counted (it checked
no password).

The counters live in the database (`LoginAttemptWindow`): it is shared by every process of the
site and one ``UPDATE … SET hits = hits + 1`` is atomic there, on PostgreSQL as on SQLite, so the
limit holds whatever ``CACHE_URL`` says. Keys are SHA-256 digests: neither the e-mail addresses
nor the IP addresses are stored in clear.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from milieu.people.models import LoginAttemptWindow

WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Limit:
    scope: str
    maximum: int
    label: str


ACCOUNT_FROM_ADDRESS = Limit("account+ip", 5, "ce compte depuis cette adresse réseau")
ACCOUNT = Limit("account", 20, "ce compte")
ADDRESS = Limit("ip", 100, "cette adresse réseau")
LIMITS = (ACCOUNT_FROM_ADDRESS, ACCOUNT, ADDRESS)


@dataclass(frozen=True)
class Decision:
    """What `begin` answers for one attempt."""

    allowed: bool
    # the counters past their limit (empty when allowed)
    refused_by: tuple[Limit, ...] = ()
    # time before the last refusing counter's window ends
    retry_after: timedelta = timedelta(0)
    # this attempt is the first one refused in the window of one of its counters (journal it)
    first_refusal: bool = False

    @property
    def minutes_left(self) -> int:
        """Whole minutes before one more attempt may be allowed (at least 1 when refused)."""
        if self.allowed:
            return 0
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _key(limit: Limit, email: str, ip: str) -> str:
    parts = {
        ACCOUNT_FROM_ADDRESS.scope: f"{normalise_email(email)}|{ip}",
        ACCOUNT.scope: normalise_email(email),
        ADDRESS.scope: ip,
    }
    return hashlib.sha256(f"{limit.scope}|{parts[limit.scope]}".encode()).hexdigest()


# SQLite lets one writer at a time anyway; serialising this process's threads before they
# write spares them "database is locked" errors (an in-memory shared-cache database, as in the
# tests, does not wait for a lock, it fails). PostgreSQL relies on its row locks only.
_SQLITE_WRITER = threading.Lock()


@contextmanager
def _writing() -> Iterator[None]:
    if connection.vendor == "sqlite":
        with _SQLITE_WRITER, transaction.atomic():
            yield
    else:
        with transaction.atomic():
            yield


def _hit(key: str, now: datetime) -> tuple[int, datetime]:
    """Count one attempt on `key` atomically; its count (this attempt included) and the end of
    its window. The first statement writes, so that the row stays locked until the count is
    read back: no other attempt can slip between the increment and the read. A row deleted
    meanwhile by a right password (`succeeded`) is counted again from scratch."""
    created = False
    row = None
    while row is None:
        with _writing():
            live = LoginAttemptWindow.objects.filter(key=key, window_end__gt=now)
            if not live.update(hits=F("hits") + 1):
                expired = LoginAttemptWindow.objects.filter(key=key, window_end__lte=now)
                if not expired.update(hits=1, window_end=now + WINDOW):
                    try:
                        with transaction.atomic():
                            LoginAttemptWindow.objects.create(
                                key=key, hits=1, window_end=now + WINDOW
                            )
                        created = True
                    except IntegrityError:
                        # another attempt created it meanwhile (its INSERT committed first)
                        LoginAttemptWindow.objects.filter(key=key).update(hits=F("hits") + 1)
            row = (
                LoginAttemptWindow.objects.filter(key=key).values_list("hits", "window_end").first()
            )
    hits, window_end = row
    if created:
        # a new window now and then: forget the windows that are over
        with _writing():
            LoginAttemptWindow.objects.filter(window_end__lt=now - WINDOW).delete()
    return hits, window_end


def _give_back(key: str, now: datetime, window_end: datetime | None = None) -> None:
    """Take one attempt back from `key`'s live window; when `window_end` is given, only from
    the window that attempt was counted in. A window forgotten meanwhile by a right password
    (`succeeded`) and counted again from scratch is another window: giving an old attempt back
    to it would let one more password be checked there than its limit allows."""
    windows = LoginAttemptWindow.objects.filter(key=key, window_end__gt=now, hits__gt=0)
    if window_end is not None:
        windows = windows.filter(window_end=window_end)
    with _writing():
        windows.update(hits=F("hits") - 1)


def begin(email: str, ip: str) -> Decision:
    """Count an attempt to log in as `email` from `ip`, before its password is checked.

    Refused (``allowed`` false) when one counter went past its limit: then check no password.
    A refused attempt gives back what it counted everywhere, so that the counters hold only the
    attempts whose password was checked: hammering a locked pair does not lock the account for
    its owner elsewhere, and a lock never outlasts the window of the failures that caused it.
    """
    now = timezone.now()
    counted = {limit: _hit(_key(limit, email, ip), now) for limit in LIMITS}
    refused_by = tuple(limit for limit, (hits, _) in counted.items() if hits > limit.maximum)
    if not refused_by:
        return Decision(allowed=True)
    for limit in LIMITS:
        _give_back(_key(limit, email, ip), now, window_end=counted[limit][1])
    # journal a lock once per window of the counter that refuses
    first_refusal = False
    for limit in refused_by:
        window_key = f"refused|{_key(limit, email, ip)}|{counted[limit][1].isoformat()}"
        refusals, _ = _hit(hashlib.sha256(window_key.encode()).hexdigest(), now)
        first_refusal = first_refusal or refusals == 1
    window_end = max(counted[limit][1] for limit in refused_by)
    return Decision(
        allowed=False,
        refused_by=refused_by,
        retry_after=max(window_end - now, timedelta(0)),
        first_refusal=first_refusal,
    )


def succeeded(email: str, ip: str) -> None:
    """The password was right: forget this account's failures from this address, and give back
    the attempt to the other counters (failures alone count against them)."""
    now = timezone.now()
    with _writing():
        LoginAttemptWindow.objects.filter(key=_key(ACCOUNT_FROM_ADDRESS, email, ip)).delete()
    for limit in (ACCOUNT, ADDRESS):
        _give_back(_key(limit, email, ip), now)


def attempts(email: str, ip: str) -> dict[str, int]:
    """The live counts of the three counters (for tests and support), by scope."""
    now = timezone.now()
    counts: dict[str, int] = {}
    for limit in LIMITS:
        row = (
            LoginAttemptWindow.objects.filter(key=_key(limit, email, ip), window_end__gt=now)
            .values_list("hits", flat=True)
            .first()
        )
        counts[limit.scope] = row or 0
    return counts
