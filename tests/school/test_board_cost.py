"""The cohort page and the placement board cost the same whatever the cohort's size (issue 15):
the filters' counts come from one grouped COUNT, the filter and the page from the database, and
only the page's students are read as rows. The counts shown are checked against a count made
student by student."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import ConventionPeriod
from milieu.conventions.operations import cancel_convention, create_convention
from milieu.factories import (
    CohortFactory,
    CohortPeriodFactory,
    HostFactory,
    PlacementFactory,
    StudentFactory,
    TutorFactory,
)
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Placement
from milieu.placements import board
from milieu.students.models import Student
from tests.school.conftest import School, client_for

BEFORE_PFMP = datetime(2027, 3, 1, 9, tzinfo=UTC)
CYCLE = (
    None,
    PlacementStatus.PROPOSED,
    PlacementStatus.VALIDATED,
    PlacementStatus.ARRETE,
    PlacementStatus.REJECTED,
    "convention",  # an arrêté choice turned into a convention
    "cancelled",  # a convention cancelled: the arrêté choice stands
    "without-choice",  # a convention made without a choice
)


def populate(school: School, cohort: Any, period: Any, count: int) -> None:
    """`count` more students in `cohort`, cycling through every state of the board."""
    host = HostFactory.create()
    tutor = TutorFactory.create(host=host)
    already = Student.objects.filter(cohort=cohort).count()
    for n in range(already, already + count):
        student = StudentFactory.create(cohort=cohort)
        state = CYCLE[n % len(CYCLE)]
        if state is None:
            continue
        placement = None
        if state != "without-choice":
            status = state if state in PlacementStatus.values else PlacementStatus.ARRETE
            placement = PlacementFactory.create(
                student=student, cohort_period=period, status=status, host=host, tutor=tutor
            )
        if state in ("convention", "cancelled", "without-choice"):
            convention = create_convention(
                student=student,
                host=host,
                periods=[(period.start, period.end)],
                by=school.teacher,
                placement=placement,
            )
            if state == "cancelled":
                cancel_convention(convention, by=school.head, comment="Erreur de saisie")


def brute_force_status(student: Student, period: Any) -> str | None:
    """The board's state of one student, read the slow way."""
    for convention_period in ConventionPeriod.objects.filter(student=student, active=True):
        convention = convention_period.convention
        if convention.status == ConventionStatus.CANCELLED:
            continue
        overlaps = convention_period.start <= period.end and convention_period.end >= period.start
        from_choice = (
            convention.placement is not None and convention.placement.cohort_period == period
        )
        if overlaps or from_choice:
            return board.WITH_CONVENTION
    choice = Placement.objects.open().filter(student=student, cohort_period=period).first()
    return choice.status if choice else None


def brute_force_counts(cohort: Any, period: Any) -> dict[str, int]:
    statuses = [brute_force_status(s, period) for s in Student.objects.filter(cohort=cohort)]
    return {f.slug: sum(1 for s in statuses if f.keeps(s)) for f in board.BOARD_FILTERS}


