"""Background task of the livret attestations (Django tasks API; a worker runs `db_worker`)."""

from __future__ import annotations

from django_tasks import task

from milieu.livret.processing import run_livret


@task()
def build_livret(job_id: int) -> None:
    run_livret(job_id)
