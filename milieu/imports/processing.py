"""The two phases of an import, run by the background tasks (or inline, same code).

1. `run_validation`: read the file (only here, never in the request: a hostile workbook costs
   the worker, within the limits and time budget of the `IMPORT_*` settings, not the web
   server), check every row (format, duplicates inside the file) and classify it against the
   database (create, update, refused); progress counters are written as it goes so that the
   page can show them.
2. `run_apply`: in ONE transaction, lock the job and the existing records, re-classify (the
   database may have changed since the preview), write every row or — "tout ou rien" with a new
   error — nothing, and record the result.

Both are idempotent: they act only on a job in the state they expect. Each phase has the time
budget `IMPORT_TIME_BUDGET` (seconds): past it, the job ends « Fichier refusé » with a French
message and nothing is written (the writing phase is one transaction).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from milieu.imports import host_rows, student_rows
from milieu.imports.columns import Column, ColumnMap, match_columns
from milieu.imports.enums import ImportKind, ImportMode, ImportStatus, RowStatus
from milieu.imports.models import ImportJob
from milieu.imports.reading import Budget, Limits, OverBudget, Table, UnreadableFile, read_table

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 250
"""Rows checked between two writes of the progress counter."""

UNEXPECTED = (
    "Une erreur inattendue a interrompu le traitement ; rien n’a été enregistré. "
    "Réessayez, et si l’erreur persiste, transmettez le fichier à l’assistance."
)


class RowKind(Protocol):
    """What an importer module provides (see student_rows and host_rows)."""

    KEY: str
    KEY_LABEL: str
    COLUMNS: tuple[Column, ...]

    def check_cells(
        self, cells: dict[str, str], *, today: Any
    ) -> tuple[dict[str, Any], list[str]]: ...

    def classify(self, rows: Any, job: Any, *, lock: bool = False) -> None: ...

    def apply(self, rows: list[dict[str, Any]], job: Any) -> tuple[int, int]: ...


KINDS: dict[str, RowKind] = {
    ImportKind.STUDENTS: student_rows,
    ImportKind.HOSTS: host_rows,
}


def row_kind(job: ImportJob) -> RowKind:
    return KINDS[job.kind]


@dataclass(frozen=True)
class Header:
    table: Table
    columns: ColumnMap


def budget() -> Budget:
    return Budget(float(settings.IMPORT_TIME_BUDGET))


def limits(time_budget: Budget | None = None) -> Limits:
    """The bounds of the `IMPORT_*` settings."""
    return Limits(
        max_rows=int(settings.IMPORT_MAX_ROWS),
        max_columns=int(settings.IMPORT_MAX_COLUMNS),
        max_empty_rows=int(settings.IMPORT_MAX_EMPTY_ROWS),
        budget=time_budget,
    )


def read_header(kind: str, data: bytes, *, time_budget: Budget | None = None) -> Header:
    """Read the file and match its columns; `UnreadableFile` with the French reason."""
    table = read_table(data, limits=limits(time_budget))
    return Header(table=table, columns=match_columns(table.headers, KINDS[kind].COLUMNS))


def _progress(job_id: int, **counters: Any) -> None:
    ImportJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **counters)


def _mark_duplicates(rows: list[dict[str, Any]], key: str, label: str) -> None:
    lines: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if key in row["values"]:
            lines[row["values"][key]].append(row["line"])
    for row in rows:
        value = row["values"].get(key)
        others = [line for line in lines.get(value, []) if line != row["line"]] if value else []
        if others:
            where = ", ".join(str(line) for line in others)
            row["errors"].append(
                f"{label} « {value} » en double : il figure aussi ligne{'s' if len(others) > 1 else ''} "
                f"{where} du fichier. Gardez une seule ligne par {label}."
            )


def _settle(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["errors"]:
            row["status"] = RowStatus.ERROR


def run_validation(job_id: int) -> None:
    """Phase 1: check every row of a queued job and leave it ready for confirmation."""
    updated = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, processed_rows=0, updated_at=timezone.now()
    )
    if not updated:
        return
    job = ImportJob.objects.select_related("establishment", "cohort").get(pk=job_id)
    try:
        _validate(job)
    except Exception:
        logger.exception("import %s: validation failed", job_id)
        fail_job(job_id, UNEXPECTED)


def requeue_validation(job_id: int, now: datetime) -> None:
    """A validation whose worker died goes back in the queue, from its first row
    (`milieu.health.recovery`)."""
    ImportJob.objects.filter(pk=job_id, status=ImportStatus.VALIDATING).update(
        status=ImportStatus.QUEUED, processed_rows=0, updated_at=now
    )


def fail_job(job_id: int, message: str) -> None:
    """The import is given up, with a French message for the person who made it."""
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED,
        error_message=message,
        content=b"",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _validate(job: ImportJob) -> None:
    kind = row_kind(job)
    time_budget = budget()
    try:
        header = read_header(job.kind, bytes(job.content), time_budget=time_budget)
    except UnreadableFile as error:
        fail_job(job.pk, error.message)
        return
    try:
        _check_rows(job, kind, header, time_budget)
    except OverBudget as over:
        fail_job(job.pk, over.message)


def _check_rows(job: ImportJob, kind: RowKind, header: Header, time_budget: Budget) -> None:
    table = header.table
    total = len(table.rows)
    _progress(job.pk, total_rows=total, file_format=table.description[:100])
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    for index, (line, cells) in enumerate(table.rows, start=1):
        time_budget.check()
        mapped = header.columns.cells(cells)
        values, errors = kind.check_cells(mapped, today=today)
        rows.append(
            {
                "line": line,
                "status": RowStatus.ERROR if errors else "",
                "cells": {key: str(value) for key, value in mapped.items()},
                "values": values,
                "errors": errors,
                "conflict": "",
                "changes": [],
                "fields": [],
                "target": None,
            }
        )
        if index % PROGRESS_EVERY == 0:
            _progress(job.pk, processed_rows=index)
    _mark_duplicates(rows, kind.KEY, kind.KEY_LABEL)
    _settle(rows)
    kind.classify(rows, job)
    time_budget.check()
    job.rows = rows
    job.columns = list(header.columns.positions)
    job.ignored_columns = header.columns.ignored
    job.notice = " ".join(table.notes)
    job.file_format = table.description[:100]
    job.count_rows()
    job.processed_rows = total
    job.status = ImportStatus.READY
    job.validated_at = timezone.now()
    job.save(update_fields=[*READY_FIELDS, "validated_at"])


READY_FIELDS = [
    "rows",
    "columns",
    "ignored_columns",
    "notice",
    "file_format",
    "total_rows",
    "error_rows",
    "create_rows",
    "update_rows",
    "processed_rows",
    "status",
    "updated_at",
]
"""What a verification writes (never the file itself)."""


class _Changed(Exception):
    """Rows that were valid at the preview are not any more: nothing is written."""

    def __init__(self, rows: list[dict[str, Any]], lines: list[int]) -> None:
        super().__init__(lines)
        self.rows = rows
        self.lines = lines


def _lines_text(lines: list[int]) -> str:
    shown = ", ".join(str(line) for line in lines[:20])
    more = f" et {len(lines) - 20} autres" if len(lines) > 20 else ""
    return f"ligne{'s' if len(lines) > 1 else ''} {shown}{more}"


def run_apply(job_id: int) -> None:
    """Phase 2: write a confirmed job in one transaction (all its valid rows, or nothing)."""
    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(of=("self",))
                .select_related("establishment", "cohort")
                .defer("content")
                .get(pk=job_id)
            )
            if job.status != ImportStatus.APPLYING:
                return
            _apply(job, budget())
    except OverBudget as over:  # raised inside the transaction: nothing was written
        logger.warning("import %s: over its time budget while writing", job_id)
        fail_job(job_id, over.message)
    except _Changed as changed:
        job = ImportJob.objects.defer("content").get(pk=job_id)
        job.rows = changed.rows
        job.count_rows()
        job.status = ImportStatus.READY
        job.notice = (
            "Rien n’a été importé : depuis la vérification, des élèves ou organismes ont été "
            f"enregistrés par ailleurs ({_lines_text(changed.lines)}). L’aperçu ci-dessous est à "
            "jour ; confirmez de nouveau."
        )
        job.save(update_fields=READY_FIELDS)
    except IntegrityError:
        logger.warning("import %s: concurrent write, re-checking", job_id)
        _recheck_after_conflict(job_id)
    except Exception:
        logger.exception("import %s: apply failed", job_id)
        fail_job(job_id, UNEXPECTED)


def _apply(job: ImportJob, time_budget: Budget) -> None:
    kind = row_kind(job)
    rows: list[dict[str, Any]] = [dict(row) for row in job.rows]
    # Rows refused at the preview stay refused; the others are checked again, under lock.
    candidates = [row for row in rows if row["status"] != RowStatus.ERROR]
    kind.classify(candidates, job, lock=True)
    time_budget.check()
    refused = [row["line"] for row in candidates if row["status"] == RowStatus.ERROR]
    if refused and job.mode == ImportMode.ALL_OR_NOTHING:
        raise _Changed(rows, refused)
    created, updated = kind.apply(
        [row for row in candidates if row["status"] != RowStatus.ERROR], job
    )
    time_budget.check()  # still inside the transaction: past the budget, nothing is kept
    job.rows = rows
    job.count_rows()
    job.created_count = created
    job.updated_count = updated
    job.processed_rows = job.total_rows
    job.status = ImportStatus.DONE
    job.finished_at = timezone.now()
    job.content = b""
    if refused:
        job.notice = (
            f"Depuis la vérification, des élèves ou organismes ont été enregistrés par ailleurs : "
            f"{_lines_text(refused)} n’{'ont' if len(refused) > 1 else 'a'} pas été importée"
            f"{'s' if len(refused) > 1 else ''}."
        )
    job.save()


def _recheck_after_conflict(job_id: int) -> None:
    job = (
        ImportJob.objects.select_related("establishment", "cohort").defer("content").get(pk=job_id)
    )
    if job.status != ImportStatus.APPLYING:
        return
    rows = [dict(row) for row in job.rows]
    row_kind(job).classify([row for row in rows if row["status"] != RowStatus.ERROR], job)
    job.rows = rows
    job.count_rows()
    job.status = ImportStatus.READY
    job.notice = (
        "Rien n’a été importé : un autre import enregistrait les mêmes élèves ou organismes au même "
        "moment. L’aperçu ci-dessous est à jour ; confirmez de nouveau."
    )
    job.save()
