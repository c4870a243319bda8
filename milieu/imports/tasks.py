"""Background tasks of the imports (Django tasks API; a worker runs `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from milieu.imports.processing import run_apply, run_validation


@task()
def validate_import(job_id: int) -> None:
    run_validation(job_id)


@task()
def apply_import(job_id: int) -> None:
    run_apply(job_id)
