"""Headers and error pages (issue 9 item 10, issue 13 items 8 and 13): a strict
Content-Security-Policy on every page and no inline script, style or handler in them; HSTS once
the cookies are secure; nothing stored by caches; a session ended after 2 h without activity;
French 404, 403 and 500 pages whatever DEBUG says; one line, no traceback, for a 403; a short
SECRET_KEY refused at start."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.conventions.operations import create_convention
from milieu.factories import DEMO_PASSWORD, HostFactory, TutorFactory
from milieu.log_filters import PermissionDeniedOnOneLine
from milieu.middleware import SecurityHeadersMiddleware, idle_timeout_text
from tests.core.conftest import School
from tests.core.conftest import academie as academie
from tests.core.conftest import school_a as school_a
from tests.core.conftest import school_b as school_b

REPO = Path(__file__).resolve().parents[2]
START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def policy_of(response: Any) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


class InlineFinder(HTMLParser):
    """What a strict policy would block in a page: inline scripts, <style> elements, style
    attributes, event handler attributes, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self.found.append("<script> inline")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action"} and (value or "").startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")


def inline_content(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


# --- Content-Security-Policy -----------------------------------------------------------------


def test_every_page_carries_a_strict_policy(client: Client, school_a: School) -> None:
    pages = [
        client.get("/"),
        client.get(reverse("login")),
        client.get(reverse("checker:check")),
        client.get("/page-qui-n-existe-pas/"),
        signed_in(school_a.ddfpt).get(reverse("dashboard")),
    ]

    for response in pages:
        policy = policy_of(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "unsafe" not in response["Content-Security-Policy"]


def test_no_page_holds_an_inline_script_style_or_handler(client: Client, school_a: School) -> None:
    host = HostFactory.create(headcount=50)
    convention = create_convention(
        student=school_a.student,
        host=host,
        periods=[(date(2027, 5, 31), date(2027, 7, 9))],
        by=school_a.teacher,
        tutor=TutorFactory.create(host=host),
        referent=school_a.teacher,
        activities="Câblage.",
        objectives="C01.",
        host_signatory_name="Claire Dubois",
        host_signatory_position="Gérante",
        host_signatory_email="gerante@entreprise.exemple.fr",
    )
    ddfpt = signed_in(school_a.ddfpt)
    cohort = school_a.cohort.pk
    from tests.exams.conftest import draft_request

    derogation = draft_request(school_a)
    urls = {
        client: ["/", reverse("login"), reverse("checker:check"), "/regles/", "/api/v1/docs"],
        ddfpt: [
            reverse("dashboard"),
            "/promotions/",
            f"/promotions/{cohort}/",
            f"/promotions/{cohort}/placements/",
            f"/eleves/{school_a.student.pk}/",
            "/conventions/",
            f"/conventions/{convention.pk}/",
            f"/conventions/{convention.pk}/modifier/",
            "/organismes/",
            "/organismes/tuteurs/",
            f"/imports/etablissements/{school_a.establishment.pk}/eleves/",
            "/examens/derogations/",  # its filter's onchange (walked in Chromium)
            f"/examens/derogations/{derogation.pk}/",  # its style attributes
            "/page-qui-n-existe-pas/",
        ],
        signed_in(school_a.student_user): ["/promotions/"],  # the 403 page
    }

    for who, paths in urls.items():
        for path in paths:
            response = who.get(path)
            assert response.status_code in {200, 403, 404}, path
            assert inline_content(response.content.decode()) == [], path


def test_htmx_is_told_not_to_inject_its_styles_and_not_to_eval(client: Client) -> None:
    html = client.get("/").content.decode()

    start = html.index('<meta name="htmx-config" content=\'') + len(
        '<meta name="htmx-config" content=\''
    )
    config = json.loads(html[start : html.index("'", start)])
    assert config == {"includeIndicatorStyles": False, "allowEval": False, "allowScriptTags": False}


def test_a_pdf_is_left_to_the_browser_viewer_without_a_policy() -> None:
    def pdf(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"%PDF-1.7", content_type="application/pdf")

    def page(request: HttpRequest) -> HttpResponse:
        return HttpResponse("<p>page</p>")

    request = RequestFactory().get("/")
    assert "Content-Security-Policy" not in SecurityHeadersMiddleware(pdf)(request)
    assert "Content-Security-Policy" in SecurityHeadersMiddleware(page)(request)


# --- caches, HSTS ----------------------------------------------------------------------------


def test_pages_of_a_signed_in_user_are_never_stored(school_a: School) -> None:
    response = signed_in(school_a.ddfpt).get(f"/eleves/{school_a.student.pk}/")

    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_pages_opened_without_an_account_are_never_stored_either(client: Client) -> None:
    """Tutor and signatory links open without an account and show a student's data; the
    checker echoes a pasted dossier: no page of the application is kept by a cache."""
    response = client.get(reverse("checker:check"))

    assert "no-store" in response["Cache-Control"]


def test_hsts_is_sent_over_https_once_cookies_are_secure(client: Client, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000

    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/")


def read_settings(*names: str, **environ: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with `environ` and print `names` as JSON."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "SECURE_COOKIES", "CACHE_URL", "CACHE_LOCATION"}
    }
    env.update(environ)
    code = (
        "import json, milieu.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


LONG_KEY = "k" * 20 + "-une-clé-de-production-assez-longue-" + "z" * 10


def test_hsts_follows_secure_cookies_and_the_proxy_header_is_opt_in() -> None:
    production = read_settings(
        "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER", DEBUG="false", SECRET_KEY=LONG_KEY
    )
    demo = read_settings("SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER")
    proxied = read_settings(
        "SECURE_PROXY_SSL_HEADER",
        DEBUG="false",
        SECRET_KEY=LONG_KEY,
        TRUST_X_FORWARDED_PROTO="true",
    )

    assert json.loads(production.stdout) == {
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    assert json.loads(demo.stdout) == {"SECURE_HSTS_SECONDS": 0, "SECURE_PROXY_SSL_HEADER": None}
    assert json.loads(proxied.stdout) == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]
    }


def test_behind_a_tls_proxy_the_forwarded_scheme_brings_hsts(client: Client, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")

    assert response["Strict-Transport-Security"] == "max-age=31536000"


# --- SECRET_KEY ------------------------------------------------------------------------------


def test_a_secret_key_shorter_than_50_characters_stops_the_start() -> None:
    short = "courte-mais-pas-assez-" * 2  # 44 characters
    result = read_settings("DEBUG", DEBUG="false", SECRET_KEY=short)

    assert result.returncode != 0
    assert "SECRET_KEY doit compter au moins 50 caractères (elle en compte 44)" in result.stderr
    assert short not in result.stderr


def test_a_secret_key_of_50_characters_starts_and_the_demo_key_is_long_enough() -> None:
    assert read_settings("DEBUG", DEBUG="false", SECRET_KEY="x" * 50).returncode == 0
    assert read_settings("DEBUG", DEBUG="true").returncode == 0


# --- idle session ----------------------------------------------------------------------------


def log_in(client: Client, email: str) -> None:
    response = client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_a_session_idle_for_more_than_two_hours_ends(client: Client, school_a: School) -> None:
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, school_a.ddfpt.email)
        assert client.get(reverse("dashboard")).status_code == 200
        clock.shift(timedelta(hours=9))  # the next morning
        response = client.get(reverse("dashboard"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "Votre session a pris fin après 2 h sans activité." in response.content.decode()
    logout = AuditEntry.objects.get(action=AuditAction.LOGOUT)
    assert logout.actor == school_a.ddfpt
    assert logout.changes == {"motif": "inactivité"}


def test_an_htmx_request_after_the_timeout_sends_the_whole_page_to_the_login(
    client: Client, school_a: School
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, school_a.ddfpt.email)
        clock.shift(timedelta(hours=3))
        response = client.get(
            f"/promotions/{school_a.cohort.pk}/placements/", headers={"HX-Request": "true"}
        )

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_two_hours_and_a_second_are_enough(client: Client, school_a: School) -> None:
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, school_a.ddfpt.email)
        clock.shift(timedelta(hours=2))
        assert client.get(reverse("dashboard")).status_code == 200
        clock.shift(timedelta(hours=2, seconds=1))
        assert client.get(reverse("dashboard")).status_code == 302


def test_activity_keeps_the_session_alive(client: Client, school_a: School) -> None:
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, school_a.ddfpt.email)
        for _ in range(4):
            assert client.get(reverse("dashboard")).status_code == 200
            clock.shift(timedelta(hours=1, minutes=55))
        assert client.get(reverse("dashboard")).status_code == 200


def test_the_idle_timeout_is_a_setting(client: Client, school_a: School, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, school_a.ddfpt.email)
        client.get(reverse("dashboard"))
        clock.shift(timedelta(minutes=29))
        assert client.get(reverse("dashboard")).status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get(reverse("dashboard"), follow=True)

    assert "après 30 min sans activité" in response.content.decode()


def test_the_idle_timeout_is_said_in_hours_and_minutes() -> None:
    assert idle_timeout_text(7200) == "2 h"
    assert idle_timeout_text(5400) == "1 h 30 min"
    assert idle_timeout_text(600) == "10 min"


def test_the_idle_timeout_setting_defaults_to_two_hours_and_is_checked() -> None:
    default = read_settings("SESSION_IDLE_TIMEOUT", "SESSION_COOKIE_AGE")
    bad = read_settings("SESSION_IDLE_TIMEOUT", SESSION_IDLE_TIMEOUT="deux heures")

    assert json.loads(default.stdout) == {"SESSION_IDLE_TIMEOUT": 7200, "SESSION_COOKIE_AGE": 93600}
    assert bad.returncode != 0
    assert "SESSION_IDLE_TIMEOUT doit être un nombre entier" in bad.stderr


# --- error pages -----------------------------------------------------------------------------


def assert_french_dsfr_page(response: Any, status: int, title: str) -> None:
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="fr"' in html
    assert f"<h1>{title}</h1>" in html
    assert "dsfr" in html
    assert "Django" not in html and "Traceback" not in html


def test_without_debug_a_missing_page_is_the_french_404(client: Client, settings: Any) -> None:
    settings.DEBUG = False

    assert_french_dsfr_page(client.get("/nulle-part/"), 404, "Page non trouvée")


@pytest.mark.urls("tests.security.urls_errors")
def test_without_debug_a_failure_is_the_french_500(settings: Any) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.get("/panne/")

    assert_french_dsfr_page(response, 500, "Erreur inattendue")
    assert "Content-Security-Policy" in response


def test_with_debug_a_missing_page_is_still_the_french_404(client: Client, settings: Any) -> None:
    settings.DEBUG = True

    assert_french_dsfr_page(client.get("/nulle-part/"), 404, "Page non trouvée")


def test_with_debug_an_object_out_of_scope_is_the_french_404(
    settings: Any, school_a: School, school_b: School
) -> None:
    settings.DEBUG = True

    response = signed_in(school_b.ddfpt).get(f"/eleves/{school_a.student.pk}/")

    assert_french_dsfr_page(response, 404, "Page non trouvée")
    assert school_a.student.last_name not in response.content.decode()


def test_with_debug_a_refusal_is_the_french_403(settings: Any, school_a: School) -> None:
    settings.DEBUG = True

    response = signed_in(school_a.student_user).get("/promotions/")

    assert_french_dsfr_page(response, 403, "Accès refusé")


def test_developers_may_ask_for_the_technical_404(
    client: Client, settings: Any, school_a: School
) -> None:
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_404 = True

    missing = client.get("/nulle-part/")
    out_of_scope = signed_in(school_a.ddfpt).get("/eleves/999999/")

    assert missing.status_code == out_of_scope.status_code == 404
    assert "Using the URLconf defined in" in missing.content.decode()
    assert "You’re seeing this error because you have" in out_of_scope.content.decode()


def test_a_refusal_is_logged_on_one_line_without_traceback(school_a: School) -> None:
    """Through the console handler `settings.LOGGING` configures (its stream swapped for a
    buffer during the request)."""
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, PermissionDeniedOnOneLine) for f in handler.filters)
    )
    assert isinstance(console, logging.StreamHandler)
    buffer = io.StringIO()
    previous = console.setStream(buffer)
    try:
        response = signed_in(school_a.student_user).get("/promotions/")
    finally:
        console.setStream(previous)

    assert response.status_code == 403
    # (the request's own line, milieu.requestlog, aside)
    logged = "".join(
        line for line in buffer.getvalue().splitlines(True) if not line.startswith("GET ")
    )
    assert logged.startswith("Forbidden (Permission denied): /promotions/")
    assert "Traceback" not in logged
    assert len(logged.strip().splitlines()) == 1
