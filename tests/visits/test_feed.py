"""The teacher's secret calendar address: made on the calendar page, shown once, read without a
session by calendar applications; a new one revokes the previous one."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from milieu.people.models import Membership
from milieu.tokens import hash_token
from milieu.visits.models import CalendarFeed
from milieu.visits.operations import issue_calendar_feed
from tests.visits.conftest import School, another_student_convention, client_for, plan, visit_for
from tests.visits.test_calendar import unfold

FUTURE = datetime(2099, 3, 2, 13, 0, tzinfo=UTC)
FEED_URL = re.compile(r'value="(https?://[^"]+/visites/agenda/([-\w]+)\.ics)"')


def create_feed(client: Client) -> tuple[str, str]:
    """POST the confirmed form; return the address shown and its path."""
    response = client.post(reverse("visits:feed_create"), {"confirmation": "on"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    found = FEED_URL.search(response.content.decode())
    assert found, "the new address is shown"
    url = found.group(1)
    return url, url.split("://", 1)[1].split("/", 1)[1]


def uids(text: str) -> set[str]:
    return {line.split(":", 1)[1] for line in unfold(text) if line.startswith("UID:")}


def test_the_secret_address_serves_the_teacher_s_visits_only(
    school_a: School, settings: Any
) -> None:
    settings.SITE_URL = "https://milieu.exemple.fr"
    mine = visit_for(school_a, when=FUTURE)
    also_mine = visit_for(school_a, when=datetime(2020, 3, 2, 13, 0, tzinfo=UTC))
    # a visit of another teacher of the cohort, to another student
    school_a.cohort.teachers.add(school_a.other_teacher)
    someone_else = plan(
        another_student_convention(school_a, periods=[(date(2099, 2, 1), date(2099, 3, 31))]),
        school_a.head,
        teacher=school_a.other_teacher,
        when=FUTURE,
    )

    url, path = create_feed(client_for(school_a.teacher))
    response = Client().get("/" + path)  # no session: a calendar application

    assert url.startswith("https://milieu.exemple.fr/visites/agenda/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    text = response.content.decode()
    assert uids(text) == {
        f"visite-{mine.pk}@milieu.exemple.fr",
        f"visite-{also_mine.pk}@milieu.exemple.fr",
    }
    assert f"visite-{someone_else.pk}@" not in text
    # the same feed as with the session
    session = client_for(school_a.teacher).get(reverse("visits:calendar_ics")).content.decode()
    strip = lambda t: [line for line in unfold(t) if not line.startswith("DTSTAMP:")]  # noqa: E731
    assert strip(text) == strip(session)


def test_only_the_hash_of_the_token_is_kept_and_the_address_is_shown_once(
    school_a: School,
) -> None:
    client = client_for(school_a.teacher)
    url, path = create_feed(client)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert url.endswith(f"/visites/agenda/{token}.ics")

    feed = CalendarFeed.objects.get()
    assert feed.teacher == school_a.teacher and feed.revoked_at is None
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash
    later = client.get(reverse("visits:calendar")).content.decode()
    assert token not in later
    assert "Une adresse secrète est en vigueur" in later


def test_a_new_address_revokes_the_previous_one(school_a: School) -> None:
    visit_for(school_a, when=FUTURE)
    client = client_for(school_a.teacher)
    _, old = create_feed(client)
    _, new = create_feed(client)

    assert old != new
    assert Client().get("/" + old).status_code == 404
    assert Client().get("/" + new).status_code == 200
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1
    assert CalendarFeed.objects.count() == 2


def test_revoking_without_replacing(school_a: School) -> None:
    client = client_for(school_a.teacher)
    _, path = create_feed(client)

    response = client.post(reverse("visits:feed_revoke"), follow=True)

    assert "est révoquée" in response.content.decode()
    assert Client().get("/" + path).status_code == 404


def test_an_unknown_token_is_a_404(db: None) -> None:
    assert Client().get(reverse("visits:feed_ics", args=["inconnu"])).status_code == 404


def test_the_address_needs_the_confirmation(school_a: School) -> None:
    response = client_for(school_a.teacher).post(reverse("visits:feed_create"), {})

    assert response.status_code == 200
    assert "Cochez la case pour confirmer" in response.content.decode()
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("who", ["student_user"])
def test_students_may_not_have_an_address(school_a: School, who: str) -> None:
    user = getattr(school_a, who)
    response = client_for(user).post(reverse("visits:feed_create"), {"confirmation": "on"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        issue_calendar_feed(by=user)
    assert not CalendarFeed.objects.exists()
    assert "data-feed-form" not in client_for(user).get(reverse("visits:calendar")).content.decode()


def test_the_address_stops_when_the_teacher_leaves_the_school(school_a: School) -> None:
    token = issue_calendar_feed(by=school_a.teacher)
    url = reverse("visits:feed_ics", args=[token])
    assert Client().get(url).status_code == 200

    Membership.objects.filter(user=school_a.teacher).delete()

    assert Client().get(url).status_code == 404


def test_reading_the_feed_is_dated(school_a: School) -> None:
    token = issue_calendar_feed(by=school_a.teacher)
    assert CalendarFeed.objects.get().last_used_at is None
    Client().get(reverse("visits:feed_ics", args=[token]))
    assert CalendarFeed.objects.get().last_used_at is not None
