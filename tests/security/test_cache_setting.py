"""CACHE_URL: the cache every process shares (the public doors' rate limits count in it).

`locmem://` by default, `redis://…`, `db://` (its table made by `migrate`), `file:///path`; a
malformed value stops the start with a French message naming the variable."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from milieu.env import env_cache
from milieu.people.apps import _create_cache_table

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", "milieu"),
        ("redis://127.0.0.1:6379/0", "django.core.cache.backends.redis.RedisCache", None),
        (
            "rediss://:motdepasse@cache.exemple:6380/1",
            "django.core.cache.backends.redis.RedisCache",
            None,
        ),
        ("db://", "django.core.cache.backends.db.DatabaseCache", "milieu_cache"),
        ("database", "django.core.cache.backends.db.DatabaseCache", "milieu_cache"),
        ("db://cache_partage", "django.core.cache.backends.db.DatabaseCache", "cache_partage"),
        (
            "file:///var/lib/milieu/cache",
            "django.core.cache.backends.filebased.FileBasedCache",
            "/var/lib/milieu/cache",
        ),
    ],
)
def test_each_kind_of_address_gives_its_backend(
    url: str, backend: str, location: str | None
) -> None:
    config = env_cache("CACHE_URL", "locmem://", environ={"CACHE_URL": url})

    assert config["BACKEND"] == backend
    assert config["LOCATION"] == (url if location is None else location)


def test_the_default_is_the_memory_of_the_process() -> None:
    config = env_cache("CACHE_URL", "locmem://", environ={})

    assert config["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("memcached://127.0.0.1:11211", "n’est pas une adresse de cache reconnue"),
        ("127.0.0.1:6379", "n’est pas une adresse de cache reconnue"),
        ("redis:///base-secrète", "doit nommer le serveur Redis"),
        ("redis://:motdepasse@", "doit nommer le serveur Redis"),
        ("file://cache", "doit donner un chemin absolu"),
        ("db://cache-partagé", "doit nommer une table"),
    ],
)
def test_a_malformed_address_is_refused_in_french_without_echoing_it(
    url: str, message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=message) as error:
        env_cache("CACHE_URL", "locmem://", environ={"CACHE_URL": url})

    assert "CACHE_URL" in str(error.value)
    assert url not in str(error.value)


def start_with(**environ: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CACHE_")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-c", "import milieu.settings"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_malformed_cache_url_stops_the_start() -> None:
    result = start_with(CACHE_URL="redis://:secret@")

    assert result.returncode != 0
    assert "La variable d’environnement CACHE_URL doit nommer le serveur Redis" in result.stderr
    assert "secret" not in result.stderr


def test_the_old_cache_location_variable_is_refused_with_its_replacement() -> None:
    result = start_with(CACHE_LOCATION="/tmp/cache")

    assert result.returncode != 0
    assert "CACHE_LOCATION n’est plus lue : donnez CACHE_URL" in result.stderr


def test_migrate_makes_the_database_cache_table_and_the_cache_counts(db: None) -> None:
    database_cache = env_cache("CACHE_URL", "", environ={"CACHE_URL": "db://cache_essai"})
    assert "cache_essai" not in connection.introspection.table_names()

    with override_settings(CACHES={"default": database_cache}):
        _create_cache_table(using="default")
        cache = caches["default"]
        assert cache.add("compteur", 0, 60)
        assert not cache.add("compteur", 5, 60)
        assert cache.incr("compteur") == 1

    assert "cache_essai" in connection.introspection.table_names()


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_is_running(), reason="pas de serveur Redis sur 127.0.0.1:6379")
def test_redis_counts_atomically_across_threads() -> None:
    """What a rate limit needs from the shared cache: `add` then `incr`, never losing a hit."""
    redis_cache = env_cache("CACHE_URL", "", environ={"CACHE_URL": "redis://127.0.0.1:6379/15"})
    with override_settings(CACHES={"default": redis_cache}):
        cache = caches["default"]
        cache.delete("milieu-essai-compteur")
        barrier = threading.Barrier(20)

        def hit() -> None:
            barrier.wait()
            for _ in range(25):
                cache.add("milieu-essai-compteur", 0, 60)
                cache.incr("milieu-essai-compteur")

        threads = [threading.Thread(target=hit) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert cache.get("milieu-essai-compteur") == 500
        cache.delete("milieu-essai-compteur")


def test_migrate_itself_creates_the_cache_table(tmp_path: Path) -> None:
    """`make demo` and a deployment only run `migrate`: with CACHE_URL=db:// it is enough."""
    database = tmp_path / "milieu.sqlite3"
    environ = {"CACHE_URL": "db://", "DATABASE_URL": f"sqlite:///{database}"}
    env = {key: value for key, value in os.environ.items() if not key.startswith("CACHE_")}
    env.update(environ)
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    tables = sqlite3.connect(database).execute("SELECT name FROM sqlite_master").fetchall()
    assert ("milieu_cache",) in tables
