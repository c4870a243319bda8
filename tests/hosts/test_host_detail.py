"""A host's page: identity, sites, tutors, same company, and only your own students there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from milieu.factories import HostFactory, HostSiteFactory, PlacementFactory, TutorFactory
from milieu.hosts.enums import NafVersion
from tests.hosts.conftest import School


def url(host: Any) -> str:
    return reverse("hosts:detail", args=[host.pk])


def test_identity_siret_siren_naf_and_headcount(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(
        name="Atelier Rhénan",
        trade_name="ARM Industrie",
        siret="81234560100015",
        naf_code="33.12Z",
        naf_version=NafVersion.NAF2025,
        headcount=48,
    )

    html = client_for(school_a.teacher).get(url(host)).content.decode()

    assert "Atelier Rhénan" in html and "Enseigne : ARM Industrie" in html
    assert "812 345 601 00015" in html
    assert "812 345 601</dd>" in html
    assert "33.12Z" in html and "NAF 2025" in html
    assert "48 salariés" in html


def test_a_foreign_host_shows_its_national_identifier(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(abroad=True, name="Kehler Werkstatt")

    html = client_for(school_a.teacher).get(url(host)).content.decode()

    assert "Allemagne" in html and "HRB 12345" in html
    assert "data-siret" not in html


def test_sites_and_tutors_are_listed_for_staff(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create()
    HostSiteFactory.create(host=host, name="Agence de Colmar")
    TutorFactory.create(host=host, first_name="Claire", last_name="Keller")

    html = client_for(school_a.teacher).get(url(host)).content.decode()

    assert "Agence de Colmar" in html
    assert "Claire KELLER" in html


def test_students_find_the_host_but_not_its_tutors(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(name="Atelier Rhénan")
    TutorFactory.create(host=host, first_name="Claire", last_name="Keller")

    html = client_for(school_a.student_user).get(url(host)).content.decode()

    assert "Atelier Rhénan" in html
    assert "KELLER" not in html
    assert reverse("hosts:edit", args=[host.pk]) not in html


def test_only_the_placements_of_your_own_establishment_are_shown(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create()
    PlacementFactory.create(student=school_a.student, cohort_period=school_a.period, host=host)
    PlacementFactory.create(student=school_b.student, cohort_period=school_b.period, host=host)

    html_a = client_for(school_a.head).get(url(host)).content.decode()
    html_b = client_for(school_b.head).get(url(host)).content.decode()

    assert str(school_a.student) in html_a and str(school_b.student) not in html_a
    assert str(school_b.student) in html_b and str(school_a.student) not in html_b


def test_a_rectorat_account_sees_no_student_there(
    school_a: School, rectorat: Any, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create()
    PlacementFactory.create(student=school_a.student, cohort_period=school_a.period, host=host)

    html = client_for(rectorat).get(url(host)).content.decode()

    assert str(school_a.student) not in html
    assert "Vos élèves dans cet organisme" not in html


def test_a_student_sees_their_own_choice_only(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    from milieu.factories import StudentFactory

    host = HostFactory.create()
    PlacementFactory.create(student=school_a.student, cohort_period=school_a.period, host=host)
    classmate = StudentFactory.create(cohort=school_a.cohort, last_name="Camarade")
    PlacementFactory.create(student=classmate, cohort_period=school_a.period, host=host)

    html = client_for(school_a.student_user).get(url(host)).content.decode()

    assert str(school_a.student) in html
    assert "CAMARADE" not in html


def test_a_teacher_sees_the_students_of_their_cohorts_only(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    from milieu.factories import CohortPeriodFactory, StudentFactory

    host = HostFactory.create()
    other = StudentFactory.create(cohort=school_a.other_cohort, last_name="Autrepromo")
    PlacementFactory.create(
        student=other,
        cohort_period=CohortPeriodFactory.create(cohort=school_a.other_cohort),
        host=host,
    )

    html = client_for(school_a.teacher).get(url(host)).content.decode()

    assert "AUTREPROMO" not in html


def test_other_establishments_of_the_same_company(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(siret="81234560100015", name="Siège")
    HostFactory.create(siret="81234560100023", name="Agence Colmar")
    HostFactory.create(siret="81236782900015", name="Autre entreprise")

    html = client_for(school_a.teacher).get(url(host)).content.decode()

    assert "Autres établissements de la même entreprise" in html
    assert "Agence Colmar" in html and "Autre entreprise" not in html


def test_edit_buttons_follow_the_permissions(
    school_a: School, rectorat: Any, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(created_in=school_a.establishment)
    edit = reverse("hosts:edit", args=[host.pk])

    assert edit in client_for(school_a.secretary).get(url(host)).content.decode()
    assert edit not in client_for(school_a.teacher).get(url(host)).content.decode()
    assert edit not in client_for(rectorat).get(url(host)).content.decode()


def test_an_unknown_host_is_a_404(school_a: School, client_for: Callable[[Any], Client]) -> None:
    assert client_for(school_a.teacher).get("/organismes/999999/").status_code == 404


def test_anonymous_is_sent_to_the_login_page(db: None, client: Client) -> None:
    host = HostFactory.create()

    response = client.get(url(host))

    assert response.status_code == 302 and "next=" in response["Location"]
