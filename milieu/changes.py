"""A change of an input of a candidate's dossier, announced by the operation that made it.

The apps below `milieu.exams` (conventions, follow-up, reports, evidence) must not import it; an
operation that changes what the dossier reads calls `verdict_inputs_changed(student_id)` inside
its transaction, and each callback registered here (the exams app registers the refresh of the
stored verdict, in `ExamsConfig.ready`) runs with the student's id once the transaction commits.
Nothing runs if it rolls back.

The students a transaction announces are gathered: one callback per student and per transaction
however many operations it makes (the demo, an import), in one `on_commit` hook.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)

_callbacks: list[Callable[[int], None]] = []
_PENDING = "_milieu_verdict_inputs_changed"


def on_verdict_inputs_changed(callback: Callable[[int], None]) -> None:
    """Register `callback(student_id)` (once: registering it again does nothing)."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def verdict_inputs_changed(student_id: int | None) -> None:
    """Schedule every registered callback for `student_id` after the current transaction
    commits (at once outside a transaction)."""
    if student_id is None or not _callbacks:
        return
    connection = transaction.get_connection()
    pending: set[int] | None = getattr(connection, _PENDING, None)
    if pending is not None and _scheduled(connection, pending):
        pending.add(int(student_id))
        return
    pending = {int(student_id)}
    setattr(connection, _PENDING, pending)
    transaction.on_commit(partial(_flush, pending), robust=True)


def _scheduled(connection: object, pending: set[int]) -> bool:
    """Is the hook for `pending` still waiting for the commit? (A rolled-back transaction or
    savepoint drops its hooks: the set is then stale and a new one starts.)"""
    waiting = getattr(connection, "run_on_commit", None) or []
    return any(
        isinstance(func, partial) and func.func is _flush and func.args[0] is pending
        for _, func, *_ in waiting
    )


def _flush(pending: set[int]) -> None:
    connection = transaction.get_connection()
    if getattr(connection, _PENDING, None) is pending:
        delattr(connection, _PENDING)  # done: the next change starts a new set
    students = sorted(pending)
    pending.clear()
    for student_id in students:
        for callback in list(_callbacks):
            try:
                callback(student_id)
            except Exception:  # one failure must not keep the other students stale
                logger.exception("Rappel après modification de l'élève %s en échec.", student_id)
