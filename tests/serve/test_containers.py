"""The container files are valid without Docker: compose.yaml parsed as YAML (services,
commands, environment, health check on /sante/pret/), the Dockerfile read line by line
(Debian base, WeasyPrint's libraries, `uv sync --frozen`, a user that is not root)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)
    result = []
    for line in logical.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            instruction, _, arguments = stripped.partition(" ")
            result.append((instruction.upper(), arguments.strip()))
    return result


def test_compose_runs_web_worker_postgres_and_redis() -> None:
    services = _compose()["services"]
    assert {"web", "worker", "postgres", "redis", "migrate"} <= set(services)

    web = services["web"]
    assert web["command"][:3] == ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
    assert web["command"][-1] == "milieu.wsgi"
    assert services["worker"]["command"][:2] == ["milieu", "worker"]
    assert services["migrate"]["command"] == ["milieu", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert "files:/app/var" in services[name]["volumes"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:")
    assert set(_compose()["volumes"]) == {"pgdata", "files"}


def test_the_web_health_check_asks_the_readiness_probe() -> None:
    web = _compose()["services"]["web"]
    check = web["healthcheck"]
    assert check["test"][0] == "CMD"
    assert any("/sante/pret/" in part for part in check["test"])
    assert web["ports"] == ["127.0.0.1:${PORT:-8000}:8000"]
    assert _compose()["services"]["worker"]["healthcheck"] == {"disable": True}


def test_the_environment_is_production_and_shared() -> None:
    services = _compose()["services"]
    web, worker = services["web"]["environment"], services["worker"]["environment"]
    for environment in (web, worker):
        assert environment["DEBUG"] == "false"
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert environment["DATABASE_URL"].startswith("postgres://milieu:")
        assert environment["DATABASE_URL"].endswith("@postgres:5432/milieu")
        assert environment["CACHE_URL"] == "redis://redis:6379/0"
        assert environment["TASKS_BACKEND"] == "database"
        assert environment["LOG_FORMAT"] == "json"
    assert web["HOST"] == "0.0.0.0" and web["PORT"] == "8000"
    assert services["postgres"]["environment"]["POSTGRES_DB"] == "milieu"


def test_every_variable_given_to_milieu_is_one_it_reads() -> None:
    read = (ROOT / "milieu" / "settings.py").read_text(encoding="utf-8") + (
        ROOT / "deploy" / "gunicorn.conf.py"
    ).read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    services = _compose()["services"]
    for name in ("web", "worker", "migrate"):
        for variable in services[name]["environment"]:
            assert f'"{variable}"' in read or f"'{variable}'" in read, variable
            assert f"`{variable}`" in readme, variable


def test_the_dockerfile_is_debian_non_root_and_frozen() -> None:
    instructions = _instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    runs = " ".join(arguments for instruction, arguments in instructions if instruction == "RUN")
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "poppler-utils"):
        assert package in runs
    assert "uv sync --frozen --no-dev" in runs
    assert "collectstatic" in runs
    users = [arguments for instruction, arguments in instructions if instruction == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert "useradd" in runs and users[-1] in runs
    # the user is set before the command, which is gunicorn with its settings
    names = [instruction for instruction, _ in instructions]
    assert names.index("USER") < names.index("CMD")
    [command] = [arguments for instruction, arguments in instructions if instruction == "CMD"]
    assert command == '["gunicorn", "-c", "deploy/gunicorn.conf.py", "milieu.wsgi"]'
    [health] = [
        arguments for instruction, arguments in instructions if instruction == "HEALTHCHECK"
    ]
    assert "/sante/pret/" in health


def test_the_image_leaves_out_local_environments_and_secrets() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".git", ".venv", "var", "staticfiles", ".env"):
        assert entry in ignored
