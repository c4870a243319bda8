"""Proposer un organisme: a period of the cohort, a host of the directory, optionally one of its
sites and tutors (offered through htmx once the host is chosen)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from milieu.factories import (
    CohortPeriodFactory,
    HostFactory,
    HostSiteFactory,
    PlacementFactory,
    TutorFactory,
)
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Placement
from tests.school.conftest import School, client_for


def url(student: Any) -> str:
    return reverse("students:propose", args=[student.pk])


def test_a_student_proposes_a_host_for_themselves(school_a: School) -> None:
    host = HostFactory.create(name="Usinage Martin")
    tutor = TutorFactory.create(host=host)
    site = HostSiteFactory.create(host=host)

    response = client_for(school_a.student_user).post(
        url(school_a.student),
        {
            "cohort_period": school_a.period.pk,
            "host": host.pk,
            "site": site.pk,
            "tutor": tutor.pk,
            "comment": "Trouvé au forum des métiers",
        },
    )

    placement = Placement.objects.get(student=school_a.student)
    assert (placement.host, placement.site, placement.tutor) == (host, site, tutor)
    assert placement.status == PlacementStatus.PROPOSED
    transition = placement.transitions.get()
    assert (transition.actor, transition.comment) == (
        school_a.student_user,
        "Trouvé au forum des métiers",
    )
    assert response["Location"] == reverse("students:detail", args=[school_a.student.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "L’organisme « Usinage Martin » est proposé pour « PFMP 1 »."
    ]


def test_the_coming_period_is_preselected(school_a: School) -> None:
    CohortPeriodFactory.create(
        cohort=school_a.cohort, label="PFMP 0", start=date(2027, 1, 4), end=date(2027, 1, 29)
    )

    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC), tick=False):
        html = client_for(school_a.teacher).get(url(school_a.student)).content.decode()

    assert f'<option value="{school_a.period.pk}" selected>' in html


def test_choosing_a_host_offers_its_sites_and_tutors_through_htmx(school_a: School) -> None:
    host = HostFactory.create()
    tutor = TutorFactory.create(host=host, last_name="Lenoir")
    stranger = TutorFactory.create(last_name="Ailleurs")

    response = client_for(school_a.ddfpt).get(
        url(school_a.student), {"host": host.pk}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="sites-tuteurs"')
    assert f'<option value="{tutor.pk}">' in html
    assert f'<option value="{stranger.pk}">' not in html


def test_without_a_host_the_sites_and_tutors_wait(school_a: School) -> None:
    html = client_for(school_a.ddfpt).get(url(school_a.student)).content.decode()

    assert "Choisissez l’organisme pour indiquer" in html
    assert 'hx-trigger="change from:#id_host"' in html


def test_a_tutor_of_another_host_is_refused(school_a: School) -> None:
    host = HostFactory.create()
    stranger = TutorFactory.create()

    response = client_for(school_a.ddfpt).post(
        url(school_a.student),
        {"cohort_period": school_a.period.pk, "host": host.pk, "tutor": stranger.pk},
    )

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Placement.objects.exists()


def test_a_period_of_another_cohort_is_refused(school_a: School) -> None:
    foreign = CohortPeriodFactory.create(cohort=school_a.other_cohort)

    response = client_for(school_a.head).post(
        url(school_a.student), {"cohort_period": foreign.pk, "host": HostFactory.create().pk}
    )

    assert response.status_code == 200
    assert not Placement.objects.exists()


def test_a_second_open_choice_for_the_period_is_refused_in_french(school_a: School) -> None:
    PlacementFactory.create(student=school_a.student, cohort_period=school_a.period)

    response = client_for(school_a.student_user).post(
        url(school_a.student),
        {"cohort_period": school_a.period.pk, "host": HostFactory.create().pk},
    )

    assert response.status_code == 200
    assert (
        "Un organisme est déjà proposé ou retenu pour cet élève sur cette période."
        in response.content.decode()
    )


def test_a_missing_host_is_explained(school_a: School) -> None:
    response = client_for(school_a.head).post(
        url(school_a.student), {"cohort_period": school_a.period.pk}
    )

    html = response.content.decode()
    assert 'id="id_host-error"' in html
    assert "Ce champ est obligatoire." in html


def test_a_secretary_may_propose_for_a_student(school_a: School) -> None:
    assert client_for(school_a.secretary).get(url(school_a.student)).status_code == 200


def test_the_rectorat_may_not_propose(school_a: School, rectorat: Any) -> None:
    assert client_for(rectorat).get(url(school_a.student)).status_code == 403


def test_another_school_gets_a_404(school_a: School, school_b: School) -> None:
    response = client_for(school_b.head).post(
        url(school_a.student),
        {"cohort_period": school_a.period.pk, "host": HostFactory.create().pk},
    )

    assert response.status_code == 404
    assert not Placement.objects.exists()


def test_another_student_gets_a_404(school_a: School, school_b: School) -> None:
    assert client_for(school_b.student_user).get(url(school_a.student)).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(url(school_a.student))["Location"].startswith(reverse("login"))
