"""`milieu recover_tasks`: a job left RUNNING by a dead worker goes back to the queue with its
own row (a livret edition, an import's verification) so that the retried task runs it; after
TASK_MAX_ATTEMPTS claims it is given up and the page says so in French. Runs on any database
(the processes themselves are in test_workers.py, on PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from milieu.factories import StudentFactory
from milieu.health.recovery import LOST, recover_stalled_tasks
from milieu.imports.enums import ImportKind, ImportStatus
from milieu.imports.models import ImportJob
from milieu.imports.operations import start_import
from milieu.livret.enums import LivretStatus
from milieu.livret.models import LivretJob
from milieu.livret.operations import start_livret
from tests.core.conftest import academie, make_school  # noqa: F401  (fixture)
from tests.imports.files import csv_bytes, student
from tests.livret.conftest import bep_cohort

pytestmark = pytest.mark.django_db(transaction=True)  # the worker checks its connection


@pytest.fixture(autouse=True)
def _database_backend(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.TASK_STALLED_AFTER = 900
    settings.TASK_MAX_ATTEMPTS = 3


def crash(task: DBTaskResult[Any, Any], *, worker: str, minutes_ago: int) -> None:
    """What a worker killed mid-job leaves: the job claimed, RUNNING, never finished."""
    task.claim(worker)
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def work() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def test_a_crashed_livret_edition_is_put_back_and_then_built(
    academie: Any,  # noqa: F811
) -> None:
    school = make_school(academie, "A")
    bep = bep_cohort(school)
    StudentFactory.create_batch(2, cohort=bep.cohort)
    job = start_livret(bep.cohort, by=bep.teacher)
    task = DBTaskResult.objects.get()
    crash(task, worker="ouvrier-mort", minutes_ago=20)
    LivretJob.objects.filter(pk=job.pk).update(status=LivretStatus.RUNNING, done=1)

    out = StringIO()
    call_command("recover_tasks", stdout=out)
    assert "remis en file d’attente : 1 ; abandonnés : 0" in out.getvalue()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY and task.started_at is None
    assert task.worker_ids == ["ouvrier-mort"]  # the attempt is remembered
    assert LivretJob.objects.get(pk=job.pk).status == LivretStatus.QUEUED

    work()
    done = LivretJob.objects.get(pk=job.pk)
    assert done.status == LivretStatus.DONE and bytes(done.content).startswith(b"%PDF-")
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_job_running_for_less_than_the_limit_is_left_alone(academie: Any) -> None:  # noqa: F811
    school = make_school(academie, "A")
    start_import(
        establishment=school.establishment,
        kind=ImportKind.STUDENTS,
        file_name="eleves.csv",
        data=csv_bytes([student(1)]),
        by=school.secretary,
        cohort=school.cohort,
    )
    crash(DBTaskResult.objects.get(), worker="lent", minutes_ago=10)
    recovery = recover_stalled_tasks()
    assert (recovery.requeued, recovery.failed) == ([], [])
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING


def test_an_import_crashed_three_times_is_given_up_with_a_french_message(
    academie: Any,  # noqa: F811
) -> None:
    school = make_school(academie, "A")
    job = start_import(
        establishment=school.establishment,
        kind=ImportKind.STUDENTS,
        file_name="eleves.csv",
        data=csv_bytes([student(1)]),
        by=school.secretary,
        cohort=school.cohort,
    )
    task = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=task.pk).update(worker_ids=["un", "deux"])
    task.refresh_from_db()
    crash(task, worker="trois", minutes_ago=30)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)

    recovery = recover_stalled_tasks()
    assert recovery.failed == [str(task.pk)] and recovery.requeued == []
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == LOST
    failed = ImportJob.objects.get(pk=job.pk)
    assert failed.status == ImportStatus.FAILED
    assert "s’est interrompu 3 fois" in failed.error_message
    assert recover_stalled_tasks().failed == []  # once only


def test_a_long_job_of_a_worker_that_still_beats_is_left_alone(
    academie: Any,  # noqa: F811
) -> None:
    from milieu.health.heartbeat import beat

    school = make_school(academie, "A")
    start_import(
        establishment=school.establishment,
        kind=ImportKind.STUDENTS,
        file_name="eleves.csv",
        data=csv_bytes([student(1)]),
        by=school.secretary,
        cohort=school.cohort,
    )
    crash(DBTaskResult.objects.get(), worker="vivant", minutes_ago=30)
    beat("vivant", started_at=timezone.now() - timedelta(hours=1))
    assert recover_stalled_tasks().requeued == []
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    # once its heartbeat is old, the worker is gone and its job goes back to the queue
    later = timezone.now() + timedelta(minutes=2)
    assert len(recover_stalled_tasks(now=later).requeued) == 1


def test_the_workers_heartbeat_runs_the_recovery_as_a_chore(
    academie: Any,  # noqa: F811
) -> None:
    from milieu.health.heartbeat import HeartbeatThread
    from milieu.health.recovery import recover_and_log

    school = make_school(academie, "A")
    start_import(
        establishment=school.establishment,
        kind=ImportKind.STUDENTS,
        file_name="eleves.csv",
        data=csv_bytes([student(1)]),
        by=school.secretary,
        cohort=school.cohort,
    )
    crash(DBTaskResult.objects.get(), worker="mort", minutes_ago=20)
    thread = HeartbeatThread("témoin", interval=0.05, chores=recover_and_log)
    thread.beat_once()
    thread.start()
    try:
        for _ in range(400):  # at most 20 s on a loaded machine
            try:
                if DBTaskResult.objects.get().status == TaskResultStatus.READY:
                    break
            except OperationalError:
                # SQLite's shared in-memory test database refuses a read while the heartbeat's
                # thread writes the same table ("database table is locked"): read again
                pass
            thread._stopping.wait(0.05)
    finally:
        thread.stop()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY


def test_a_failing_chore_does_not_stop_the_heartbeat(caplog: Any) -> None:
    from milieu.health.heartbeat import HeartbeatThread

    def broken() -> None:
        raise RuntimeError("panne")

    thread = HeartbeatThread("témoin", interval=1, chores=broken)
    thread.chores_once()
    assert "Tâche périodique du processus d’arrière-plan en échec" in caplog.text
