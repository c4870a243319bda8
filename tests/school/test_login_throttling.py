"""Login throttling: 5 failures for one e-mail and one IP within 15 minutes lock the pair."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client
from django.urls import reverse

from milieu.factories import DEMO_PASSWORD
from milieu.people import throttle
from tests.school.conftest import School

URL = reverse("login")
EMAIL = "chef-A@exemple.fr"
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def fail(client: Client, times: int, *, ip: str = "10.0.0.1", email: str = EMAIL) -> None:
    for _ in range(times):
        client.post(URL, {"username": email, "password": "mauvais"}, REMOTE_ADDR=ip)


def log_in(client: Client, *, ip: str = "10.0.0.1", email: str = EMAIL) -> str:
    response = client.post(URL, {"username": email, "password": DEMO_PASSWORD}, REMOTE_ADDR=ip)
    return response.content.decode() if response.status_code == 200 else "connecté"


def test_five_failures_lock_even_the_right_password(client: Client, school_a: School) -> None:
    with time_machine.travel(START, tick=False):
        fail(client, 5)
        html = log_in(client)

    assert "Trop de tentatives de connexion ont échoué pour cette adresse." in html
    assert "Réessayez dans 15 minute(s)." in html


def test_four_failures_do_not_lock(client: Client, school_a: School) -> None:
    with time_machine.travel(START, tick=False):
        fail(client, 4)
        assert log_in(client) == "connecté"


def test_the_lock_lifts_when_the_oldest_failure_is_15_minutes_old(
    client: Client, school_a: School
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        fail(client, 5)
        clock.shift(timedelta(minutes=10))
        assert "Réessayez dans 5 minute(s)." in log_in(client)
        clock.shift(timedelta(minutes=5))
        assert log_in(client) == "connecté"


def test_failures_spread_over_more_than_15_minutes_do_not_lock(
    client: Client, school_a: School
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            fail(client, 1)
            clock.shift(timedelta(minutes=4))
        assert log_in(client) == "connecté"


def test_the_lock_is_per_address_and_ip(client: Client, school_a: School) -> None:
    with time_machine.travel(START, tick=False):
        fail(client, 5)
        assert log_in(client, ip="10.0.0.2") == "connecté"
        assert log_in(Client(), email="ddfpt-A@exemple.fr") == "connecté"


def test_a_success_forgets_the_earlier_failures(client: Client, school_a: School) -> None:
    with time_machine.travel(START, tick=False):
        fail(client, 4)
        assert log_in(client) == "connecté"
        client.logout()
        fail(client, 4)
        assert log_in(client) == "connecté"


def test_a_locked_attempt_is_not_counted_again(db: None) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            throttle.record_failure(EMAIL, "10.0.0.1")
        assert throttle.is_locked(EMAIL.upper(), "10.0.0.1")
        clock.shift(timedelta(minutes=15))
        assert not throttle.is_locked(EMAIL, "10.0.0.1")
