"""A stay abroad (seeds 001 and 003 §2.1.1): the convention records its adaptations to the host
country's law and the day the embassy's cultural service was told; both before approval."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from milieu.conventions.checks import check_convention
from milieu.conventions.documents import build_snapshot
from milieu.conventions.models import Convention
from milieu.conventions.operations import blocking_reasons
from milieu.factories import HostFactory
from tests.conventions.conftest import School, draft
from tests.conventions.payloads import client_for, form_data, periods

pytestmark = pytest.mark.django_db


def _abroad(school: School, **fields: object) -> Convention:
    convention = draft(school, **fields)
    convention.host = HostFactory.create(abroad=True)
    convention.tutor = None
    convention.save()
    return convention


def test_a_convention_abroad_needs_its_adaptations_and_the_embassy_notice_paragraph_2_1_1(
    school_a: School,
) -> None:
    convention = _abroad(school_a)
    codes = {p.code: p for p in check_convention(convention)}
    assert codes["ABROAD_ADAPTATIONS_MISSING"].blocking
    assert codes["EMBASSY_NOT_NOTIFIED"].blocking
    country = convention.host.country
    assert (
        f"Stage à l'étranger ({country}) (annexe BTS CIEL, §2.1.1) : indiquez le "
        "jour où le service de coopération et d'action culturelle de l'ambassade de France a été "
        "avisé du stage."
    ) in blocking_reasons(convention)


def test_a_convention_abroad_with_both_has_no_such_problem_paragraph_2_1_1(
    school_a: School,
) -> None:
    convention = _abroad(
        school_a,
        foreign_law_adaptations="Horaires et jours fériés du pays d'accueil.",
        embassy_notified_on=date(2027, 4, 2),
    )
    codes = {p.code for p in check_convention(convention)}
    assert not codes & {"ABROAD_ADAPTATIONS_MISSING", "EMBASSY_NOT_NOTIFIED"}
    snapshot = build_snapshot(convention)
    assert snapshot["embassy_notified_on"] == "2027-04-02"
    assert snapshot["foreign_law_adaptations"] == "Horaires et jours fériés du pays d'accueil."
    printed = unescape(
        render_to_string("conventions/pdf/convention.html", {"s": snapshot, "final": False})
    )
    assert "Horaires et jours fériés du pays d'accueil." in printed
    assert (
        "action culturelle de l'ambassade de France du pays d'accueil, avisé le 2 avril 2027"
        in (printed)
    )


def test_a_convention_in_france_asks_for_neither(school_a: School) -> None:
    codes = {p.code for p in check_convention(draft(school_a))}
    assert not codes & {"ABROAD_ADAPTATIONS_MISSING", "EMBASSY_NOT_NOTIFIED"}


def test_the_form_records_the_embassy_notice_and_the_page_shows_it(school_a: School) -> None:
    convention = draft(school_a)
    abroad = HostFactory.create(abroad=True)
    client = client_for(school_a.teacher)
    client.post(
        reverse("conventions:edit", args=[convention.pk]),
        form_data(
            abroad,
            foreign_law_adaptations="Droit suisse du travail des jeunes",
            embassy_notified_on="2027-04-02",
            **periods(("2027-05-31", "2027-07-09"), initial=1),
        ),
    )
    convention.refresh_from_db()
    assert convention.embassy_notified_on == date(2027, 4, 2)
    page = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert "envoyé le 02/04/2027" in page


def test_the_embassy_notice_is_dropped_for_a_host_in_france(school_a: School) -> None:
    convention = draft(school_a)
    client_for(school_a.teacher).post(
        reverse("conventions:edit", args=[convention.pk]),
        form_data(
            convention.host,
            embassy_notified_on="2027-04-02",
            **periods(("2027-05-31", "2027-07-09"), initial=1),
        ),
    )
    convention.refresh_from_db()
    assert convention.embassy_notified_on is None


def test_a_ccst_convention_states_the_summer_rest_terms_paragraph_b1(school_a: School) -> None:
    """Seed 002 §B.1: « La convention de stage en précise les modalités »."""
    school_a.cohort.diploma = "bts-ccst"
    school_a.cohort.save()
    convention = draft(school_a)
    terms = build_snapshot(convention)["summer_rest_terms"]
    assert "quatre semaines consécutives de repos pendant les vacances d'été" in terms
    page = client_for(school_a.teacher).get(reverse("conventions:detail", args=[convention.pk]))
    assert "Repos estival" in page.content.decode()
    # (another period: PostgreSQL refuses two overlapping periods for one student)
    other = draft(school_a, periods=[(date(2027, 9, 6), date(2027, 10, 15))])
    other.student.cohort.diploma = "bts-ciel"
    other.student.cohort.save()
    assert build_snapshot(Convention.objects.get(pk=other.pk))["summer_rest_terms"] == ""
