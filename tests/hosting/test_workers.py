"""Several `db_worker` processes on one PostgreSQL database (issue 14, several machines).

Real worker processes (``manage.py db_worker``) on the test database: a job runs once however
many workers poll; a job whose worker was killed mid-run (``kill -9``) is put back by
`milieu.workers.recover_stalled_tasks` and run by another worker; a long livret build on one
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

from milieu.workers import recover_stalled_tasks
from tests.hosting import worker_tasks

ROOT = Path(__file__).resolve().parents[2]

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
