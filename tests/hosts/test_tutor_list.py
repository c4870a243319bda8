"""Tutors with their host and how many of your students they follow now (3 at most: D124-3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milieu.factories import (
    CohortPeriodFactory,
    HostFactory,
    PlacementFactory,
    StudentFactory,
    TutorFactory,
)
from milieu.hosts.enums import PlacementStatus
from tests.hosts.conftest import School

URL = reverse("hosts:tutors")
DURING_PFMP = datetime(2027, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))  # PFMP 1: 31/05–16/07


def follow(tutor: Any, school: School, count: int, *, period: Any = None, **extra: Any) -> None:
    for _ in range(count):
        student = StudentFactory.create(cohort=school.cohort)
        PlacementFactory.create(
            student=student,
            cohort_period=period or school.period,
            host=tutor.host,
            tutor=tutor,
            **extra,
        )


def current_count(html: str, tutor: Any) -> str:
    row = html.split(f'data-tutor="{tutor.pk}"')[1].split("</tr>")[0]
    return row.split('data-current-students="')[1].split('"')[0]


@time_machine.travel(DURING_PFMP, tick=False)
def test_counts_the_students_of_your_establishment_followed_today(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    tutor = TutorFactory.create(last_name="Keller")
    follow(tutor, school_a, 2)
    follow(tutor, school_b, 3)  # another school's students are not counted for school A
    follow(tutor, school_a, 1, status=PlacementStatus.WITHDRAWN)
    past = CohortPeriodFactory.create(
        cohort=school_a.cohort, label="PFMP 0", start=date(2027, 1, 4), end=date(2027, 2, 5)
    )
    follow(tutor, school_a, 1, period=past)

    html_a = client_for(school_a.ddfpt).get(URL).content.decode()
    html_b = client_for(school_b.ddfpt).get(URL).content.decode()

    assert current_count(html_a, tutor) == "2"
    assert current_count(html_b, tutor) == "3"
    assert "data-tutor-overloaded" not in html_a


@time_machine.travel(DURING_PFMP, tick=False)
def test_more_than_three_students_at_once_is_a_warning(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    tutor = TutorFactory.create()
    follow(tutor, school_a, 4)

    html = client_for(school_a.ddfpt).get(URL).content.decode()

    assert current_count(html, tutor) == "4"
    assert "Plus de 3 élèves à la fois" in html
    assert "D124-3" in html


def test_each_tutor_comes_with_their_host(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(name="Atelier Rhénan")
    TutorFactory.create(host=host, first_name="Claire", last_name="Keller")

    html = client_for(school_a.teacher).get(URL).content.decode()

    assert "Claire KELLER" in html
    assert f'href="{reverse("hosts:detail", args=[host.pk])}"' in html


def test_search_by_name_or_host(school_a: School, client_for: Callable[[Any], Client]) -> None:
    TutorFactory.create(last_name="Keller", host=HostFactory.create(name="Atelier Rhénan"))
    TutorFactory.create(last_name="Schmitt", host=HostFactory.create(name="Métrologie de l’Est"))
    client = client_for(school_a.teacher)

    by_name = client.get(URL, {"q": "kell"}).content.decode()
    by_host = client.get(URL, {"q": "métrologie"}, HTTP_HX_REQUEST="true").content.decode()

    assert "KELLER" in by_name and "SCHMITT" not in by_name
    assert "SCHMITT" in by_host and "KELLER" not in by_host
    assert by_host.lstrip().startswith('<div id="resultats-tuteurs"')


@time_machine.travel(DURING_PFMP, tick=False)
def test_only_tutors_following_students_now(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    busy = TutorFactory.create(last_name="Occupée")
    TutorFactory.create(last_name="Libre")
    follow(busy, school_a, 1)

    html = client_for(school_a.ddfpt).get(URL, {"suivis": "1"}).content.decode()

    assert "OCCUPÉE" in html and "LIBRE" not in html


def test_the_rectorat_reads_the_list_without_counts(
    school_a: School, rectorat: Any, client_for: Callable[[Any], Client]
) -> None:
    tutor = TutorFactory.create(last_name="Keller")

    response = client_for(rectorat).get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "KELLER" in html
    assert "data-current-students" not in html
    assert reverse("hosts:tutor_edit", args=[tutor.pk]) not in html


def test_students_may_not_read_the_tutor_list(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    assert client_for(school_a.student_user).get(URL).status_code == 403


def test_anonymous_is_sent_to_the_login_page(db: None, client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302 and "next=" in response["Location"]


@time_machine.travel(DURING_PFMP, tick=False)
def test_the_list_costs_the_same_number_of_queries_whatever_the_data(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    """1× and 10× data cost the same queries (session, user, memberships, count, one page query
    with tutors, hosts and counts); each is measured after a first, warming request."""
    client = client_for(school_a.ddfpt)
    counts: list[tuple[int, int]] = []
    for copies in (1, 9):
        for _ in range(copies):  # a name the search "a" finds: an empty result skips the page query
            follow(TutorFactory.create(last_name="Martin"), school_a, 2)
        client.get(URL)
        with CaptureQueriesContext(connection) as page:
            client.get(URL)
        with CaptureQueriesContext(connection) as partial:
            client.get(URL, {"q": "a"}, HTTP_HX_REQUEST="true")
        counts.append((len(page), len(partial)))
    assert counts[0] == counts[1], counts
    assert counts[0][0] <= 5 and counts[0][1] <= 5, counts
