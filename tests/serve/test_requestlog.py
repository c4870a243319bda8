"""One log line per request: its id (also in the response), the user's id and never a name or
an address, the method, the path without query string nor secret token, the status and the
duration; JSON lines with LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from milieu.factories import EstablishmentFactory, member
from milieu.people.enums import Role
from milieu.requestlog import JsonFormatter, RequestIdFilter

REPO = Path(__file__).resolve().parents[2]


def _request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "milieu.requests"]


def test_one_line_per_request_with_the_id_given_by_the_proxy(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="milieu.requests"):
        response = client.get("/sante/?sonde=1", HTTP_X_REQUEST_ID="lb-4f2a.17")

    assert response["X-Request-ID"] == "lb-4f2a.17"
    [record] = _request_records(caplog)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "lb-4f2a.17"
    assert line["method"] == "GET"
    assert line["path"] == "/sante/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "user_id" not in line
    assert line["level"] == "INFO" and line["logger"] == "milieu.requests"


@pytest.mark.parametrize("given", ["", "deux mots", "x" * 129, "<script>"])
def test_an_unusable_request_id_is_replaced(client: Client, given: str) -> None:
    response = client.get("/sante/", HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] != given
    assert len(response["X-Request-ID"]) == 32


def test_each_request_gets_its_own_id(client: Client) -> None:
    first = client.get("/sante/")["X-Request-ID"]
    second = client.get("/sante/")["X-Request-ID"]
    assert first != second


@pytest.mark.django_db
def test_the_user_is_logged_by_id_never_by_name_and_the_query_string_is_dropped(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    user = member(
        Role.DDFPT,
        establishment=EstablishmentFactory.create(),
        email="jeanne.martin@lycee.fr",
        first_name="Jeanne",
        last_name="Martin",
    )
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="milieu.requests"):
        client.get("/eleves/recherche/?q=Dupont")

    [record] = _request_records(caplog)
    text = JsonFormatter().format(record)
    line = json.loads(text)
    assert line["user_id"] == user.pk
    assert line["path"] == "/eleves/recherche/"
    for secret in ("Jeanne", "Martin", "jeanne.martin", "Dupont"):
        assert secret not in text


@pytest.mark.django_db
def test_the_token_of_a_link_is_not_logged(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    token = "Zk3-secret-token-of-a-tutor-link"
    with caplog.at_level(logging.INFO, logger="milieu.requests"):
        client.get(f"/suivi/tuteur/{token}/")

    [record] = _request_records(caplog)
    assert token not in JsonFormatter().format(record)
    assert record.path == "/suivi/tuteur/…/"  # type: ignore[attr-defined]


def test_records_written_during_a_request_carry_its_id(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/page-qui-n-existe-pas/", HTTP_X_REQUEST_ID="req-404")

    assert response.status_code == 404
    [warning] = [r for r in caplog.records if r.name == "django.request"]
    assert warning.request_id == "req-404"  # type: ignore[attr-defined]


def test_the_formatter_writes_an_exception_on_the_same_line() -> None:
    try:
        raise ValueError("boum")
    except ValueError:
        record = logging.getLogger("essai").makeRecord(
            "essai", logging.ERROR, __file__, 1, "échec %s", ("ici",), sys.exc_info()
        )
    text = JsonFormatter().format(record)
    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == "échec ici"
    assert "ValueError: boum" in line["exception"]


def _python(code: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "LOG_"))}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_log_format_json_writes_json_lines_through_the_settings() -> None:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'milieu.settings'; "
        "django.setup(); from django.test import Client; "
        "Client().get('/sante/', HTTP_X_REQUEST_ID='sous-processus')"
    )
    result = _python(code, LOG_FORMAT="json")

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    [request] = [line for line in lines if line.get("logger") == "milieu.requests"]
    assert request["request_id"] == "sous-processus"
    assert request["path"] == "/sante/" and request["status"] == 200


def test_log_format_refuses_an_unknown_value() -> None:
    result = _python("import milieu.settings", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT" in result.stderr


def test_sentry_is_off_without_a_dsn_and_without_personal_data_with_one() -> None:
    code = (
        "import milieu.settings, sentry_sdk; c = sentry_sdk.get_client(); "
        "print(c.is_active(), c.options.get('send_default_pii'), "
        "c.options.get('max_request_body_size'))"
    )
    off = _python(code)
    on = _python(code, SENTRY_DSN="https://cle@sentry.invalid/42")

    assert off.returncode == 0 and on.returncode == 0, off.stderr + on.stderr
    assert off.stdout.split()[0] == "False"
    assert on.stdout.split() == ["True", "False", "never"]


def test_the_json_formatter_skips_absent_fields() -> None:
    record = logging.getLogger("essai").makeRecord(
        "essai", logging.INFO, __file__, 1, "démarrage", (), None
    )
    RequestIdFilter().filter(record)
    line: dict[str, Any] = json.loads(JsonFormatter().format(record))
    assert set(line) == {"time", "level", "logger", "message"}
