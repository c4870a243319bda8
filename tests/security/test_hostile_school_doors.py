"""Hostile input on the school's doors: special contracts, student invitations by e-mail, the
establishment's settings and the convention's embassy notice date.

Each answers a French message with the input kept, never a server error, and stores nothing."""

# ruff: noqa: F811  (pytest fixtures imported from the core conftest)
from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from milieu.contracts.models import SpecialContract
from milieu.conventions.models import Convention
from milieu.factories import HostFactory, StudentFactory
from milieu.people.models import Invitation
from tests.contracts.test_special_contracts import ciel_candidate, form
from tests.conventions.conftest import draft
from tests.conventions.payloads import form_data, periods
from tests.core.conftest import School, academie, school_a, school_b  # noqa: F401
from tests.security.hostile import BAD_DATES, CONTROL, LONG, NUL, RTL, SCRIPT, no_traceback

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _on_commit_runs_now(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


# --- special contracts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("employer", LONG),
        ("employer", NUL),
        ("employer", CONTROL),
        ("employer", RTL),
        ("employer", "Réseaux\nBcc: x@y.fr"),
        ("siret", SCRIPT),
        ("siret", "12345678901234"),
        ("siret", LONG),
        ("kind", SCRIPT),
        *[("start", d) for d in BAD_DATES],
        *[("end", d) for d in BAD_DATES],
    ],
)
def test_a_special_contract_refuses_hostile_values(
    school_a: School, field: str, value: str
) -> None:
    candidate = ciel_candidate(school_a)
    response = client_for(school_a.ddfpt).post(
        reverse("contracts:student", args=[candidate.pk]), form(**{f"contrat-{field}": value})
    )
    assert response.status_code == 400
    html = response.content.decode()
    no_traceback(html)
    assert "Réseaux de l&#x27;Est" in html or field == "employer"  # the input is kept
    assert not SpecialContract.objects.exists()


def test_a_special_contract_sent_twice_is_refused_in_french(school_a: School) -> None:
    candidate = ciel_candidate(school_a)
    client = client_for(school_a.ddfpt)
    url = reverse("contracts:student", args=[candidate.pk])
    assert client.post(url, form()).status_code == 302
    again = client.post(url, form())
    assert again.status_code == 400 and "déjà enregistré" in again.content.decode()
    assert SpecialContract.objects.count() == 1


def test_a_special_contract_employer_is_escaped(school_a: School) -> None:
    candidate = ciel_candidate(school_a)
    client = client_for(school_a.ddfpt)
    url = reverse("contracts:student", args=[candidate.pk])
    assert client.post(url, form(**{"contrat-employer": SCRIPT})).status_code == 302
    assert SCRIPT not in client.get(url).content.decode()


def test_another_schools_candidate_and_contract_are_not_found(
    school_a: School, school_b: School
) -> None:
    candidate = ciel_candidate(school_a)
    url = reverse("contracts:student", args=[candidate.pk])
    assert client_for(school_b.ddfpt).post(url, form()).status_code == 404
    client_for(school_a.ddfpt).post(url, form())
    contract = SpecialContract.objects.get()
    response = client_for(school_b.ddfpt).post(reverse("contracts:confirm", args=[contract.pk]))
    assert response.status_code == 404


