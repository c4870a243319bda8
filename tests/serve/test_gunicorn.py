"""`make serve` in miniature: gunicorn with deploy/gunicorn.conf.py and DEBUG off, on a free port
of the loopback, against the test database; the login page, a hashed and compressed static
file served by WhiteNoise, the readiness probe and the JSON request lines. No timing is
asserted."""

from __future__ import annotations

import gzip
import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from milieu.health.heartbeat import beat

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.serve


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url(tmp_path: Path) -> str:
    """The test database, for another process: SQLite's in-memory one copied to a file,
    PostgreSQL's by its name."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "milieu.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    user = config.get("USER") or "postgres"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{config['NAME']}"


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, Any]]:
    beat("essai-gunicorn", started_at=timezone.now())
    port = _free_port()
    environ = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "SENTRY_DSN"}},
        "DJANGO_SETTINGS_MODULE": "tests.serve.small_static_settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": _database_url(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
        "PRIVATE_FILES_ROOT": str(tmp_path / "private"),
        "CACHE_URL": "locmem://",
        "TASKS_BACKEND": "database",
        "LOG_FORMAT": "json",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=REPO,
        env=environ,
        check=True,
        timeout=120,
    )
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "milieu.wsgi"],
            cwd=REPO,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"{base}/sante/")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        yield {"base": base, "log": log_path, "static_root": tmp_path / "static"}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_pages_static_files_and_a_green_readiness(
    served: dict[str, Any],
) -> None:
    base = served["base"]

    status, headers, body = _get(f"{base}/connexion/", **{"X-Request-ID": "essai-serve"})
    assert status == 200, served["log"].read_text()
    assert headers["Server"] == "gunicorn"
    assert headers["X-Request-ID"] == "essai-serve"
    page = body.decode()
    assert "Connexion" in page
    # the stylesheet under its hashed name, served compressed and cached for good
    match = re.search(r"/static/(milieu/milieu\.[0-9a-f]{12}\.css)", page)
    assert match, page
    status, headers, body = _get(f"{base}/static/{match[1]}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert gzip.decompress(body) == (served["static_root"] / match[1]).read_bytes()
    status, headers, _ = _get(f"{base}/static/{match[1]}", **{"Accept-Encoding": "br"})
    assert status == 200 and headers["Content-Encoding"] == "br"

    status, _, body = _get(f"{base}/sante/pret/")
    assert status == 200, body
    assert json.loads(body)["status"] == "ok"

    # DEBUG is off: a missing page is the French one, never Django's technical page
    status, _, body = _get(f"{base}/nulle-part/")
    assert status == 404
    assert b"URLconf" not in body

    lines = [
        json.loads(line) for line in served["log"].read_text().splitlines() if line.startswith("{")
    ]
    [login] = [line for line in lines if line.get("request_id") == "essai-serve"]
    assert login["path"] == "/connexion/" and login["status"] == 200
    assert login["logger"] == "milieu.requests"
