"""The demo académie, built once per test process and copied into each test that loads it.

`load_demo()` builds about 300 students through the real operations: 10 to 15 s each time. Ten
tests load it (the `loaddemo` command, the exam side, the batched dossiers, the pedagogy); each
still calls the command or `load_demo()` itself, in its own transaction. What changes is the build
(`milieu.demo.build_academie`): the first one of a kind really runs and its result is recorded
(every new row of every table, the files it wrote, the e-mails it sent, the tutor's links it
printed, the factories' sequences and random state it moved); the next ones of the same kind write
that record back with raw inserts, in a second or two.

"Of the same kind": the same day (`date.today()`, which `time_machine` moves), the same SITE_URL
(the links e-mailed and printed), the same DEBUG (the self-signed seal) and the same database
before the build (row counts of every table). Anything else — outside a transaction, or a database
that differs — builds for real. A build that raises is never recorded.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import factory
import factory.random
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management.color import no_style
from django.db import connection, models

from milieu import demo

Build = Callable[..., Any]


@dataclass
class Record:
    """What one real build did, to do it again."""

    rows: list[tuple[type[models.Model], list[models.Model]]]
    files: dict[str, dict[str, bytes]]  # setting name → relative path → content
    emails: list[Any]
    links: list[str]
    sequences: dict[int, int]  # id of a factory counter → how far the build moved it
    random_state: Any
    result: Any


@dataclass
class Cache:
    records: dict[tuple[Any, ...], Record] = field(default_factory=dict)
    builds: int = 0  # real builds, for the tests of this module
    restores: int = 0


CACHE = Cache()
FILE_SETTINGS = ("PRIVATE_FILES_ROOT", "SEAL_DIRECTORY")


def concrete_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def table_counts() -> tuple[tuple[str, int], ...]:
    return tuple(
        (model._meta.db_table, model._base_manager.count())
        for model in sorted(concrete_models(), key=lambda m: m._meta.db_table)
    )


def files_under(setting: str) -> dict[str, bytes]:
    root = getattr(settings, setting, None)
    if not root or not Path(root).is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in Path(root).rglob("*")
        if path.is_file()
    }


def factory_counters() -> dict[int, Any]:
    """Every factory's sequence counter (started if it was not), by identity."""
    counters: dict[int, Any] = {}
    pending: list[type[Any]] = [factory.base.BaseFactory]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        meta: Any = getattr(cls, "_meta", None)
        if getattr(meta, "model", None) is None or getattr(meta, "counter_reference", None) is None:
            continue
        meta._initialize_counter()
        counters[id(meta._counter)] = meta._counter
    return counters


def state_before() -> dict[str, Any]:
    """What a build starts from, to tell what it added."""
    return {
        "pks": {
            model: set(model._base_manager.values_list("pk", flat=True))
            for model in concrete_models()
        },
        "files": {setting: files_under(setting) for setting in FILE_SETTINGS},
        "emails": len(getattr(mail, "outbox", [])),
        "links": len(demo.story_links),
        "sequences": {key: counter.seq for key, counter in factory_counters().items()},
    }


def record_build(build: Build, *args: Any, **kwargs: Any) -> tuple[Any, Record]:
    before = state_before()
    result = build(*args, **kwargs)
    rows = []
    for model, pks in before["pks"].items():
        added = [row for row in model._base_manager.order_by("pk") if row.pk not in pks]
        if added:
            rows.append((model, added))
    files = {
        setting: {
            name: content
            for name, content in files_under(setting).items()
            if before["files"][setting].get(name) != content
        }
        for setting in FILE_SETTINGS
    }
    counters = factory_counters()
    return result, Record(
        rows=rows,
        files=files,
        emails=list(getattr(mail, "outbox", [])[before["emails"] :]),
        links=list(demo.story_links[before["links"] :]),
        sequences={
            key: counters[key].seq - seq
            for key, seq in before["sequences"].items()
            if counters[key].seq != seq
        },
        random_state=factory.random.get_random_state(),
        result=result,
    )


def restore(record: Record) -> Any:
    """Write back what the recorded build did, rows with their primary keys."""
    for model, rows in record.rows:
        fields = model._meta.local_concrete_fields
        manager = model._base_manager
        size = connection.ops.bulk_batch_size(fields, rows) or len(rows)
        for start in range(0, len(rows), size):
            manager._insert(rows[start : start + size], fields=fields, raw=True)  # type: ignore[attr-defined]
    with connection.cursor() as cursor:  # PostgreSQL: the next ids follow the copied rows
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [model for model, _ in record.rows]
        ):
            cursor.execute(statement)
    for setting, files in record.files.items():
        root = getattr(settings, setting, None)
        if not root:
            continue
        for name, content in files.items():
            target = Path(root) / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
    if hasattr(mail, "outbox"):
        mail.outbox.extend(copy.copy(message) for message in record.emails)
    demo.story_links.extend(record.links)
    counters = factory_counters()
    for key, moved in record.sequences.items():
        counters[key].seq += moved
    factory.random.set_random_state(record.random_state)
    return record.result


def kind_of_build() -> tuple[Any, ...] | None:
    """The key of a build that may be recorded or restored, None if it must run for real."""
    if not connection.in_atomic_block:
        return None  # a transactional test: its commits and on_commit hooks are real
    return (
        connection.vendor,
        date.today(),
        settings.SITE_URL,
        settings.DEBUG,
        table_counts(),
    )


def cached(build: Build) -> Build:
    def build_once(*args: Any, **kwargs: Any) -> Any:
        key = kind_of_build()
        if key is None:
            return build(*args, **kwargs)
        record = CACHE.records.get(key)
        if record is not None:
            CACHE.restores += 1
            return restore(record)
        CACHE.builds += 1
        result, CACHE.records[key] = record_build(build, *args, **kwargs)
        return result

    build_once.__wrapped__ = build  # type: ignore[attr-defined]
    return build_once
