"""POST /conventions/<pk>/etape/<action>/: each step of the table through the page; a refusal
shows every reason, a stale click is told politely, the comment is kept on error."""

from __future__ import annotations

from datetime import date
from html import unescape
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.operations import (
    approve_convention,
    submit_convention,
    validate_convention,
)
from tests.conventions.conftest import School, draft, links_in_outbox
from tests.conventions.payloads import client_for


def url(convention: Any, action: str) -> str:
    return reverse("conventions:transition", args=[convention.pk, action])


def detail(convention: Any) -> str:
    return reverse("conventions:detail", args=[convention.pk])


def flashed(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_whole_way_to_signature_through_the_pages(school_a: School) -> None:
    convention = draft(school_a)

    steps = [
        (school_a.teacher, "soumettre", ConventionStatus.SUBMITTED),
        (school_a.ddfpt, "valider", ConventionStatus.VALIDATED),
        (school_a.head, "approuver", ConventionStatus.APPROVED),
        (school_a.ddfpt, "envoyer", ConventionStatus.SIGNING),
    ]
    for user, action, status in steps:
        response = client_for(user).post(url(convention, action))
        assert response.status_code == 302, unescape(response.content.decode())
        assert response["Location"] == detail(convention)
        convention.refresh_from_db()
        assert convention.status == status

    assert len(links_in_outbox()) == 4
    approval = convention.transitions.get(to_status=ConventionStatus.APPROVED)
    assert (approval.actor, approval.ip) == (school_a.head, "127.0.0.1")


def test_a_success_is_flashed_in_french(school_a: School) -> None:
    response = client_for(school_a.teacher).post(url(draft(school_a), "soumettre"))

    assert flashed(response) == ["La convention est soumise à l’équipe pédagogique."]


def test_a_refused_approval_lists_every_reason(school_a: School) -> None:
    convention = draft(school_a, referent=None, periods=[(date(2027, 1, 4), date(2027, 5, 28))])
    submit_convention(convention, by=school_a.teacher)
    validate_convention(convention, by=school_a.ddfpt)

    response = client_for(school_a.head).post(url(convention, "approuver"))

    html = unescape(response.content.decode())
    assert response.status_code == 200
    refusal = html.split("data-refusal")[1].split("</div>")[0]
    assert "« Approuver (chef d'établissement) » est impossible pour l’instant" in refusal
    assert refusal.count("<li>") == 2
    assert "une gratification d'au moins 4.50 €/h est due" in refusal
    assert "Désignez l'enseignant référent qui suivra le stagiaire." in refusal
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.VALIDATED


def test_a_refused_submission_says_what_is_missing(school_a: School) -> None:
    convention = draft(school_a, tutor=None, activities="")

    html = unescape(
        client_for(school_a.teacher).post(url(convention, "soumettre")).content.decode()
    )

    assert "Désignez le tuteur dans l'organisme d'accueil." in html
    assert "Décrivez les activités confiées (annexe pédagogique)." in html


def test_sending_is_refused_with_what_the_parties_lack(school_a: School) -> None:
    convention = draft(school_a, host_signatory_email="")
    submit_convention(convention, by=school_a.teacher)
    validate_convention(convention, by=school_a.ddfpt)
    approve_convention(convention, by=school_a.head)

    html = unescape(client_for(school_a.ddfpt).post(url(convention, "envoyer")).content.decode())

    refusal = html.split("data-refusal")[1].split("</div>")[0]
    assert "Indiquez qui signe pour l'organisme d'accueil" in refusal
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("action", "needed"),
    [
        ("renvoyer", "Indiquez ce qui est à reprendre."),
        ("annuler", "Indiquez le motif de l’annulation."),
    ],
)
def test_returning_or_cancelling_needs_a_comment(
    school_a: School, action: str, needed: str
) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)

    response = client_for(school_a.head).post(url(convention, action), {f"{action}-comment": "  "})

    assert needed in unescape(response.content.decode())
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.SUBMITTED


def test_returning_with_a_comment_keeps_it_in_the_history(school_a: School) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)

    client_for(school_a.teacher).post(
        url(convention, "renvoyer"), {"renvoyer-comment": "Préciser les activités"}
    )

    convention.refresh_from_db()
    assert convention.status == ConventionStatus.DRAFT
    assert convention.transitions.last().comment == "Préciser les activités"  # type: ignore[union-attr]


def test_a_cancellation_deactivates_the_periods(school_a: School) -> None:
    convention = draft(school_a)

    client_for(school_a.ddfpt).post(
        url(convention, "annuler"), {"annuler-comment": "Stage abandonné"}
    )

    convention.refresh_from_db()
    assert convention.status == ConventionStatus.CANCELLED
    assert not convention.periods.filter(active=True).exists()


def test_a_stale_click_is_told_politely(school_a: School) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)

    response = client_for(school_a.teacher).post(url(convention, "soumettre"))

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert (
        "Action déjà effectuée ou impossible : la convention est « Soumise à l'équipe pédagogique »."
        in html
    )


@pytest.mark.parametrize(
    ("role", "action"),
    [
        ("teacher", "approuver"),
        ("secretary", "valider"),
        ("teacher", "envoyer"),
        ("teacher", "annuler"),
        ("student_user", "valider"),
    ],
)
def test_a_step_the_user_may_not_take_is_a_403(school_a: School, role: str, action: str) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)
    validate_convention(convention, by=school_a.ddfpt)

    response = client_for(getattr(school_a, role)).post(
        url(convention, action), {f"{action}-comment": "x"}
    )

    assert response.status_code == 403
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.VALIDATED


def test_the_rectorat_takes_no_step(school_a: School, rectorat: Any) -> None:
    assert client_for(rectorat).post(url(draft(school_a), "soumettre")).status_code == 403


def test_another_schools_head_gets_a_404(school_a: School, school_b: School) -> None:
    convention = draft(school_a)

    assert client_for(school_b.head).post(url(convention, "soumettre")).status_code == 404
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.DRAFT


def test_an_unknown_step_is_a_404(school_a: School) -> None:
    assert client_for(school_a.head).post(url(draft(school_a), "signer")).status_code == 404


def test_a_get_is_refused(school_a: School) -> None:
    assert client_for(school_a.head).get(url(draft(school_a), "soumettre")).status_code == 405


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    response = client.post(url(draft(school_a), "soumettre"))

    assert response["Location"].startswith(reverse("login"))
