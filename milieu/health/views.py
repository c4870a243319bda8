"""`/sante/` (liveness) and `/sante/pret/` (readiness): JSON for load balancers and
orchestrators, no login, never cached, no personal data (no names, addresses nor error texts of
the underlying services: those go to the logs).

- liveness answers 200 as long as the process serves requests, without touching anything else:
  a database outage must not get healthy web processes restarted;
- readiness answers 200 when the database, the cache, the file storage and the background
  workers all work, 503 otherwise, with one entry per check.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from milieu.health.heartbeat import MAX_AGE, live_workers

logger = logging.getLogger(__name__)


class CheckFailed(Exception):
    """A check that ran but found its service unfit, with a French explanation."""


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("la base de données a mal répondu")
    return {}


def _cache() -> dict[str, Any]:
    key = f"milieu:sante:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise CheckFailed("le cache n’a pas rendu la valeur écrite")
    finally:
        cache.delete(key)
    return {}


def _storage() -> dict[str, Any]:
    content = secrets.token_bytes(16)
    name = default_storage.save(f"sante/{secrets.token_hex(8)}.bin", ContentFile(content))
    try:
        with default_storage.open(name, "rb") as stored:
            if stored.read() != content:
                raise CheckFailed("le stockage des fichiers n’a pas rendu le contenu écrit")
    finally:
        default_storage.delete(name)
    return {}


def _worker() -> dict[str, Any]:
    backend = str(settings.TASKS["default"]["BACKEND"])
    if not backend.startswith("django_tasks_db."):
        return {"detail": "sans objet : les travaux s’exécutent dans la requête"}
    count, age = live_workers()
    result: dict[str, Any] = {
        "workers": count,
        "last_beat_s": None if age is None else round(age, 1),
    }
    if count == 0:
        limit = int(MAX_AGE.total_seconds())
        raise CheckFailed(
            f"aucun processus d’arrière-plan n’a donné signe de vie depuis {limit} s "
            "(lancez « milieu worker »)",
            result,
        )
    return result


CHECKS: dict[str, tuple[Callable[[], dict[str, Any]], str]] = {
    "database": (_database, "la base de données ne répond pas"),
    "cache": (_cache, "le cache ne répond pas"),
    "storage": (_storage, "le stockage des fichiers ne répond pas"),
    "worker": (_worker, "les battements des processus d’arrière-plan sont illisibles"),
}


def _run(name: str) -> dict[str, Any]:
    check, failure = CHECKS[name]
    started = time.perf_counter()
    try:
        entry = {"ok": True, **check()}
    except CheckFailed as refused:
        extra = refused.args[1] if len(refused.args) > 1 else {}
        entry = {"ok": False, **extra, "detail": str(refused.args[0])}
        logger.warning("Sonde de disponibilité : %s : %s", name, refused.args[0])
    except Exception:
        entry = {"ok": False, "detail": failure}
        logger.exception("Sonde de disponibilité : %s en échec", name)
    entry["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return entry


@require_safe
@never_cache
def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readiness(request: HttpRequest) -> JsonResponse:
    checks = {name: _run(name) for name in CHECKS}
    ready = all(entry["ok"] for entry in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "indisponible", "checks": checks},
        status=200 if ready else 503,
    )
