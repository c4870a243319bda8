"""The placement board of a cohort: who has a host for the coming period, htmx filters, and the
BEP rule (seed 000 §1: the school finds a host for every pupil) read from the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from milieu.conventions.operations import cancel_convention, create_convention, submit_convention
from milieu.establishments import queries
from milieu.factories import (
    CohortFactory,
    CohortPeriodFactory,
    HostFactory,
    PlacementFactory,
    StudentFactory,
)
from milieu.hosts.enums import PlacementStatus
from milieu.placements import board as board_queries
from milieu.rules import get_catalogue
from tests.school.conftest import School, client_for, grow

BEFORE_PFMP = datetime(2027, 3, 1, 9, tzinfo=UTC)


def url(cohort: Any) -> str:
    return reverse("establishments:placement_board", args=[cohort.pk])


@pytest.fixture
def board(school_a: School) -> dict[str, Any]:
    """One student in each state for PFMP 1 (school_a.student has no host)."""
    students: dict[str, Any] = {}
    for status in (PlacementStatus.PROPOSED, PlacementStatus.VALIDATED, PlacementStatus.ARRETE):
        student = StudentFactory.create(cohort=school_a.cohort)
        PlacementFactory.create(student=student, cohort_period=school_a.period, status=status)
        students[status] = student
    rejected = StudentFactory.create(cohort=school_a.cohort)
    PlacementFactory.create(
        student=rejected, cohort_period=school_a.period, status=PlacementStatus.REJECTED
    )
    students["rejected"] = rejected
    return students


def shown(response: Any) -> set[Any]:
    return {row.student for row in response.context["rows"]}


def test_the_board_shows_every_student_and_the_counts(school_a: School, board: Any) -> None:
    with time_machine.travel(BEFORE_PFMP, tick=False):
        response = client_for(school_a.head).get(url(school_a.cohort))

    html = response.content.decode()
    assert response.context["period"] == school_a.period
    assert len(shown(response)) == 5
    assert "Tous (5)" in html
    assert "Sans organisme (2)" in html
    assert "Proposé (1)" in html
    assert "Validé (1)" in html
    assert "Arrêté (1)" in html
    assert "<caption>PFMP 1 : 5 élèves sur 5 — filtre « Tous »</caption>" in html


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("sans-organisme", {"student", "rejected"}),
        ("propose", {PlacementStatus.PROPOSED}),
        ("valide", {PlacementStatus.VALIDATED}),
        ("arrete", {PlacementStatus.ARRETE}),
    ],
)
def test_each_filter_keeps_its_students(
    school_a: School, board: Any, slug: str, expected: set[str]
) -> None:
    everyone = {**board, "student": school_a.student}

    response = client_for(school_a.head).get(url(school_a.cohort), {"filtre": slug})

    assert shown(response) == {everyone[key] for key in expected}


def test_an_unknown_filter_shows_everyone(school_a: School, board: Any) -> None:
    response = client_for(school_a.head).get(url(school_a.cohort), {"filtre": "n-importe"})

    assert response.context["current"].slug == "tous"


def test_htmx_gets_only_the_board_without_the_page(school_a: School, board: Any) -> None:
    response = client_for(school_a.head).get(
        url(school_a.cohort), {"filtre": "propose"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="tableau-placements">')
    assert "<html" not in html
    assert 'hx-get="' in html
    assert 'value="propose" type="radio" id="filtre-propose" name="filtre" checked' in html
    assert "HX-Request" in response["Vary"]


def test_the_full_page_carries_the_htmx_form_and_a_fallback_button(school_a: School) -> None:
    html = client_for(school_a.head).get(url(school_a.cohort)).content.decode()

    assert 'hx-trigger="change"' in html
    assert 'hx-push-url="true"' in html
    assert (
        '<button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">Afficher</button>'
        in html
    )


def test_the_coming_period_is_the_first_not_yet_ended(school_a: School) -> None:
    later = CohortPeriodFactory.create(
        cohort=school_a.cohort, label="PFMP 2", start=date(2027, 11, 8), end=date(2027, 12, 17)
    )

    with time_machine.travel(datetime(2027, 7, 16, 12, tzinfo=UTC), tick=False):
        assert (
            client_for(school_a.head).get(url(school_a.cohort)).context["period"] == school_a.period
        )
    with time_machine.travel(datetime(2027, 7, 17, 12, tzinfo=UTC), tick=False):
        assert client_for(school_a.head).get(url(school_a.cohort)).context["period"] == later
    with time_machine.travel(datetime(2028, 3, 1, 12, tzinfo=UTC), tick=False):
        assert client_for(school_a.head).get(url(school_a.cohort)).context["period"] == later


def test_another_period_may_be_chosen(school_a: School, board: Any) -> None:
    later = CohortPeriodFactory.create(
        cohort=school_a.cohort, label="PFMP 2", start=date(2027, 11, 8), end=date(2027, 12, 17)
    )

    with time_machine.travel(BEFORE_PFMP, tick=False):
        response = client_for(school_a.head).get(url(school_a.cohort), {"periode": later.pk})

    assert response.context["period"] == later
    assert "Sans organisme (5)" in response.content.decode()


def test_a_period_of_another_cohort_is_ignored(school_a: School) -> None:
    foreign = CohortPeriodFactory.create(cohort=school_a.other_cohort)

    with time_machine.travel(BEFORE_PFMP, tick=False):
        response = client_for(school_a.head).get(url(school_a.cohort), {"periode": foreign.pk})

    assert response.context["period"] == school_a.period


def test_a_cohort_without_periods_says_so(school_a: School) -> None:
    html = client_for(school_a.head).get(url(school_a.other_cohort)).content.decode()

    assert "Aucune période de PFMP n’est planifiée pour cette promotion." in html


# The "Convention" column said "Suivi à venir" until conventions were managed; it now shows
# the state of each student's convention for the period, and offers to create it from a host
# choice arrêté (issue "Conventions").


def convention_cell(html: str, student: Any) -> str:
    return (
        html.split(f'data-student="{student.pk}"')[1]
        .split("data-convention-cell>")[1]
        .split("</td>")[0]
    )


def test_the_convention_column_shows_the_state_of_each_students_convention(
    school_a: School, board: Any
) -> None:
    arrete = board[PlacementStatus.ARRETE]
    placement = arrete.placements.get()
    convention = create_convention(
        student=arrete,
        host=placement.host,
        periods=[(date(2027, 5, 31), date(2027, 7, 9))],
        by=school_a.teacher,
        placement=placement,
        tutor=placement.tutor,
        activities="Maintenance",
    )
    submit_convention(convention, by=school_a.teacher)

    with time_machine.travel(BEFORE_PFMP, tick=False):
        html = client_for(school_a.head).get(url(school_a.cohort)).content.decode()

    assert '<th scope="col">Convention</th>' in html
    cell = convention_cell(html, arrete)
    assert reverse("conventions:detail", args=[convention.pk]) in cell
    assert 'data-convention-status="submitted">Soumise à l&#x27;équipe pédagogique</span>' in cell
    assert "Aucune" in convention_cell(html, board[PlacementStatus.VALIDATED])
    assert "Suivi à venir" not in html


def test_an_arrete_choice_without_convention_offers_to_create_it(
    school_a: School, board: Any
) -> None:
    arrete = board[PlacementStatus.ARRETE]
    placement = arrete.placements.get()

    with time_machine.travel(BEFORE_PFMP, tick=False):
        html = client_for(school_a.teacher).get(url(school_a.cohort)).content.decode()
        read_only = client_for(rectorat_user(school_a)).get(url(school_a.cohort)).content.decode()

    link = reverse("conventions:create") + f"?choix={placement.pk}"
    assert link in convention_cell(html, arrete)
    assert link not in read_only


def test_a_cancelled_convention_is_not_shown(school_a: School, board: Any) -> None:
    arrete = board[PlacementStatus.ARRETE]
    convention = create_convention(
        student=arrete,
        host=arrete.placements.get().host,
        periods=[(date(2027, 5, 31), date(2027, 7, 9))],
        by=school_a.teacher,
    )
    cancel_convention(convention, by=school_a.head, comment="Erreur de saisie")

    with time_machine.travel(BEFORE_PFMP, tick=False):
        html = client_for(school_a.head).get(url(school_a.cohort)).content.decode()

    assert reverse("conventions:detail", args=[convention.pk]) not in html


def test_a_convention_of_another_period_is_not_shown(school_a: School) -> None:
    convention = create_convention(
        student=school_a.student,
        host=HostFactory.create(),
        periods=[(date(2027, 11, 8), date(2027, 11, 26))],
        by=school_a.teacher,
    )

    with time_machine.travel(BEFORE_PFMP, tick=False):
        html = client_for(school_a.head).get(url(school_a.cohort)).content.decode()

    assert reverse("conventions:detail", args=[convention.pk]) not in html


def rectorat_user(school: School) -> Any:
    from milieu.factories import member
    from milieu.people.enums import Role

    return member(
        Role.EXAM_SERVICE, academie=school.establishment.academie, email="lecture@ac.exemple.fr"
    )


# --- the BEP rule ---------------------------------------------------------------------------


def bep_cohort(school: School) -> tuple[Any, Any]:
    cohort = CohortFactory.create(
        establishment=school.establishment, name="BEP MPMI", diploma="bep-mpmi"
    )
    cohort.teachers.add(school.teacher)
    period = CohortPeriodFactory.create(cohort=cohort)
    return cohort, period


def test_a_bep_cohort_shows_the_rule_and_the_pupils_still_without_a_host(
    school_a: School,
) -> None:
    cohort, period = bep_cohort(school_a)
    without = StudentFactory.create(cohort=cohort, last_name="Sanshote")
    proposed = StudentFactory.create(cohort=cohort, last_name="Propose")
    PlacementFactory.create(student=proposed, cohort_period=period)
    placed = StudentFactory.create(cohort=cohort, last_name="Place")
    PlacementFactory.create(student=placed, cohort_period=period, status=PlacementStatus.ARRETE)

    with time_machine.travel(BEFORE_PFMP, tick=False):
        response = client_for(school_a.teacher).get(url(cohort), {"filtre": "arrete"})

    html = response.content.decode()
    alert = html.split("data-school-finds-host")[1].split("</div>")[0]
    assert "L’établissement doit trouver un lieu d’accueil pour chaque élève" in alert
    assert "annexe BEP MPMI, §1" in alert
    assert "2 élèves sans organisme validé ou arrêté pour « PFMP 1 »" in alert
    assert str(without) in alert
    assert str(proposed) in alert
    assert str(placed) not in alert
    assert [row.student for row in response.context["rows"]] == [placed]


def test_the_alert_says_when_every_pupil_has_a_host(school_a: School) -> None:
    cohort, period = bep_cohort(school_a)
    student = StudentFactory.create(cohort=cohort)
    PlacementFactory.create(student=student, cohort_period=period, status=PlacementStatus.VALIDATED)

    with time_machine.travel(BEFORE_PFMP, tick=False):
        html = client_for(school_a.head).get(url(cohort)).content.decode()

    assert "Chaque élève a un organisme validé ou arrêté pour « PFMP 1 »." in html


def test_a_diploma_without_the_rule_shows_no_alert(school_a: School) -> None:
    html = client_for(school_a.head).get(url(school_a.cohort)).content.decode()

    assert "data-school-finds-host" not in html


def test_the_rule_is_read_from_the_catalogue_not_from_the_diploma_id(
    school_a: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = get_catalogue()
    ciel = catalogue.diplomas["bts-ciel"]
    bep = catalogue.diplomas["bep-mpmi"]
    patched = replace(
        catalogue,
        diplomas={
            **catalogue.diplomas,
            "bts-ciel": replace(ciel, extra={**ciel.extra, "school_finds_host": True}),
            "bep-mpmi": replace(bep, extra={**bep.extra, "school_finds_host": False}),
        },
    )
    monkeypatch.setattr(board_queries, "get_catalogue", lambda: patched)
    cohort, _ = bep_cohort(school_a)

    assert "data-school-finds-host" in (
        client_for(school_a.head).get(url(school_a.cohort)).content.decode()
    )
    assert "data-school-finds-host" not in (
        client_for(school_a.head).get(url(cohort)).content.decode()
    )


# --- access and queries ---------------------------------------------------------------------


def test_another_school_gets_a_404(school_a: School, school_b: School) -> None:
    assert client_for(school_b.head).get(url(school_a.cohort)).status_code == 404


def test_a_student_gets_a_404(school_a: School) -> None:
    assert client_for(school_a.student_user).get(url(school_a.cohort)).status_code == 404


def test_the_rectorat_reads_the_board(school_a: School, rectorat: Any) -> None:
    assert client_for(rectorat).get(url(school_a.cohort)).status_code == 200


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(url(school_a.cohort))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("htmx", [False, True])
def test_the_number_of_queries_does_not_grow_with_the_students(
    school_a: School,
    htmx: bool,
    count_queries: Callable[[Client, str], int],
    django_assert_num_queries: Any,
) -> None:
    def client() -> Client:
        client = client_for(school_a.teacher)
        if htmx:
            client.defaults["HTTP_HX_REQUEST"] = "true"
        return client

    grow(school_a, 1)
    once = count_queries(client(), url(school_a.cohort))

    grow(school_a, 9)
    again = client()
    with django_assert_num_queries(once):
        response = again.get(url(school_a.cohort))
    assert len(response.context["rows"]) == 11


def test_the_conventions_add_no_query_per_student(
    school_a: School, count_queries: Callable[[Client, str], int]
) -> None:
    def with_conventions(n: int) -> None:
        for _ in range(n):
            student = StudentFactory.create(cohort=school_a.cohort)
            placement = PlacementFactory.create(
                student=student, cohort_period=school_a.period, status=PlacementStatus.ARRETE
            )
            create_convention(
                student=student,
                host=placement.host,
                periods=[(date(2027, 5, 31), date(2027, 7, 9))],
                by=school_a.teacher,
                placement=placement,
            )

    with_conventions(1)
    once = count_queries(client_for(school_a.teacher), url(school_a.cohort))
    with_conventions(8)
    assert count_queries(client_for(school_a.teacher), url(school_a.cohort)) == once


# --- one source of truth: the convention replaces the choice (issue 13 §5) ---------------------


def test_a_student_with_a_convention_but_no_choice_is_not_without_host(school_a: School) -> None:
    host = HostFactory.create(name="Atelier Convention")
    create_convention(
        student=school_a.student,
        host=host,
        periods=[(date(2027, 5, 31), date(2027, 7, 9))],
        by=school_a.teacher,
    )
    with time_machine.travel(BEFORE_PFMP, tick=False):
        response = client_for(school_a.head).get(url(school_a.cohort))
        without = client_for(school_a.head).get(url(school_a.cohort) + "?filtre=sans-organisme")
        dashboard = client_for(school_a.head).get(reverse("dashboard")).content.decode()
    row = next(r for r in response.context["rows"] if r.student == school_a.student)
    assert row.status == board_queries.WITH_CONVENTION and row.has_retained_host
    html = response.content.decode()
    assert "Atelier Convention" in html and "Remplacé par la convention" in html
    assert school_a.student not in shown(without)
    counts = next(
        c
        for c in queries.cohort_counts([school_a.cohort], date(2027, 3, 1))
        if c.cohort == school_a.cohort
    )
    assert counts.without_host == 0
    assert "data-without-host>0<" in dashboard.replace(" ", "")


def test_the_board_shows_the_conventions_host_not_the_arrete_choices(
    school_a: School, board: Any
) -> None:
    arrete = board[PlacementStatus.ARRETE]
    placement = arrete.placements.get()
    other = HostFactory.create(name="Organisme De La Convention")
    create_convention(
        student=arrete,
        host=other,
        periods=[(date(2027, 5, 31), date(2027, 7, 9))],
        by=school_a.teacher,
        placement=placement,
    )
    with time_machine.travel(BEFORE_PFMP, tick=False):
        response = client_for(school_a.head).get(url(school_a.cohort))
    row = next(r for r in response.context["rows"] if r.student == arrete)
    assert row.host == other
    cell = response.content.decode().split(f'data-student="{arrete.pk}"', 1)[1].split("</tr>")[0]
    assert "Organisme De La Convention" in cell and placement.host.name not in cell


def test_a_cohort_whose_periods_are_over_has_nothing_to_come(school_a: School) -> None:
    after = datetime(2027, 12, 1, 9, tzinfo=UTC)  # every period of the cohort has ended
    assert all(p.end < after.date() for p in school_a.cohort.periods.all())
    with time_machine.travel(after, tick=False):
        response = client_for(school_a.head).get(url(school_a.cohort))
        dashboard = client_for(school_a.head).get(reverse("dashboard")).content.decode()
    assert response.context["period_over"] is True
    assert "data-period-over" in response.content.decode()
    assert "Périodes terminées" in dashboard
    counts = queries.cohort_counts([school_a.cohort], after.date())[0]
    assert counts.period_over and counts.without_host == 0
