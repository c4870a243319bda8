"""GET /conventions/<pk>/documents/<pk>.pdf: a stored PDF as stored, with its SHA-256."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.conventions.operations import (
    approve_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import send_for_signature
from tests.conventions.conftest import School, draft
from tests.conventions.payloads import client_for


@pytest.fixture
def sent(school_a: School) -> Any:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)
    validate_convention(convention, by=school_a.ddfpt)
    approve_convention(convention, by=school_a.head)
    send_for_signature(convention, by=school_a.ddfpt)
    return convention


def url(document: Any) -> str:
    return reverse("conventions:document", args=[document.convention_id, document.pk])


@pytest.mark.parametrize("role", ["head", "ddfpt", "secretary", "teacher", "student_user"])
def test_the_pdf_is_served_as_stored_with_its_hash(school_a: School, sent: Any, role: str) -> None:
    document = sent.documents.get()

    response = client_for(getattr(school_a, role)).get(url(document))

    content = response.content
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert content == bytes(document.content)
    assert response["X-Content-SHA256"] == hashlib.sha256(content).hexdigest() == document.sha256
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"convention-{sent.pk}-v1-for-signature.pdf" in response["Content-Disposition"]


def test_the_rectorat_downloads_it(sent: Any, rectorat: Any) -> None:
    assert client_for(rectorat).get(url(sent.documents.get())).status_code == 200


def test_another_school_gets_a_404(school_b: School, sent: Any) -> None:
    assert client_for(school_b.head).get(url(sent.documents.get())).status_code == 404


def test_a_document_of_another_convention_is_a_404(school_a: School, sent: Any) -> None:
    other = draft(school_a, periods=[(date(2027, 11, 8), date(2027, 11, 26))])
    wrong = reverse("conventions:document", args=[other.pk, sent.documents.get().pk])

    assert client_for(school_a.head).get(wrong).status_code == 404


def test_a_teacher_of_another_cohort_gets_a_404(school_a: School, sent: Any) -> None:
    assert client_for(school_a.other_teacher).get(url(sent.documents.get())).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, sent: Any) -> None:
    assert client.get(url(sent.documents.get()))["Location"].startswith(reverse("login"))


def test_the_pdf_names_the_chosen_codes_and_the_days_in_french(school_a: School) -> None:
    from django.template.loader import render_to_string

    from milieu.conventions.documents import build_snapshot
    from milieu.factories import CohortFactory, StudentFactory

    cohort = CohortFactory.create(
        establishment=school_a.establishment, diploma="bts-metiers-de-la-mesure"
    )
    cohort.teachers.add(school_a.teacher)
    school_a.student = StudentFactory.create(cohort=cohort)
    convention = draft(school_a, competencies=["C16", "A4-T2"])

    html = render_to_string(
        "conventions/pdf/convention.html", {"s": build_snapshot(convention), "final": False}
    )

    assert "C16 : Gérer le suivi d&#x27;instruments de mesure" in html
    assert "A4-T2 : Réaliser ou faire réaliser" in html
    assert "lundi, mardi, mercredi, jeudi, vendredi" in html
    assert "Horaires (lundi)" in html
