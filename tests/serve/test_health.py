"""`/sante/` and `/sante/pret/`: JSON, no login, never cached, no personal data; readiness is
503 as soon as the database, the cache, the storage or the background workers fail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from milieu.health.heartbeat import beat
from milieu.health.models import WorkerHeartbeat
from tests.serve.conftest import DATABASE_TASKS

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(settings: Any, probe_storage: Path) -> None:
    settings.TASKS = DATABASE_TASKS
    beat("worker-a", started_at=timezone.now())


def _never_cached(response: Any) -> None:
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_liveness_answers_without_login_nor_database(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/sante/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    _never_cached(response)


def test_readiness_is_green_when_everything_answers(
    client: Client, ready: None, probe_storage: Path
) -> None:
    response = client.get("/sante/pret/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "worker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["worker"]["workers"] == 1
    assert body["checks"]["worker"]["last_beat_s"] < 5
    _never_cached(response)
    # the storage probe left nothing behind
    assert [p for p in probe_storage.rglob("*") if p.is_file()] == []


def test_readiness_refuses_post(client: Client, ready: None) -> None:
    assert client.post("/sante/pret/").status_code == 405


def test_no_personal_data_nor_machine_names(client: Client, ready: None) -> None:
    text = client.get("/sante/pret/").content.decode()
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.hostname not in text
    assert str(heartbeat.pid) not in text.replace('"ms"', "")
    assert "worker-a" not in text


def test_red_when_the_database_fails(
    client: Client, ready: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from milieu.health import views

    def broken() -> None:
        raise OperationalError('connection to server failed: password "s3cret" refused')

    monkeypatch.setattr(views.connection, "cursor", broken)
    response = client.get("/sante/pret/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "indisponible"
    assert body["checks"]["database"] == {
        "ok": False,
        "detail": "la base de données ne répond pas",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["cache"]["ok"] is True
    assert "s3cret" not in response.content.decode()


def test_red_when_the_cache_server_is_down(
    client: Client, ready: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache.backends.redis import RedisCache

    from milieu.health import views

    # a Redis address where nothing listens (port 9, "discard")
    monkeypatch.setattr(views, "cache", RedisCache("redis://127.0.0.1:9/0", {}))
    response = client.get("/sante/pret/")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"]["ok"] is False
    assert checks["cache"]["detail"] == "le cache ne répond pas"
    assert checks["database"]["ok"] and checks["storage"]["ok"] and checks["worker"]["ok"]


def test_red_when_the_storage_cannot_be_written(
    client: Client, ready: None, settings: Any, tmp_path: Path
) -> None:
    not_a_directory = tmp_path / "fichier"
    not_a_directory.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(not_a_directory)},
        },
    }
    response = client.get("/sante/pret/")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["storage"] == {
        "ok": False,
        "detail": "le stockage des fichiers ne répond pas",
        "ms": checks["storage"]["ms"],
    }
    assert str(tmp_path) not in response.content.decode()


def test_red_without_any_worker(client: Client, settings: Any, probe_storage: Path) -> None:
    settings.TASKS = DATABASE_TASKS
    response = client.get("/sante/pret/")

    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["ok"] is False
    assert worker["workers"] == 0 and worker["last_beat_s"] is None
    assert "milieu worker" in worker["detail"]


def test_red_when_the_last_beat_is_older_than_a_minute(client: Client, ready: None) -> None:
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=61))
    response = client.get("/sante/pret/")

    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["ok"] is False and worker["workers"] == 0
    assert 60 < worker["last_beat_s"] < 70


def test_a_beat_of_59_seconds_is_still_green(client: Client, ready: None) -> None:
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=59))
    assert client.get("/sante/pret/").status_code == 200


def test_no_worker_needed_when_tasks_run_in_the_request(
    client: Client, settings: Any, probe_storage: Path
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    response = client.get("/sante/pret/")

    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["detail"].startswith("sans objet")
