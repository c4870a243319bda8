"""Writing many rows at once: creations in batches, updates grouped by the fields they change.

`bulk_update` sends one `CASE WHEN` per field and batch: updating only the fields that changed
(grouped by set of fields) keeps a re-import of 5,000 students, where one column changed,
several times faster than rewriting every field. Each record changed keeps its audit row (the
fields changed, before and after, and the import that changed them), written in batches too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import F

from milieu.audit.enums import AuditAction
from milieu.audit.journal import diff, entry, snapshot
from milieu.audit.models import AuditEntry

BATCH = 250


def write_updates(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    setter: Callable[[Any, dict[str, Any], Any], None],
    job: Any,
    *,
    action: AuditAction,
) -> None:
    """Apply the update rows that change something, grouped by the fields they change; one
    `action` audit row per record changed, by the import's author, for its establishment."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row.get("fields"):
            groups[tuple(row["fields"])].append(row)
    # a record under the edit lock (`milieu.editlock`): the import is a new version, so that an
    # edit page opened before it cannot save over it without being told
    locked = any(field.name == "version" for field in model._meta.concrete_fields)
    for fields, group in groups.items():
        instances = model._default_manager.in_bulk([row["target"] for row in group])
        changed = []
        journal: list[AuditEntry] = []
        for row in group:
            instance = instances[row["target"]]
            before = snapshot(instance, fields)
            setter(instance, row, job)
            changed.append(instance)
            changes: dict[str, Any] = diff(before, snapshot(instance, fields))
            changes["import"] = job.pk
            if locked:
                instance.version = F("version") + 1  # type: ignore[attr-defined]
            journal.append(
                entry(
                    action,
                    actor=job.created_by,
                    obj=instance,
                    establishment=job.establishment,
                    changes=changes,
                )
            )
        written = [*fields, "version"] if locked and "version" not in fields else list(fields)
        model._default_manager.bulk_update(changed, written, batch_size=BATCH)
        AuditEntry.objects.bulk_create(journal, batch_size=BATCH)
