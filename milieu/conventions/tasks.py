"""Background tasks of the conventions (Django tasks API; a worker runs `manage.py db_worker`).

`remind_signatories` does what the `remind_signatories` command does; enqueue it once a day (or
run the command from cron): it is idempotent, a signatory is reminded at most every 3 days.
"""

from __future__ import annotations

from django_tasks import task

from milieu.conventions.operations import start_due_conventions
from milieu.conventions.signatures import remind_pending


@task()
def remind_signatories() -> int:
    """Remind every pending signatory who is due; returns how many were reminded."""
    return remind_pending()


@task()
def advance_conventions() -> list[int]:
    """Signed conventions whose stage has begun are in progress, ended ones finished (daily);
    returns [started, finished]."""
    return list(start_due_conventions())
