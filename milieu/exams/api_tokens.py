"""The exam service's API keys: created and revoked by a rectorat user of the académie, each
change written to the audit journal; a key is shown once and stored as its SHA-256 only.

`authenticate(key)` finds the active key (one query) and writes its last use (one update, at
most once a minute per key so that a busy client does not write on every request).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.exams.models import ApiToken
from milieu.people.models import User
from milieu.permissions import Action, require, scope_of
from milieu.refusals import Refused
from milieu.validators import name_problem

KEY_PREFIX = "milieu_"
LABEL_MAX_LENGTH = 100
LAST_USED_STEP = timedelta(minutes=1)


class TokenRefused(Refused):
    """An operation refused, with a French message for the page."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def visible_tokens(user: Any) -> Any:
    """The keys of the académies whose rectorat the user belongs to."""
    return ApiToken.objects.filter(academie_id__in=list(scope_of(user).academies)).select_related(
        "academie", "created_by", "revoked_by"
    )


def create_token(
    academie: Any, label: str, *, by: User, ip: str | None = None
) -> tuple[ApiToken, str]:
    """A new key for `academie`; returns the row and the key itself (to show once)."""
    require(by, Action.API_TOKEN_MANAGE, academie)
    problem = name_problem(label.replace("\n", " ").replace("\r", " "))
    if problem:
        raise TokenRefused("Libellé : " + problem)
    label = " ".join(label.split())
    if not label:
        raise TokenRefused("Donnez un libellé à la clé (par exemple le logiciel qui l'utilise).")
    if len(label) > LABEL_MAX_LENGTH:
        raise TokenRefused(f"Le libellé tient en {LABEL_MAX_LENGTH} caractères au plus.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        type(academie).objects.select_for_update().filter(pk=academie.pk).first()
        if ApiToken.objects.filter(
            academie=academie, label=label, revoked_at__isnull=True
        ).exists():
            raise TokenRefused(
                f"Une clé active porte déjà le libellé « {label} » : révoquez-la ou choisissez "
                "un autre libellé."
            )
        token = ApiToken.objects.create(
            academie=academie,
            label=label,
            prefix=key[: len(KEY_PREFIX) + 4],
            key_sha256=hash_key(key),
            created_by=by,
        )
        record(
            AuditAction.API_TOKEN_CREATED,
            actor=by,
            obj=token,
            ip=ip,
            changes={"académie": academie.name, "libellé": label},
        )
    return token, key


def revoke_token(token: ApiToken, *, by: User, ip: str | None = None) -> ApiToken:
    """Refuse the key from now on (a revoked key stays listed, never comes back)."""
    require(by, Action.API_TOKEN_MANAGE, token.academie)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise TokenRefused("Cette clé est déjà révoquée.")
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revoked_by"])
        record(
            AuditAction.API_TOKEN_REVOKED,
            actor=by,
            obj=locked,
            ip=ip,
            changes={"académie": locked.academie.name, "libellé": locked.label},
        )
    return locked


def authenticate(key: str) -> ApiToken | None:
    """The active key whose SHA-256 is that of `key`, or None (unknown, revoked, malformed)."""
    key = key.strip()
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.filter(key_sha256=hash_key(key), revoked_at__isnull=True)
        .select_related("academie")
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_STEP:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
