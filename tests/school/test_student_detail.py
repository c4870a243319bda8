"""A student's page: identity, minority today, legal representatives, host choices with their
history and the decisions `can` allows, and the engine's verdict on the dossier."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import unescape
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from milieu.exams.assembly import build_dossier
from milieu.factories import HostFactory, LegalRepresentativeFactory, PlacementFactory
from milieu.hosts.enums import PlacementStatus
from milieu.placements.operations import propose_placement, validate_placement
from milieu.rules import dumps_verdict, evaluate
from tests.school.conftest import School, client_for


def url(student: Any) -> str:
    return reverse("students:detail", args=[student.pk])


def test_the_page_shows_identity_pathway_and_minority_today(school_a: School) -> None:
    student = school_a.student
    student.birth_date = date(2009, 6, 1)
    student.save()

    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC), tick=False):
        html = client_for(school_a.head).get(url(student)).content.decode()
    with time_machine.travel(datetime(2027, 6, 2, 9, tzinfo=UTC), tick=False):
        later = client_for(school_a.head).get(url(student)).content.decode()

    assert f'<h1 class="fr-mb-1w">{student.full_name}</h1>' in unescape(html)
    assert student.ine in html
    assert "Voie scolaire" in html
    assert "<dd data-minor>Oui (17 ans)</dd>" in html
    assert "<dd data-minor>Non</dd>" in later


def test_a_minor_without_legal_representative_is_flagged(school_a: School) -> None:
    school_a.student.birth_date = date(2010, 3, 14)
    school_a.student.save()

    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC), tick=False):
        html = client_for(school_a.head).get(url(school_a.student)).content.decode()

    assert "Élève mineur sans représentant légal renseigné" in html


def test_the_legal_representatives_are_listed(school_a: School) -> None:
    parent = LegalRepresentativeFactory.create(student=school_a.student, first_name="Claire")

    html = unescape(client_for(school_a.head).get(url(school_a.student)).content.decode())

    assert str(parent) in html
    assert parent.email in html


def test_each_choice_shows_its_history_with_actor_and_comment(school_a: School) -> None:
    host = HostFactory.create(name="Usinage Martin")
    placement = propose_placement(
        school_a.student,
        cohort_period=school_a.period,
        host=host,
        by=school_a.student_user,
        comment="Stage trouvé par ma famille",
    )
    validate_placement(placement, by=school_a.teacher)

    html = unescape(client_for(school_a.head).get(url(school_a.student)).content.decode())

    history = html.split(f"Historique du choix {host}")[1].split("</table>")[0]
    assert "Stage trouvé par ma famille" in history
    assert str(school_a.student_user) in history
    assert "Proposé → Validé par l'équipe pédagogique" in history
    assert str(school_a.teacher) in history


def decisions(client: Client, student: Any) -> list[str]:
    response = client.get(url(student))
    return [d for _, ds in response.context["placements"] for d in ds]


@pytest.mark.parametrize(
    ("role", "on_proposed", "on_validated"),
    [
        ("head", ["valider", "refuser", "retirer"], ["arreter", "refuser", "retirer"]),
        ("ddfpt", ["valider", "refuser", "retirer"], ["refuser", "retirer"]),
        ("teacher", ["valider", "refuser", "retirer"], ["refuser", "retirer"]),
        ("secretary", [], []),
        ("student_user", ["retirer"], ["retirer"]),
    ],
)
def test_the_buttons_are_those_can_allows(
    school_a: School, role: str, on_proposed: list[str], on_validated: list[str]
) -> None:
    placement = PlacementFactory.create(student=school_a.student, cohort_period=school_a.period)
    client = client_for(getattr(school_a, role))

    assert decisions(client, school_a.student) == on_proposed
    placement.status = PlacementStatus.VALIDATED
    placement.save()
    assert decisions(client, school_a.student) == on_validated
    html = client.get(url(school_a.student)).content.decode()
    for word in on_validated:
        assert reverse("students:decide", args=[placement.pk, word]) in html


def test_the_verdict_of_the_engine_is_shown(school_a: School) -> None:
    PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.ARRETE
    )

    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC), tick=False):
        html = client_for(school_a.teacher).get(url(school_a.student)).content.decode()
        expected = evaluate(build_dossier(school_a.student, as_of=date(2027, 3, 1)))

    assert expected["status"] == "pending"
    assert 'data-verdict-status="pending"' in html
    assert unescape(html.split("data-verdict-json>")[1].split("</pre>")[0]) == dumps_verdict(
        expected
    )
    assert 'data-finding-code="PERIOD_NOT_FINISHED"' in html
    assert "003_f06874f93b6cc55f.txt" in html
    assert reverse("students:export", args=[school_a.student.pk]) in html


def test_a_student_sees_their_own_page(school_a: School) -> None:
    response = client_for(school_a.student_user).get(url(school_a.student))

    assert response.status_code == 200
    assert reverse("students:edit", args=[school_a.student.pk]) not in response.content.decode()


def test_the_rectorat_reads_the_page(school_a: School, rectorat: Any) -> None:
    assert client_for(rectorat).get(url(school_a.student)).status_code == 200


@pytest.mark.parametrize(
    "who", ["school_b_head", "other_teacher", "other_student", "other_rectorat"]
)
def test_those_who_may_not_see_the_student_get_a_404(
    school_a: School, school_b: School, other_rectorat: Any, who: str
) -> None:
    user = {
        "school_b_head": school_b.head,
        "other_teacher": school_a.other_teacher,
        "other_student": school_b.student_user,
        "other_rectorat": other_rectorat,
    }[who]

    assert client_for(user).get(url(school_a.student)).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(url(school_a.student))["Location"].startswith(reverse("login"))


# --- conventions (issue "Conventions") ------------------------------------------------------


def test_the_conventions_of_the_student_are_listed(school_a: School) -> None:
    from milieu.conventions.operations import create_convention

    convention = create_convention(
        student=school_a.student,
        host=HostFactory.create(name="Mesures Kieffer"),
        periods=[(date(2027, 5, 31), date(2027, 6, 18))],
        by=school_a.teacher,
    )

    html = unescape(client_for(school_a.student_user).get(url(school_a.student)).content.decode())

    section = html.split("data-conventions>")[1].split("</section>")[0]
    assert reverse("conventions:detail", args=[convention.pk]) in section
    assert "Mesures Kieffer" in section
    assert "du 31/05/2027 au 18/06/2027" in section
    assert "Brouillon" in section


def test_a_student_without_convention_says_so(school_a: School) -> None:
    html = unescape(client_for(school_a.head).get(url(school_a.student)).content.decode())

    assert "Aucune convention de stage pour l’instant." in html


def test_an_arrete_choice_offers_to_create_its_convention(school_a: School) -> None:
    placement = PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.ARRETE
    )
    link = reverse("conventions:create") + f"?choix={placement.pk}"

    assert link in client_for(school_a.teacher).get(url(school_a.student)).content.decode()
    assert link not in client_for(rectorat_of(school_a)).get(url(school_a.student)).content.decode()


def test_an_arrete_choice_with_its_convention_links_to_it(school_a: School) -> None:
    from milieu.conventions.operations import create_convention

    placement = PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.ARRETE
    )
    convention = create_convention(
        student=school_a.student,
        host=placement.host,
        periods=[(date(2027, 5, 31), date(2027, 7, 16))],
        by=school_a.teacher,
        placement=placement,
    )

    html = client_for(school_a.teacher).get(url(school_a.student)).content.decode()

    card = html.split(f'data-placement="{placement.pk}"')[1].split("</article>")[0]
    assert reverse("conventions:detail", args=[convention.pk]) in card
    assert "?choix=" not in card


def test_the_create_button_follows_can(school_a: School) -> None:
    link = reverse("conventions:create") + f"?eleve={school_a.student.pk}"

    assert link in client_for(school_a.teacher).get(url(school_a.student)).content.decode()
    assert link not in client_for(rectorat_of(school_a)).get(url(school_a.student)).content.decode()
    # the student drafts only where the establishment allows it (issue 13 §17)
    student_page = client_for(school_a.student_user).get(url(school_a.student)).content.decode()
    assert link not in student_page
    school_a.establishment.students_draft_conventions = True
    school_a.establishment.save()
    assert link in client_for(school_a.student_user).get(url(school_a.student)).content.decode()


def rectorat_of(school: School) -> Any:
    from milieu.factories import member
    from milieu.people.enums import Role

    return member(
        Role.EXAM_SERVICE, academie=school.establishment.academie, email="lecture@ac.exemple.fr"
    )
