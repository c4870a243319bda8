from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.visits.ical import fold
from milieu.visits.models import Visit
from milieu.visits.operations import cancel_visit
from tests.visits.conftest import School, client_for, visit_for

FUTURE = datetime(2099, 3, 2, 13, 0, tzinfo=UTC)
PAST = datetime(2020, 3, 2, 13, 0, tzinfo=UTC)


def unfold(text: str) -> list[str]:
    """The content lines of an iCalendar text (RFC 5545 §3.1), checking every line ends in CRLF."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    lines: list[str] = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def test_the_calendar_splits_coming_and_past_visits(school_a: School) -> None:
    coming = visit_for(school_a, when=FUTURE)
    past = visit_for(school_a, when=PAST)
    response = client_for(school_a.teacher).get(reverse("visits:calendar"))
    assert [v.pk for v in response.context["coming"]] == [coming.pk]
    assert [v.pk for v in response.context["past"]] == [past.pk]
    assert "Visites à venir" in response.content.decode()


def test_the_calendar_shows_only_the_teacher_s_own_visits(school_a: School) -> None:
    visit_for(school_a, when=FUTURE)
    response = client_for(school_a.head).get(reverse("visits:calendar"))
    assert response.context["coming"] == [] and response.context["past"] == []


def test_the_ics_feed_has_one_event_per_visit(school_a: School, settings: Any) -> None:
    settings.SITE_URL = "https://milieu.exemple.fr"
    visit = visit_for(school_a, when=FUTURE)
    response = client_for(school_a.teacher).get(reverse("visits:calendar_ics"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    lines = unfold(response.content.decode())
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines[-1] == "END:VCALENDAR"
    assert any(line.startswith("PRODID:") for line in lines)
    event = lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT") + 1]
    fields = dict(line.split(":", 1) for line in event[1:-1])
    assert fields["UID"] == f"visite-{visit.pk}@milieu.exemple.fr"
    assert fields["DTSTART"] == "20990302T130000Z"
    assert fields["DTEND"] == "20990302T140000Z"
    assert len(fields["DTSTAMP"]) == 16 and fields["DTSTAMP"].endswith("Z")
    student = visit.convention.student.full_name
    assert fields["SUMMARY"] == f"Visite de stage : {student} chez Atelier Dubois"
    assert fields["LOCATION"] == f"3 rue des Lilas\\, {visit.convention.host.postal_code} Colmar"
    assert fields["STATUS"] == "CONFIRMED"
    period = visit.period
    assert period.start <= date(2099, 3, 2) <= period.end
    assert fields["DESCRIPTION"] == (
        f"Période de stage du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y}."
    )


def test_a_cancelled_visit_is_published_as_cancelled(school_a: School) -> None:
    visit = visit_for(school_a, when=FUTURE)
    cancel_visit(visit, by=school_a.head, reason="Grève.")
    text = client_for(school_a.teacher).get(reverse("visits:calendar_ics")).content.decode()
    assert "STATUS:CANCELLED" in unfold(text)


def test_texts_are_escaped_and_long_lines_folded_at_75_octets() -> None:
    line = "SUMMARY:" + "Visite chez Électricité, Réseaux; et Cie — " * 4
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert unfold(folded + "\r\n") == [line]


def test_another_teacher_s_feed_is_empty(school_a: School, school_b: School) -> None:
    visit_for(school_a, when=FUTURE)
    lines = unfold(
        client_for(school_b.teacher).get(reverse("visits:calendar_ics")).content.decode()
    )
    assert "BEGIN:VEVENT" not in lines


@pytest.mark.parametrize("name", ["visits:calendar", "visits:calendar_ics"])
def test_anonymous_users_are_sent_to_the_login_page(client: Client, name: str) -> None:
    assert client.get(reverse(name))["Location"].startswith(reverse("login"))


def test_the_feed_runs_a_constant_number_of_queries(
    school_a: School,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    visit_for(school_a, when=FUTURE)
    client = client_for(school_a.teacher)
    with CaptureQueriesContext(connection) as once:
        client.get(reverse("visits:calendar_ics"))
    for _ in range(9):
        visit_for(school_a, when=FUTURE)
    with CaptureQueriesContext(connection) as ten:
        client.get(reverse("visits:calendar_ics"))
    assert Visit.objects.count() == 10
    assert len(ten) == len(once)
