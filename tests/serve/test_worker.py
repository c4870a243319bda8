"""`milieu worker` is db_worker with a heartbeat: a row written at once and every few seconds
by a thread, whatever the task being run, removed when the worker stops."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from milieu.health.heartbeat import HeartbeatThread, beat, live_workers
from milieu.health.models import WorkerHeartbeat
from tests.serve.conftest import DATABASE_TASKS
from tests.serve.tasks import heartbeats_seen_by_the_task


def _wait_for(condition: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_while_it_runs_tasks_and_forgets_its_row_when_it_stops(
    settings: Any,
) -> None:
    settings.TASKS = DATABASE_TASKS
    result = heartbeats_seen_by_the_task.enqueue()

    call_command(
        "worker",
        "--max-tasks",
        "1",
        "--interval",
        "0.05",
        "--no-startup-delay",
        "--no-reload",
        "--worker-id",
        "essai-1",
        verbosity=0,
    )

    result.refresh()
    assert result.status == "SUCCESSFUL"
    # the task ran while its worker's heartbeat was recorded…
    assert result.return_value == 1
    # …and the worker that stopped removed it
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_again_and_again_even_after_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from milieu.health import heartbeat

    seen: list[int | str] = []
    real_beat = heartbeat.beat

    def flaky(worker_id: str, *, started_at: Any) -> None:
        if not seen:
            seen.append("panne")
            raise RuntimeError("base de données redémarrée")
        real_beat(worker_id, started_at=started_at)
        seen.append(WorkerHeartbeat.objects.filter(worker_id=worker_id).count())

    monkeypatch.setattr(heartbeat, "beat", flaky)
    thread = HeartbeatThread("essai-2", interval=0.05)
    thread.start()
    try:
        # the main thread stays off the database meanwhile (SQLite in memory is shared)
        assert _wait_for(lambda: len(seen) >= 4)
    finally:
        thread.stop()
    assert seen[:4] == ["panne", 1, 1, 1]
    assert not thread.is_alive()
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_a_beat_sweeps_the_rows_of_workers_gone_for_a_day() -> None:
    now = timezone.now()
    beat("parti", started_at=now - timedelta(days=3))
    WorkerHeartbeat.objects.filter(worker_id="parti").update(beat_at=now - timedelta(days=2))
    beat("vieux-mais-recent", started_at=now)
    WorkerHeartbeat.objects.filter(worker_id="vieux-mais-recent").update(
        beat_at=now - timedelta(minutes=5)
    )

    beat("vivant", started_at=now)

    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {
        "vieux-mais-recent",
        "vivant",
    }
    count, age = live_workers()
    assert count == 1 and age is not None and age < 5
