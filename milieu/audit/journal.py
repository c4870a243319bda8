"""Writing to the audit journal: `record(...)` in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.db import models

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from milieu.establishments.models import Establishment
    from milieu.people.models import User


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a field's value (dates and decimals as text, models as their pk)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields' values of `obj` (foreign keys by their id), to diff later."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _plain(getattr(obj, attname))
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{"field": [before, after]} for each field whose value changed."""
    return {
        name: [_plain(before.get(name)), _plain(after.get(name))]
        for name in sorted(set(before) | set(after))
        if _plain(before.get(name)) != _plain(after.get(name))
    }


def entry(
    action: AuditAction,
    *,
    actor: User | AnonymousUser | None = None,
    actor_label: str = "",
    obj: models.Model | None = None,
    establishment: Establishment | None = None,
    ip: str | None = None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """One audit row, not yet written (`record` writes one; a batch is written with
    `AuditEntry.objects.bulk_create`)."""
    user = cast("User | None", actor if getattr(actor, "is_authenticated", False) else None)
    return AuditEntry(
        action=action,
        actor=user,
        actor_label=(actor_label or (user.email if user is not None else ""))[:254],
        ip=ip or None,
        establishment=establishment,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=str(obj)[:255] if obj is not None else "",
        changes={name: _plain(value) for name, value in (changes or {}).items()},
    )


def record(
    action: AuditAction,
    *,
    actor: User | AnonymousUser | None = None,
    actor_label: str = "",
    obj: models.Model | None = None,
    establishment: Establishment | None = None,
    ip: str | None = None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit row now (in the caller's transaction, so it is kept only if the action is).

    `actor` is a user (or None for an anonymous attempt, then `actor_label` says who it claimed
    to be); `obj` is the record concerned; `establishment` the one whose head may read the row.
    """
    row = entry(
        action,
        actor=actor,
        actor_label=actor_label,
        obj=obj,
        establishment=establishment,
        ip=ip,
        changes=changes,
    )
    row.save(force_insert=True)
    return row
