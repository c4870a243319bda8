"""Seed 004 §1: « Pour chaque période, un contrat individuel de formation sera préalablement
négocié »: the convention's page gives the day each period's contract was agreed and flags a
late one (the dossier contract v1.1 has no field for its date: the verdict is unchanged)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from milieu.conventions.models import Convention
from milieu.followup.models import TrainingContract
from milieu.followup.operations import CONTRACT, items_of
from tests.core.conftest import School
from tests.followup.conftest import on, signed

pytestmark = pytest.mark.django_db


def bijou(school: School) -> Convention:
    school.cohort.diploma = "bma-bijou"
    school.cohort.save()
    return signed(school, periods=[(date(2027, 1, 4), date(2027, 2, 12))])


def agreed(convention: Convention, when: datetime) -> None:
    items = items_of(CONTRACT, convention)
    TrainingContract.objects.create(
        period=convention.active_periods().get(),
        items=items,
        answers=["Texte"] * len(items),
        completed_at=when,
        content=b"%PDF-1.4\n%%EOF\n",
    )


def page(convention: Convention, school: School) -> str:
    client = Client()
    client.force_login(school.teacher)
    return client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()


def test_a_contract_agreed_before_the_period_is_not_flagged_paragraph_1(school_a: School) -> None:
    convention = bijou(school_a)
    agreed(convention, datetime(2026, 12, 15, 10, tzinfo=UTC))
    with on(date(2027, 1, 20)):
        html = page(convention, school_a)
    assert "Période du 04/01/2027 : convenu par les trois parties le 15/12/2026" in html
    assert "data-training-contract-late" not in html


def test_a_contract_agreed_after_the_period_started_is_flagged_paragraph_1(
    school_a: School,
) -> None:
    convention = bijou(school_a)
    agreed(convention, datetime(2027, 1, 6, 10, tzinfo=UTC))
    with on(date(2027, 1, 20)):
        html = page(convention, school_a)
    assert "convenu par les trois parties le 06/01/2027" in html
    assert "après le début de la période" in html


def test_a_period_started_without_its_contract_is_flagged_paragraph_1(school_a: School) -> None:
    convention = bijou(school_a)
    with on(date(2027, 1, 5)):
        html = page(convention, school_a)
    assert "pas encore convenu" in html
    assert "la période a commencé" in html
    with on(date(2026, 12, 20)):
        assert "data-training-contract-late" not in page(convention, school_a)
