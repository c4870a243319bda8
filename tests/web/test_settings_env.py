"""The settings' environment readers refuse malformed values, in French."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from milieu.env import env_bool, env_choice, env_database, env_int, env_list, env_str

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Oui", True),
        ("on", True),
        ("0", False),
        ("FALSE", False),
        ("non", False),
    ],
)
def test_bool_reads_the_usual_spellings(raw: str, expected: bool) -> None:
    assert env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


def test_bool_defaults_when_unset_or_blank() -> None:
    assert env_bool("DEBUG", True, environ={}) is True
    assert env_bool("DEBUG", False, environ={"DEBUG": "  "}) is False


def test_bool_refuses_anything_else() -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG doit valoir"):
        env_bool("DEBUG", True, environ={"DEBUG": "peut-être"})


def test_int_reads_a_number_and_refuses_text_or_out_of_bounds() -> None:
    assert env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "587"}) == 587
    with pytest.raises(ImproperlyConfigured, match="nombre entier"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "vingt-cinq"})
    with pytest.raises(ImproperlyConfigured, match="au plus 65535"):
        env_int("EMAIL_PORT", 25, maximum=65535, environ={"EMAIL_PORT": "70000"})
    with pytest.raises(ImproperlyConfigured, match="au moins 1"):
        env_int("EMAIL_PORT", 25, minimum=1, environ={"EMAIL_PORT": "0"})


def test_list_splits_on_commas_and_refuses_empty_items() -> None:
    environ = {"ALLOWED_HOSTS": "milieu.example, www.milieu.example"}
    assert env_list("ALLOWED_HOSTS", [], environ=environ) == [
        "milieu.example",
        "www.milieu.example",
    ]
    assert env_list("ALLOWED_HOSTS", ["localhost"], environ={}) == ["localhost"]
    with pytest.raises(ImproperlyConfigured, match="sans élément vide"):
        env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a,,b"})
    with pytest.raises(ImproperlyConfigured, match="sans élément vide"):
        env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a b,c"})


def test_choice_accepts_any_case_and_refuses_the_unknown() -> None:
    levels = ["DEBUG", "INFO"]
    assert env_choice("LOG_LEVEL", "INFO", levels, environ={"LOG_LEVEL": "debug"}) == "DEBUG"
    with pytest.raises(ImproperlyConfigured, match="l’une de ces valeurs"):
        env_choice("LOG_LEVEL", "INFO", levels, environ={"LOG_LEVEL": "bavard"})


def test_str_defaults_when_blank() -> None:
    assert env_str("EMAIL_HOST", "localhost", environ={"EMAIL_HOST": ""}) == "localhost"


def test_database_url_is_parsed_and_a_bad_one_refused_without_echoing_it() -> None:
    config = env_database(
        "DATABASE_URL", "", environ={"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/milieu"}
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "milieu"
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL") as error:
        env_database("DATABASE_URL", "", environ={"DATABASE_URL": "mongo://user:secret@host/db"})
    assert "secret" not in str(error.value)


def _import_settings(**overrides: str) -> subprocess.CompletedProcess[str]:
    environ = {
        key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}
    }
    environ.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", "import milieu.settings"],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start() -> None:
    result = _import_settings(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY doit être définie quand DEBUG est faux" in result.stderr


def test_production_with_secret_key_starts() -> None:
    result = _import_settings(DEBUG="false", SECRET_KEY="une-clé-longue-et-secrète-" * 3)

    assert result.returncode == 0, result.stderr


def test_database_connections_persist_with_health_checks() -> None:
    """Issue 15: a connection is reused across requests (CONN_MAX_AGE, default 60 s) and checked
    before reuse; a malformed value stops the start with a French message."""
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import milieu.settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'])",
        ],
        cwd=REPO,
        env={**os.environ, "CONN_MAX_AGE": "120"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "120"
    refused = _import_settings(CONN_MAX_AGE="beaucoup")
    assert refused.returncode != 0 and "CONN_MAX_AGE" in refused.stderr
