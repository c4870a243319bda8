"""What the public checker accepts: the size of a request, and how often one may ask.

The two public doors to the engine (``POST /api/v1/dossiers/check`` and the page « Vérifier un
dossier ») answer anyone. Each request is first counted (a fixed window per address, or per
account when signed in), then its declared size is checked before a byte of it is read; only then
is it parsed and judged. The limits are settings (``PUBLIC_CHECK_*``, see the README).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from milieu.http import client_ip

_KEY_PREFIX = "milieu:public-check"


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused before it is read: an HTTP status and a French message."""

    status: int
    message: str
    retry_after: int | None = None


def check_request(request: HttpRequest) -> Refusal | None:
    """Count the request, then check its size; ``None`` when it may be read and judged."""
    return throttle(request) or body_too_large(request)


def body_too_large(request: HttpRequest) -> Refusal | None:
    """A request whose body exceeds ``PUBLIC_CHECK_MAX_BYTES``, judged on its Content-Length
    (Django never reads past it)."""
    limit: int = settings.PUBLIC_CHECK_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= limit:
        return None
    return Refusal(
        413,
        f"La requête fait {_bytes(length)} octets, au-delà de la limite de {_size(limit)} "
        f"({_bytes(limit)} octets) par envoi. "
        "Envoyez moins de dossiers à la fois, ou utilisez la commande « milieu check » "
        "pour les gros volumes.",
    )


def throttle(request: HttpRequest) -> Refusal | None:
    """Count one check; a ``429`` refusal once the window's limit is passed.

    Fixed windows of ``PUBLIC_CHECK_WINDOW`` seconds, aligned on the clock: the counter of the
    current window is created by ``cache.add`` (which never overwrites) and raised by
    ``cache.incr``, both atomic on the backends that support it, so parallel requests cannot
    slip past the limit together. Anonymous requests are counted per address
    (``PUBLIC_CHECK_RATE``); signed-in users per account (``PUBLIC_CHECK_RATE_SIGNED_IN``),
    so that a school's staff behind one address do not share one counter.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        limit: int = settings.PUBLIC_CHECK_RATE_SIGNED_IN
        who = f"user:{user.pk}"
    else:
        limit = settings.PUBLIC_CHECK_RATE
        who = f"ip:{client_ip(request) or 'inconnue'}"
    if limit <= 0:
        return None
    window: int = settings.PUBLIC_CHECK_WINDOW
    now = time.time()
    slot = int(now // window)
    key = f"{_KEY_PREFIX}:{who}:{window}:{slot}"
    timeout = window + 5  # the key outlives its window a little; the next window has its own
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr (a very short window): start again
        cache.add(key, 1, timeout=timeout)
        count = 1
    if count <= limit:
        return None
    retry_after = max(1, math.ceil((slot + 1) * window - now))
    return Refusal(
        429,
        f"Trop de vérifications : au plus {limit} {_per(window)}"
        f"{' pour votre compte' if user is not None and user.is_authenticated else ' depuis votre adresse'}. "
        f"Réessayez dans {retry_after} seconde{'s' if retry_after > 1 else ''}.",
        retry_after,
    )


def _per(window: int) -> str:
    if window == 60:
        return "par minute"
    if window == 3600:
        return "par heure"
    return f"toutes les {window} secondes"


def _bytes(n: int) -> str:
    """262144 -> "262 144" (French thousands separator, a narrow no-break space)."""
    return f"{n:,}".replace(",", "\u202f")


def _size(n: int) -> str:
    """262144 -> "256 Kio"; 1536 -> "1,5 Kio"."""
    kib = round(n / 1024, 1)
    text = f"{kib:,.0f}" if kib == int(kib) else f"{kib:,.1f}"
    return text.replace(",", "\u202f").replace(".", ",") + " Kio"
