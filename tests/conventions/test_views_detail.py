"""/conventions/<pk>/: the parties, periods, state, problems before approval, the next steps the
user may take, signatories, documents and the whole history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.conventions.models import Amendment, ConventionPeriod
from milieu.conventions.operations import (
    approve_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import send_for_signature
from milieu.factories import CohortFactory, StudentFactory
from tests.conventions.conftest import School, draft
from tests.conventions.payloads import client_for


def url(convention: Any) -> str:
    return reverse("conventions:detail", args=[convention.pk])


def page(user: Any, convention: Any) -> str:
    response = client_for(user).get(url(convention))
    assert response.status_code == 200
    return unescape(response.content.decode())


def approved(school: School, **fields: Any) -> Any:
    convention = draft(school, **fields)
    submit_convention(convention, by=school.teacher)
    validate_convention(convention, by=school.ddfpt)
    approve_convention(convention, by=school.head)
    return convention


# --- who sees it ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["head", "ddfpt", "secretary", "teacher", "student_user"])
def test_the_school_and_the_student_read_the_convention(school_a: School, role: str) -> None:
    convention = draft(school_a)

    assert f"Convention de stage n° {convention.pk}" in page(getattr(school_a, role), convention)


def test_the_rectorat_of_the_academie_reads_it(school_a: School, rectorat: Any) -> None:
    assert client_for(rectorat).get(url(draft(school_a))).status_code == 200


@pytest.mark.parametrize("role", ["head", "ddfpt", "teacher", "student_user"])
def test_another_school_gets_a_404(school_a: School, school_b: School, role: str) -> None:
    assert client_for(getattr(school_b, role)).get(url(draft(school_a))).status_code == 404


def test_another_student_and_another_cohorts_teacher_get_a_404(school_a: School) -> None:
    convention = draft(school_a)

    assert client_for(school_a.other_teacher).get(url(convention)).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(url(draft(school_a)))["Location"].startswith(reverse("login"))


# --- what it shows --------------------------------------------------------------------------


def test_parties_periods_timetable_and_state(school_a: School) -> None:
    convention = draft(
        school_a,
        periods=[(date(2027, 5, 31), date(2027, 6, 18)), (date(2027, 11, 8), date(2027, 11, 26))],
    )

    html = page(school_a.teacher, convention)

    assert 'data-convention-status="draft">Brouillon</span>' in html
    assert school_a.student.full_name in html
    assert str(convention.tutor) in html
    assert "Claire Dubois, Gérante — gerante@entreprise.exemple.fr" in html
    assert "du 31/05/2027 au 18/06/2027" in html
    assert "du 08/11/2027 au 26/11/2027" in html
    assert "lundi, mardi, mercredi, jeudi, vendredi" in html
    assert "Lundi : 08:30–12:00, 13:30–17:00" in html
    assert "Modifier le brouillon" in html


def test_problems_are_listed_before_approval_blocking_then_warnings(school_a: School) -> None:
    convention = draft(
        school_a, periods=[(date(2027, 1, 4), date(2027, 5, 28))], weekly_hours=Decimal("30")
    )

    html = page(school_a.teacher, convention)

    section = html.split("data-problems")[1].split("</section>")[0]
    blocking = section.index('data-problem="GRATIFICATION_DUE" data-blocking')
    warning = section.index('data-problem="TIMETABLE_MISMATCH" data-warning')
    assert blocking < warning
    assert "une gratification d'au moins 4.50 €/h est due" in section
    assert "35 h par semaine pour 30 h annoncées" in section


def test_an_engine_finding_shows_its_reference(school_a: School) -> None:
    cohort = CohortFactory.create(establishment=school_a.establishment, diploma="bts-ccst")
    cohort.teachers.add(school_a.teacher)
    school_a.student = StudentFactory.create(cohort=cohort)
    convention = draft(school_a, periods=[(date(2027, 1, 4), date(2027, 1, 15))])

    html = page(school_a.teacher, convention)

    finding = html.split('data-problem="FIRST_YEAR_BLOCK_MISSING"')[1].split("</li>")[0]
    assert "data-warning" in finding
    assert "§" in finding.split("milieu-ref")[1]


def test_a_clean_convention_says_so_and_what_sending_still_needs(school_a: School) -> None:
    school_a.student.email = ""
    convention = draft(school_a)
    school_a.student.email = ""
    school_a.student.save()

    html = page(school_a.teacher, convention)

    assert "data-no-problem" in html
    assert "Renseignez l'adresse électronique de l'élève." in html


def test_after_approval_the_checks_are_no_longer_shown(school_a: School) -> None:
    convention = approved(school_a)

    html = page(school_a.ddfpt, convention)

    assert "data-problems" not in html


def test_the_buttons_are_those_the_state_allows_and_the_user_may_do(school_a: School) -> None:
    convention = draft(school_a)

    def actions(user: Any) -> set[str]:
        return {a.word for a, _ in client_for(user).get(url(convention)).context["actions"]}

    assert actions(school_a.teacher) == {"soumettre"}
    assert actions(school_a.head) == {"soumettre", "annuler"}
    assert actions(school_a.student_user) == {"soumettre"}
    submit_convention(convention, by=school_a.teacher)
    assert actions(school_a.teacher) == {"valider", "renvoyer"}
    assert actions(school_a.secretary) == {"annuler"}
    assert actions(school_a.student_user) == set()
    validate_convention(convention, by=school_a.ddfpt)
    assert actions(school_a.head) == {"approuver", "renvoyer", "annuler"}
    assert actions(school_a.teacher) == {"renvoyer"}
    approve_convention(convention, by=school_a.head)
    assert actions(school_a.ddfpt) == {"envoyer", "annuler"}
    assert actions(school_a.teacher) == set()


def test_signatories_documents_and_history_after_sending(school_a: School) -> None:
    convention = approved(school_a)
    send_for_signature(convention, by=school_a.ddfpt, ip="10.1.2.3")

    response = client_for(school_a.ddfpt).get(url(convention))
    html = unescape(response.content.decode())

    table = html.split("data-signatories")[1].split("</table>")[0]
    for role in ("student", "host", "tutor", "head"):
        assert f'data-signatory="{role}" data-state="pending"' in table
    assert table.count("Signé sur papier") == 4
    document = convention.documents.get()
    assert reverse("conventions:document", args=[convention.pk, document.pk]) in html
    assert document.sha256[:12] in html
    history = html.split("data-history")[1].split("</table>")[0]
    assert "Approuvée par le chef d'établissement → En signature" in history
    assert "10.1.2.3" in history
    assert str(school_a.ddfpt) in history


def test_a_teacher_sees_the_signatories_but_no_paper_upload(school_a: School) -> None:
    convention = approved(school_a)
    send_for_signature(convention, by=school_a.ddfpt)

    html = page(school_a.teacher, convention)

    assert "data-signatories" in html
    assert "Signé sur papier" not in html


def test_history_shows_the_comment_of_a_return(school_a: School) -> None:
    from milieu.conventions.operations import return_convention

    convention = draft(school_a)
    submit_convention(convention, by=school_a.student_user)
    return_convention(convention, by=school_a.teacher, comment="Préciser les horaires du lundi")

    history = page(school_a.head, convention).split("data-history")[1]

    assert "Soumise à l'équipe pédagogique → Brouillon" in history
    assert "Préciser les horaires du lundi" in history


def test_periods_replaced_by_an_avenant_are_struck_through(school_a: School) -> None:
    convention = draft(school_a)
    amendment = Amendment.objects.create(
        convention=convention, number=1, reason="Report d'une semaine", created_by=school_a.ddfpt
    )
    convention.periods.update(active=False)
    ConventionPeriod.objects.create(
        convention=convention,
        student=school_a.student,
        start=date(2027, 6, 7),
        end=date(2027, 7, 16),
        amendment=amendment,
    )

    html = page(school_a.teacher, convention)

    assert "<del>du 31/05/2027 au 09/07/2027</del>" in html
    assert 'du 07/06/2027 au 16/07/2027 <span class="fr-text--sm">(avenant n° 1)</span>' in html
    assert "Avenant n° 1" in html


def test_the_annex_shows_the_labels_of_the_chosen_codes(school_a: School) -> None:
    cohort = CohortFactory.create(
        establishment=school_a.establishment, diploma="bts-metiers-de-la-mesure"
    )
    cohort.teachers.add(school_a.teacher)
    school_a.student = StudentFactory.create(cohort=cohort)
    convention = draft(school_a, competencies=["C16", "A4-T2"])

    html = page(school_a.teacher, convention)

    assert "C16 — Gérer le suivi d'instruments de mesure" in html
    assert "A4-T2 — Réaliser ou faire réaliser" in html
    assert "Activités du référentiel confiées" in html


def test_the_page_links_to_the_follow_up_and_to_visit_planning(
    school_a: School, client: Any
) -> None:
    from django.urls import reverse

    from tests.conventions.conftest import draft

    convention = draft(school_a)
    client.force_login(school_a.teacher)
    page = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert reverse("followup:convention", args=[convention.pk]) in page
    assert reverse("visits:convention", args=[convention.pk]) in page
    client.force_login(school_a.student_user)
    page = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert reverse("visits:convention", args=[convention.pk]) not in page
