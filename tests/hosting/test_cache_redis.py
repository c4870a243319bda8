"""CACHE_URL=redis://…: the public checker's rate limit is one counter shared by every process,
raised atomically (``cache.add`` then ``cache.incr``). Two real processes, each with its own
connection to Redis, hammer the same window: exactly the limit passes, not a request more.

Needs a Redis server on 127.0.0.1:6379 (database 15 is used); skipped without one. Sessions
need nothing here: they are in the database (django.contrib.sessions' default engine), shared by
every web machine.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from milieu.env import env_cache

REDIS_URL = "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url() -> str:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis absent sur 127.0.0.1:6379 : le cache partagé n’est pas vérifié")
    return REDIS_URL


def test_sessions_are_kept_in_the_database() -> None:
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_two_cache_clients_share_one_atomic_counter(redis_url: str) -> None:
    from django.core.cache.backends.redis import RedisCache

    config = env_cache("CACHE_URL", "locmem://", environ={"CACHE_URL": redis_url})
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    prefix = f"milieu-test-{secrets.token_hex(6)}"
    first = RedisCache(config["LOCATION"], {"KEY_PREFIX": prefix})
    second = RedisCache(config["LOCATION"], {"KEY_PREFIX": prefix})
    try:
        assert first.add("compteur", 0, timeout=30)
        assert not second.add("compteur", 0, timeout=30)  # never overwrites the other's

        def bump(client: Any) -> None:
            for _ in range(200):
                client.incr("compteur")

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(bump, [first, second, first, second]))
        assert first.get("compteur") == second.get("compteur") == 800
    finally:
        first.delete("compteur")
        first.close()
        second.close()


PROCESS = """
import os, sys
import django
django.setup()
from django.test import RequestFactory
from milieu.checker.limits import throttle
request = RequestFactory().post("/api/v1/dossiers/check", REMOTE_ADDR=sys.argv[1])
allowed = refused = 0
for _ in range(int(sys.argv[2])):
    if throttle(request) is None:
        allowed += 1
    else:
        refused += 1
print(allowed, refused)
"""


def test_two_processes_share_the_public_checkers_limit(redis_url: str) -> None:
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "milieu.settings",
        "CACHE_URL": redis_url,
        "PUBLIC_CHECK_RATE": "50",
        "PUBLIC_CHECK_WINDOW": "3600",  # one window for the whole run
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PROCESS, address, "40"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
            results.append(tuple(int(n) for n in out.split()))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    allowed = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    # 80 checks from one address, limit 50: the counter is shared, whichever process asked
    assert (allowed, refused) == (50, 30)
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"*{address}*"):
        client.delete(key)
