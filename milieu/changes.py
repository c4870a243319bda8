"""A change of an input of a candidate's dossier, announced by the operation that made it.

The apps below `milieu.exams` (conventions, follow-up, reports, evidence) must not import it; an
operation that changes what the dossier reads calls `verdict_inputs_changed(student_id)` inside
its transaction, and each callback registered here (the exams app registers the refresh of the
stored verdict, in `ExamsConfig.ready`) runs with the student's id once the transaction commits.
Nothing runs if it rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.db import transaction

_callbacks: list[Callable[[int], None]] = []


def on_verdict_inputs_changed(callback: Callable[[int], None]) -> None:
    """Register `callback(student_id)` (once: registering it again does nothing)."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def verdict_inputs_changed(student_id: int | None) -> None:
    """Schedule every registered callback for `student_id` after the current transaction
    commits (at once outside a transaction)."""
    if student_id is None:
        return
    for callback in list(_callbacks):
        transaction.on_commit(partial(callback, int(student_id)), robust=True)
