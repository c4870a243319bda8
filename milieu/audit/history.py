"""An object's history on its own page: the last rows of the audit journal that concern it.

The student, cohort and host pages show a small « Historique » section (the 20 latest rows,
newest first, who acted and what changed, never the IP address) and, for the head who reads the
establishment's journal, a link to all of them there (`audit:journal?objet=…`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from milieu.audit.models import AuditEntry
from milieu.permissions import Action, can

if TYPE_CHECKING:
    from milieu.establishments.models import Establishment
    from milieu.people.models import User

HISTORY_LIMIT = 20


# bookkeeping fields a person does not read as a change (the edit lock's counter, timestamps)
HIDDEN_FIELDS = frozenset({"version", "updated_at", "created_at"})
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def field_label(object_type: str, name: str) -> str:
    """The French name of `name` on the model « app.model » (its verbose_name), else `name`."""
    try:
        model = apps.get_model(object_type)
        field = model._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name
    label = getattr(field, "verbose_name", None) or name
    return str(label)


def shown_value(value: Any) -> str:
    if value in (None, ""):
        return "∅"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(shown_value(item) for item in value) or "∅"
    text = str(value)
    if ISO_DATE.fullmatch(text):
        return f"{text[8:10]}/{text[5:7]}/{text[0:4]}"
    return text


def describe(changes: Any, object_type: str = "") -> list[str]:
    """The row's detail as short French lines: « champ : avant → après » or « clé : valeur »,
    each field by its French name, without the bookkeeping fields."""
    if not isinstance(changes, dict):
        return [str(changes)] if changes else []
    lines = []
    for key, value in changes.items():
        if key in HIDDEN_FIELDS:
            continue
        label = field_label(object_type, key) if object_type else key
        if isinstance(value, list) and len(value) == 2:
            before, after = (shown_value(v) for v in value)
            lines.append(f"{label} : {before} → {after}")
        else:
            lines.append(f"{label} : {shown_value(value)}")
    return lines


def object_key(obj: models.Model) -> str:
    """How the journal names a record: « app.model:pk » (the `objet` filter of its page)."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def objects_condition(keys: Iterable[str]) -> Q | None:
    """The journal rows about the records named by `keys` (see `object_key`); None if none."""
    condition: Q | None = None
    for key in keys:
        object_type, _, object_id = key.partition(":")
        if not object_type or not object_id or "\x00" in key:
            continue  # not a key this page wrote (PostgreSQL refuses a NUL byte in text)
        one = Q(object_type=object_type, object_id=object_id)
        condition = one if condition is None else condition | one
    return condition


@dataclass(frozen=True)
class HistoryRow:
    entry: AuditEntry
    lines: list[str]


@dataclass(frozen=True)
class History:
    """What the « Historique » section shows: the latest rows, whether there are more, and the
    `objet` keys that find them all in the establishment's journal."""

    rows: list[HistoryRow]
    more: bool
    keys: list[str]
    journal_url: str = ""
    limit: int = HISTORY_LIMIT


def history(
    objects: Sequence[models.Model],
    *,
    establishment_ids: Iterable[int] | None = None,
    limit: int = HISTORY_LIMIT,
) -> History:
    """The latest journal rows about `objects` (a record and the parts shown on its page: a
    host's sites and tutors, a cohort's periods). A host's edit is written once for each
    establishment that works with it: `establishment_ids` keeps the reader's own, and one row
    per change is shown."""
    keys = [object_key(obj) for obj in objects if obj.pk is not None]
    condition = objects_condition(keys)
    if condition is None:
        return History([], False, keys)
    entries: QuerySet[AuditEntry] = AuditEntry.objects.filter(condition)
    if establishment_ids is not None:
        entries = entries.filter(
            Q(establishment_id__in=list(establishment_ids)) | Q(establishment__isnull=True)
        )
    rows: list[HistoryRow] = []
    seen: set[tuple[Any, ...]] = set()
    for entry in entries.select_related("actor").order_by("-at", "-pk")[: limit * 4 + 1]:
        same = (
            entry.action,
            entry.actor_id,
            entry.object_type,
            entry.object_id,
            entry.at.replace(microsecond=0),
            repr(entry.changes),
        )
        if same in seen:
            continue
        seen.add(same)
        rows.append(HistoryRow(entry, describe(entry.changes, entry.object_type)))
    return History(rows[:limit], len(rows) > limit, keys, limit=limit)


def history_section(
    user: User,
    objects: Sequence[models.Model],
    *,
    establishments: Sequence[Establishment],
    shared: bool = False,
) -> History | None:
    """The « Historique » of a page about `objects[0]` (and its parts, `objects[1:]`), for a
    user who may read it (`record.history`), else None. `establishments`: the ones the record
    belongs to (for a `shared` record of the directory, the reader's own: only their rows are
    shown); the link to the journal goes to the first one whose journal the user reads."""
    if not objects or not can(user, Action.RECORD_HISTORY, objects[0]):
        return None
    ids = [e.pk for e in establishments] if shared else None
    found = history(objects, establishment_ids=ids)
    readable = next((e for e in establishments if can(user, Action.AUDIT_VIEW, e)), None)
    if readable is None:
        return found
    url = reverse("audit:journal", args=[readable.pk])
    url += "?" + urlencode([("objet", key) for key in found.keys])
    return History(found.rows, found.more, found.keys, journal_url=url, limit=found.limit)