def board_url(cohort: Any, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("establishments:placement_board", args=[cohort.pk]) + (
        f"?{query}" if query else ""
    )


def shown_counts(html: str) -> dict[str, int]:
    return {
        f.slug: int(re.search(rf'for="filtre-{f.slug}">[^<(]*\((\d+)\)', html).group(1))  # type: ignore[union-attr]
        for f in board.BOARD_FILTERS
    }


@pytest.mark.parametrize(
    "params", [{}, {"filtre": "sans-organisme"}, {"filtre": "convention", "page": "2"}]
)
@pytest.mark.parametrize("htmx", [False, True])
def test_the_board_costs_the_same_for_10_and_for_120_students(
    school_a: School,
    params: dict[str, str],
    htmx: bool,
    count_queries: Callable[[Client, str], int],
    django_assert_num_queries: Any,
) -> None:
    def client() -> Client:
        client = client_for(school_a.teacher)
        if htmx:
            client.defaults["HTTP_HX_REQUEST"] = "true"
        return client

    populate(school_a, school_a.cohort, school_a.period, 9)  # 10 with school_a.student
    with time_machine.travel(BEFORE_PFMP, tick=False):
        small = count_queries(client(), board_url(school_a.cohort, **params))
    populate(school_a, school_a.cohort, school_a.period, 110)
    with time_machine.travel(BEFORE_PFMP, tick=False):
        again = client()
        with django_assert_num_queries(small):
            response = again.get(board_url(school_a.cohort, **params))
    assert response.context["total"] == 120
    assert len(response.context["rows"]) <= 50


def test_the_counts_shown_are_those_of_a_count_student_by_student(school_a: School) -> None:
    populate(school_a, school_a.cohort, school_a.period, 119)
    expected = brute_force_counts(school_a.cohort, school_a.period)
    assert expected["tous"] == 120 and all(expected.values())

    with time_machine.travel(BEFORE_PFMP, tick=False):
        html = client_for(school_a.head).get(board_url(school_a.cohort)).content.decode()
        assert shown_counts(html) == expected
        for board_filter in board.BOARD_FILTERS:
            seen: list[tuple[int, str]] = []
            for page in (1, 2, 3):
                response = client_for(school_a.head).get(
                    board_url(school_a.cohort, filtre=board_filter.slug, page=str(page))
                )
                if response.context["page"].number != page:
                    break
                seen += [(r.student.pk, r.status or "none") for r in response.context["rows"]]
            students = {s.pk: s for s in Student.objects.filter(cohort=school_a.cohort)}
            assert len(seen) == len(set(seen)) == expected[board_filter.slug], board_filter
            for pk, status in seen:  # each row in its filter, with its real state
                assert status == (brute_force_status(students[pk], school_a.period) or "none")
                assert board_filter.keeps(None if status == "none" else status)


def test_the_bep_alert_lists_every_pupil_without_a_host_at_a_constant_cost(
    school_a: School,
    count_queries: Callable[[Client, str], int],
    django_assert_num_queries: Any,
) -> None:
    cohort = CohortFactory.create(establishment=school_a.establishment, diploma="bep-mpmi")
    cohort.teachers.add(school_a.teacher)
    period = CohortPeriodFactory.create(cohort=cohort)
    populate(school_a, cohort, period, 10)
    with time_machine.travel(BEFORE_PFMP, tick=False):
        small = count_queries(client_for(school_a.teacher), board_url(cohort))
    populate(school_a, cohort, period, 110)
    with time_machine.travel(BEFORE_PFMP, tick=False):
        again = client_for(school_a.teacher)
        with django_assert_num_queries(small):
            html = again.get(board_url(cohort)).content.decode()

    students = Student.objects.filter(cohort=cohort).order_by("last_name", "first_name", "pk")
    without = [
        s for s in students if brute_force_status(s, period) in (None, PlacementStatus.PROPOSED)
    ]
    alert = html.split("data-still-without-host>")[1].split("</ul>")[0]
    assert f"{len(without)} élèves sans organisme validé ou arrêté" in html
    linked = re.findall(r'href="[^"]*/(\d+)/"', alert)
    assert linked == [str(s.pk) for s in without]


def test_the_cohort_page_costs_the_same_for_10_and_for_120_students(
    school_a: School,
    count_queries: Callable[[Client, str], int],
    django_assert_num_queries: Any,
) -> None:
    url = reverse("establishments:cohort_detail", args=[school_a.cohort.pk])
    populate(school_a, school_a.cohort, school_a.period, 9)
    with time_machine.travel(BEFORE_PFMP, tick=False):
        small = count_queries(client_for(school_a.head), url)
    populate(school_a, school_a.cohort, school_a.period, 110)
    with time_machine.travel(BEFORE_PFMP, tick=False):
        again = client_for(school_a.head)
        with django_assert_num_queries(small):
            response = again.get(url)
        second = again.get(url, {"page": "2"})

    html = response.content.decode()
    assert "Élèves (120)" in html
    students = {s.pk: s for s in Student.objects.filter(cohort=school_a.cohort)}
    rows = list(response.context["rows"]) + list(second.context["rows"])
    assert len(rows) == 100
    for row in rows:  # each page's state is the student's real one
        assert row.status == brute_force_status(students[row.student.pk], school_a.period)
