"""Optimistic locking of records edited on a page (students, cohorts): no lost update.

Two people may open the same record and both save: the second must not silently erase the
first's change. A record has a `version` (bumped by each full save); the page sends back the
version it showed, and the operation `claim`s it with one conditional
``UPDATE … SET version = n WHERE pk = … AND version = n``: on PostgreSQL the second writer waits
for the first to commit and then matches no row, on SQLite the write lock serialises them the
same way. A stale version is an `EditConflict`: nothing is saved, the page shows who changed
what (from the audit journal, whose rows carry ``"version": [before, after]``) and keeps what
the user typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry


@dataclass(frozen=True)
class OtherChange:
    """A change saved by someone else since the version the user started from."""

    by: str
    at: datetime | None
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    """(French field name, value before, value after) of each field changed; the value before is
    empty when only the value now saved is known."""


class EditConflict(Exception):
    """The record changed since the user opened it; nothing of the user's change is saved."""

    def __init__(
        self, obj: models.Model, expected: int, changes: list[OtherChange], *, noun: str
    ) -> None:
        self.obj = obj
        self.expected = expected
        self.changes = changes
        self.noun = noun
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """« Cette fiche a été modifiée entre-temps par … le … »."""
        known = [change for change in self.changes if change.at is not None]
        if not known:
            return f"{self.noun} a été modifiée entre-temps."
        last = known[-1]
        assert last.at is not None
        return (
            f"{self.noun} a été modifiée entre-temps par {last.by} "
            f"le {timezone.localtime(last.at):%d/%m/%Y à %H:%M}."
        )


def claim(model: type[models.Model], pk: Any, version: int) -> bool:
    """Whether the row `pk` of `model` is still at `version`, holding its lock until the end of
    the caller's transaction (call it inside `transaction.atomic`)."""
    return bool(model._default_manager.filter(pk=pk, version=version).update(version=version))


def display(obj: models.Model, name: str, value: Any) -> str:
    """A field's value as the page shows it (choices by their label, booleans as oui/non)."""
    if value is None or value == "" or value == []:
        return "vide"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return " ; ".join(str(item) for item in value)
    try:
        model_field = obj._meta.get_field(name)
    except Exception:  # not a field: a detail the operation added (representatives…)
        return str(value)
    choices = dict(getattr(model_field, "flatchoices", None) or [])
    return str(choices.get(value, value))


def changes_since(
    obj: models.Model,
    action: AuditAction,
    version: int,
    label: Callable[[str], str],
) -> list[OtherChange]:
    """The changes of `obj` recorded in the audit journal (`action` rows carrying the versions
    they made) after `version`, oldest first."""
    entries = (
        AuditEntry.objects.filter(
            action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
        .select_related("actor")
        .order_by("at", "pk")
    )
    found: list[OtherChange] = []
    for entry in entries:
        detail = entry.changes if isinstance(entry.changes, dict) else {}
        versions = detail.get("version")
        if (
            not isinstance(versions, list)
            or len(versions) != 2
            or not isinstance(versions[1], int)
            or versions[1] <= version
        ):
            continue
        fields = [
            (label(name), display(obj, name, values[0]), display(obj, name, values[1]))
            for name, values in detail.items()
            if name != "version" and isinstance(values, list) and len(values) == 2
        ]
        found.append(OtherChange(_author(entry), entry.at, fields))
    return found


def _author(entry: AuditEntry) -> str:
    """« Prénom Nom (adresse) », or what the row recorded when the account is gone."""
    actor = entry.actor
    name = actor.get_full_name() if actor is not None else ""
    if actor is not None and name:
        return f"{name} ({actor.email})"
    return entry.actor_label or "un autre utilisateur"


def saved_differences(
    obj: models.Model, typed: dict[str, Any], names: Iterable[str], label: Callable[[str], str]
) -> list[OtherChange]:
    """When the journal says nothing (an import, another operation): the saved values that
    differ from what the user typed."""
    fields = [
        (label(name), "", display(obj, name, getattr(obj, name)))
        for name in names
        if name in typed and typed[name] != getattr(obj, name)
    ]
    return [OtherChange("un autre utilisateur ou un import", None, fields)] if fields else []
