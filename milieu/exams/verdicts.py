"""Stored verdicts: the engine's verdict on each candidate's dossier, kept in `StoredVerdict`.

`refresh_verdicts` builds the dossiers of a queryset of students in batches (`build_dossiers`,
which gives for each student the very dossier `build_dossier` gives the student page, with a
fixed number of queries per batch; then `milieu.rules.judge`) and upserts one row per
student. `refresh_soon` is called, through `milieu.changes`, on commit of every operation that
changes an input of a dossier; ``milieu eligibility refresh`` and the `refresh_all_verdicts` task
refresh everyone as ``as_of`` moves (periods end, deadlines pass).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from milieu.exams.assembly import build_dossiers
from milieu.exams.models import StoredVerdict
from milieu.rules import Verdict, get_catalogue, judge
from milieu.students.models import Student

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
FIELDS = [
    "status",
    "weeks_completed",
    "weeks_min",
    "weeks_max",
    "findings",
    "finding_codes",
    "error",
    "dossier_sha256",
    "as_of",
    "computed_at",
]


def canonical_json(dossier: dict[str, Any]) -> str:
    """One text per dossier: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(dossier, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dossier_sha256(dossier: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(dossier).encode()).hexdigest()


def stored_from(student_id: int, dossier: dict[str, Any], result: Verdict) -> StoredVerdict:
    """The row for `student_id` holding `result`, the engine's verdict on `dossier`."""
    now = timezone.now()
    as_of = date.fromisoformat(dossier["as_of"])
    sha = dossier_sha256(dossier)
    if "error" in result:
        return StoredVerdict(
            student_id=student_id,
            status="",
            findings=[],
            finding_codes="",
            error=result["error"],
            dossier_sha256=sha,
            as_of=as_of,
            computed_at=now,
        )
    required = result.get("weeks_required")
    findings = list(result.get("findings") or [])
    codes = sorted({str(f["code"]) for f in findings})
    return StoredVerdict(
        student_id=student_id,
        status=str(result["status"]),
        weeks_completed=result.get("weeks_completed"),
        weeks_min=required.get("min") if required else None,
        weeks_max=required.get("max") if required else None,
        findings=findings,
        finding_codes=f" {' '.join(codes)} " if codes else "",
        error=None,
        dossier_sha256=sha,
        as_of=as_of,
        computed_at=now,
    )


def ordered_students(students: QuerySet[Student]) -> QuerySet[Student]:
    return students.select_related("cohort", "cohort__establishment").order_by("pk")


def in_batches(students: QuerySet[Student], size: int = BATCH_SIZE) -> Iterator[list[Student]]:
    """The students by increasing pk, `size` at a time (keyset pagination: memory stays flat)."""
    ordered = ordered_students(students)
    last = 0
    while True:
        batch = list(ordered.filter(pk__gt=last)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def judged(
    students: QuerySet[Student], as_of: date, size: int = BATCH_SIZE
) -> Iterator[tuple[Student, dict[str, Any], Verdict]]:
    """Each student with their dossier and its verdict, in pk order, by batches: a batch's
    dossiers are built together (`build_dossiers`, the same dossiers as `build_dossier`), so
    the number of queries grows with the number of batches, not of students."""
    catalogue = get_catalogue()
    for batch in in_batches(students, size):
        # exactly the batch: the same filters over its range of keys
        scope = students.filter(pk__gte=batch[0].pk, pk__lte=batch[-1].pk)
        dossiers = build_dossiers(batch, as_of=as_of, scope=scope)
        for student, dossier in zip(batch, dossiers, strict=True):
            yield student, dossier, judge(dossier, catalogue=catalogue)


def refresh_verdicts(
    students: QuerySet[Student],
    as_of: date,
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Build the dossier of every student of `students` as on `as_of`, judge it, and upsert
    their `StoredVerdict`; returns how many were refreshed. `progress(done)` is called after
    each batch."""
    done = 0
    pending: list[StoredVerdict] = []
    for student, dossier, result in judged(students, as_of, batch_size):
        pending.append(stored_from(student.pk, dossier, result))
        if len(pending) >= batch_size:
            done += _upsert(pending)
            pending = []
            if progress is not None:
                progress(done)
    if pending:
        done += _upsert(pending)
        if progress is not None:
            progress(done)
    return done


def _upsert(rows: list[StoredVerdict]) -> int:
    StoredVerdict.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["student"], update_fields=FIELDS
    )
    return len(rows)


def refresh_student(student_id: int, as_of: date | None = None) -> None:
    """Refresh one student's stored verdict (as of today unless told)."""
    refresh_verdicts(Student.objects.filter(pk=student_id), as_of or timezone.localdate())


def refresh_soon(student_id: int) -> None:
    """Called on commit of an operation that changed an input of the student's dossier
    (`milieu.changes`): the stored verdict follows at once. A failure is logged, never raised:
    the operation itself has committed, and the daily refresh repairs the row."""
    try:
        with transaction.atomic():  # a savepoint: a failure leaves any outer transaction usable
            refresh_student(student_id)
    except Exception:  # a derived row must never break a committed operation
        logger.exception(
            "Le verdict enregistré de l'élève %s n'a pas pu être recalculé.", student_id
        )