def test_a_special_contract_needs_the_csrf_token(school_a: School) -> None:
    candidate = ciel_candidate(school_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(school_a.ddfpt)
    url = reverse("contracts:student", args=[candidate.pk])
    assert client.post(url, form()).status_code == 403
    assert not SpecialContract.objects.exists()


# --- student invitations ----------------------------------------------------------------------

BAD_EMAILS = [
    "a@b.fr\nBcc: x@y.fr",
    "a@b.fr\r\nBcc: x@y.fr",
    "pas-une-adresse",
    "a@b.fr, c@d.fr",
    "<script>@b.fr",
    "a@b.fr\x00",
    "a" * 10_000 + "@b.fr",
]


@pytest.mark.parametrize("email", BAD_EMAILS, ids=lambda e: repr(e)[:30])
def test_an_invitation_to_a_bad_address_is_refused_in_french_and_sends_nothing(
    school_a: School, email: str
) -> None:
    if connection.vendor == "postgresql" and ("\x00" in email or len(email) > 254):
        pytest.skip("PostgreSQL cannot even hold this address")
    student = StudentFactory.create(cohort=school_a.cohort, email=email)
    client = client_for(school_a.ddfpt)
    response = client.post(reverse("invite_student", args=[student.pk]), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    no_traceback(html)
    assert "adresse électronique valide" in html
    assert not Invitation.objects.filter(student=student).exists()
    assert not mail.outbox


def test_a_cohort_invitation_skips_the_bad_address_and_invites_the_others(
    school_a: School,
) -> None:
    StudentFactory.create(cohort=school_a.cohort, email="a@b.fr\nBcc: x@y.fr")
    good = StudentFactory.create(cohort=school_a.cohort, email="bonne.adresse@exemple.fr")
    response = client_for(school_a.ddfpt).post(reverse("invite_cohort", args=[school_a.cohort.pk]))
    assert response.status_code == 302
    assert list(Invitation.objects.values_list("student", flat=True)) == [good.pk]
    assert [m.to for m in mail.outbox] == [["bonne.adresse@exemple.fr"]]
    assert all("Bcc" not in str(m.message()) for m in mail.outbox)


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "https://evil.example"])
def test_the_cohort_invitation_does_not_go_back_elsewhere(school_a: School, target: str) -> None:
    response = client_for(school_a.ddfpt).post(
        reverse("invite_cohort", args=[school_a.cohort.pk]), {"retour": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "establishments:cohort_detail", args=[school_a.cohort.pk]
    )


def test_another_schools_student_cannot_be_invited(school_a: School, school_b: School) -> None:
    student = StudentFactory.create(cohort=school_a.cohort, email="eleve@exemple.fr")
    response = client_for(school_b.ddfpt).post(reverse("invite_student", args=[student.pk]))
    assert response.status_code == 404 and not Invitation.objects.exists()


def test_an_invitation_needs_the_csrf_token(school_a: School) -> None:
    student = StudentFactory.create(cohort=school_a.cohort, email="eleve@exemple.fr")
    client = Client(enforce_csrf_checks=True)
    client.force_login(school_a.ddfpt)
    assert client.post(reverse("invite_student", args=[student.pk])).status_code == 403
    assert not Invitation.objects.exists()


# --- establishment settings -------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"single_person_validation": SCRIPT, "students_draft_conventions": LONG},
        {"single_person_validation": ["on", "off"], "students_draft_conventions": "\x00"},
        {"unknown": "1"},
    ],
    ids=repr,
)
def test_the_settings_form_takes_odd_values_without_error(
    school_a: School, data: dict[str, Any]
) -> None:
    url = reverse("establishments:settings", args=[school_a.establishment.pk])
    response = client_for(school_a.head).post(url, data)
    assert response.status_code in (302, 400)
    school_a.establishment.refresh_from_db()
    assert isinstance(school_a.establishment.single_person_validation, bool)
    assert isinstance(school_a.establishment.students_draft_conventions, bool)


def test_another_schools_settings_are_not_found(school_a: School, school_b: School) -> None:
    url = reverse("establishments:settings", args=[school_a.establishment.pk])
    client = client_for(school_b.head)
    assert client.get(url).status_code == 404
    assert client.post(url, {"single_person_validation": "on"}).status_code == 404


def test_the_settings_need_the_csrf_token(school_a: School) -> None:
    url = reverse("establishments:settings", args=[school_a.establishment.pk])
    client = Client(enforce_csrf_checks=True)
    client.force_login(school_a.head)
    assert client.post(url, {"single_person_validation": "on"}).status_code == 403


# --- the convention's embassy notice date -----------------------------------------------------


@pytest.mark.parametrize("day", BAD_DATES, ids=repr)
def test_the_embassy_notice_date_refuses_impossible_dates(school_a: School, day: str) -> None:
    convention = draft(school_a)
    abroad = HostFactory.create(abroad=True)
    response = client_for(school_a.teacher).post(
        reverse("conventions:edit", args=[convention.pk]),
        form_data(
            abroad,
            foreign_law_adaptations="Droit suisse du travail des jeunes",
            embassy_notified_on=day,
            **periods(("2027-05-31", "2027-07-09"), initial=1),
        ),
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    no_traceback(html)
    assert "Droit suisse du travail des jeunes" in html  # the input is kept
    assert Convention.objects.get(pk=convention.pk).embassy_notified_on is None
