"""Several `db_worker` processes on one PostgreSQL database (issue 14, several machines).

Real worker processes (``manage.py db_worker``) on the test database: a job runs once however
many workers poll; a job whose worker was killed mid-run (``kill -9``) is put back by
`milieu.health.recovery.recover_stalled_tasks` and run by another worker; a long livret build on one
worker does not hold up an import, which the other worker takes. SQLite is skipped: it has no
``SELECT … FOR UPDATE SKIP LOCKED``, and one writer at a time is no test of a pool.

Every worker is killed at the end of its test, whatever happens; each wait is bounded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from milieu.health.recovery import recover_stalled_tasks
from tests.core.conftest import academie, make_school  # noqa: F401  (fixture)
from tests.hosting import worker_tasks

ROOT = Path(__file__).resolve().parents[2]
LIVRET_STUDENTS = 120

pytestmark = pytest.mark.django_db(transaction=True)  # the workers see committed rows only


@pytest.fixture(autouse=True)
def _postgresql_only(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL seulement (SKIP LOCKED, plusieurs écrivains) : lancer avec "
            "DATABASE_URL=postgres://…"
        )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def database_url() -> str:
    """The test database (pytest-django's test_… copy), for the worker processes."""
    conf = connection.settings_dict
    user = quote(str(conf.get("USER") or ""))
    password = f":{quote(str(conf['PASSWORD']))}" if conf.get("PASSWORD") else ""
    host = conf.get("HOST") or "127.0.0.1"
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{conf['NAME']}"


@contextmanager
def workers(*names: str) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
        "CONN_MAX_AGE": "0",
    }
    started: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name in names:
            started[name] = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--interval",
                    "0.1",
                    "--no-reload",
                    "--no-startup-delay",
                    "--worker-id",
                    name,
                    "-v",
                    "0",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        yield started
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()
        for process in started.values():
            process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    seen = sorted(DBTaskResult.objects.values_list("status", flat=True))
    raise AssertionError(f"délai dépassé ({timeout} s) : {what} ; {seen}")


def wait_until_both_work(tmp_path: Path) -> None:
    """Both workers have started (a loaded machine takes seconds to import Django): each has
    taken one of two pauses."""
    log = tmp_path / "pauses.txt"
    ids = [str(worker_tasks.pause.enqueue(str(log), 1.5).id) for _ in range(2)]
    wait_for(
        lambda: log.exists() and len(set(log.read_text().split())) == 2,
        timeout=45,
        what="les deux workers au travail",
    )
    wait_for(lambda: statuses(ids) == [TaskResultStatus.SUCCESSFUL] * 2, timeout=10, what="pauses")


def statuses(ids: list[str]) -> list[str]:
    return list(DBTaskResult.objects.filter(id__in=ids).values_list("status", flat=True))


def test_two_workers_started_together_run_each_job_exactly_once(tmp_path: Path) -> None:
    log = tmp_path / "runs.txt"
    ids = [str(worker_tasks.record.enqueue(str(log), f"job-{n}").id) for n in range(30)]
    with workers("ouvrier-a", "ouvrier-b"):
        wait_for(
            lambda: statuses(ids).count(TaskResultStatus.SUCCESSFUL) == len(ids),
            timeout=25,
            what="les 30 travaux terminés",
        )
    lines = log.read_text(encoding="utf-8").splitlines()
    tags = [line.split()[0] for line in lines]
    assert sorted(tags) == sorted(f"job-{n}" for n in range(30))  # each once, none twice
    claims = list(DBTaskResult.objects.filter(id__in=ids).values_list("worker_ids", flat=True))
    assert all(len(claim) == 1 for claim in claims)
    assert {claim[0] for claim in claims} <= {"ouvrier-a", "ouvrier-b"}
    assert len({line.split()[1] for line in lines}) == len({claim[0] for claim in claims})


def test_a_job_whose_worker_was_killed_is_retried_by_another(tmp_path: Path) -> None:
    marker = tmp_path / "marker.txt"
    result_id = str(worker_tasks.hang_the_first_time.enqueue(str(marker)).id)
    with workers("ouvrier-tue") as started:
        wait_for(marker.exists, timeout=20, what="le premier passage a commencé")
        started["ouvrier-tue"].send_signal(signal.SIGKILL)
        started["ouvrier-tue"].wait(timeout=10)
    stuck = DBTaskResult.objects.get(id=result_id)
    assert stuck.status == TaskResultStatus.RUNNING  # nobody will ever finish it by itself
    assert stuck.worker_ids == ["ouvrier-tue"]

    # not yet stalled: a slow job is left alone
    assert recover_stalled_tasks(stalled_after=timedelta(minutes=15)).requeued == []
    later = timezone.now() + timedelta(minutes=16)
    assert recover_stalled_tasks(now=later, stalled_after=timedelta(minutes=15)).requeued == [
        result_id
    ]
    assert DBTaskResult.objects.get(id=result_id).status == TaskResultStatus.READY

    with workers("ouvrier-b"):
        wait_for(
            lambda: statuses([result_id]) == [TaskResultStatus.SUCCESSFUL],
            timeout=20,
            what="le travail repris par un autre worker",
        )
    done = DBTaskResult.objects.get(id=result_id)
    assert done.worker_ids == ["ouvrier-tue", "ouvrier-b"]
    assert done.return_value == "fini"
    assert marker.read_text(encoding="utf-8").splitlines() == ["first", "retry"]


def test_a_long_livret_build_does_not_hold_up_an_import(
    academie: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    from milieu.factories import StudentFactory
    from milieu.imports.enums import ImportKind, ImportStatus
    from milieu.imports.models import ImportJob
    from milieu.imports.operations import start_import
    from milieu.livret.enums import LivretStatus
    from milieu.livret.models import LivretJob
    from milieu.livret.operations import start_livret
    from tests.imports.files import csv_bytes, student
    from tests.livret.conftest import bep_cohort

    with workers("ouvrier-a", "ouvrier-b"):
        school = make_school(academie, "A")
        bep = bep_cohort(school)
        StudentFactory.create_batch(LIVRET_STUDENTS, cohort=bep.cohort)
        wait_until_both_work(tmp_path)
        livret = start_livret(bep.cohort, by=bep.teacher)
        wait_for(
            lambda: LivretJob.objects.filter(pk=livret.pk, status=LivretStatus.RUNNING).exists(),
            timeout=20,
            what="l’édition du livret a commencé",
        )
        imported = start_import(
            establishment=school.establishment,
            kind=ImportKind.STUDENTS,
            file_name="eleves.csv",
            data=csv_bytes([student(1), student(2)]),
            by=school.secretary,
            cohort=school.cohort,
        )
        wait_for(
            lambda: ImportJob.objects.filter(pk=imported.pk, status=ImportStatus.READY).exists(),
            timeout=20,
            what="l’import vérifié",
        )
        # the import was checked while the livret was still being laid out by the other worker
        still = LivretJob.objects.defer("content").get(pk=livret.pk)
        assert still.status == LivretStatus.RUNNING, still.status
        assert still.done < still.total
        wait_for(
            lambda: LivretJob.objects.filter(pk=livret.pk, status=LivretStatus.DONE).exists(),
            timeout=60,
            what="le livret terminé",
        )
    claims = dict(
        DBTaskResult.objects.filter(task_path__startswith="milieu.").values_list(
            "task_path", "worker_ids"
        )
    )
    livret_worker = claims["milieu.livret.tasks.build_livret"]
    import_worker = claims["milieu.imports.tasks.validate_import"]
    assert livret_worker != import_worker  # one worker each, at the same time
