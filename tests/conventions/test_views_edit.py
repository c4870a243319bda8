"""/conventions/<pk>/modifier/: a draft changes, fields and periods; afterwards it does not."""

from __future__ import annotations

from datetime import date
from html import unescape
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.operations import submit_convention
from milieu.factories import HostFactory, TutorFactory
from tests.conventions.conftest import School, draft
from tests.conventions.payloads import client_for, form_data, periods


def url(convention: Any) -> str:
    return reverse("conventions:edit", args=[convention.pk])


@pytest.mark.parametrize("role", ["head", "ddfpt", "secretary", "teacher", "student_user"])
def test_the_team_and_the_student_open_the_draft(school_a: School, role: str) -> None:
    convention = draft(school_a)

    response = client_for(getattr(school_a, role)).get(url(convention))

    assert response.status_code == 200
    assert f"Modifier la convention n° {convention.pk}" in unescape(response.content.decode())


def test_the_form_holds_the_draft_as_saved(school_a: School) -> None:
    convention = draft(
        school_a,
        periods=[(date(2027, 5, 31), date(2027, 6, 18)), (date(2027, 11, 8), date(2027, 11, 26))],
    )

    response = client_for(school_a.teacher).get(url(convention))

    form = response.context["form"]
    assert form.initial["host"] == convention.host_id
    assert form.initial["host_signatory_name"] == "Claire Dubois"
    assert form.initial["fri_2_fin"] == "17:00"
    assert response.context["periods"].initial == [
        {"start": date(2027, 5, 31), "end": date(2027, 6, 18)},
        {"start": date(2027, 11, 8), "end": date(2027, 11, 26)},
    ]
    html = response.content.decode()
    assert 'name="periodes-INITIAL_FORMS" value="2"' in html
    assert 'name="periodes-TOTAL_FORMS" value="3"' in html  # and one empty row to add a period


def test_saving_changes_fields_and_replaces_the_periods(school_a: School) -> None:
    convention = draft(school_a)
    other_tutor = TutorFactory.create(host=convention.host)
    data = form_data(
        convention.host,
        other_tutor,
        school_a.other_teacher,
        activities="Nouvelles activités",
        **periods(("2027-05-31", "2027-07-09"), ("2027-11-08", "2027-11-26"), initial=1),
    )

    response = client_for(school_a.teacher).post(url(convention), data)

    assert response.status_code == 302
    convention.refresh_from_db()
    assert (convention.tutor, convention.referent, convention.activities) == (
        other_tutor,
        school_a.other_teacher,
        "Nouvelles activités",
    )
    assert [(p.start, p.end) for p in convention.active_periods()] == [
        (date(2027, 5, 31), date(2027, 7, 9)),
        (date(2027, 11, 8), date(2027, 11, 26)),
    ]
    assert convention.periods.count() == 2
    assert convention.status == ConventionStatus.DRAFT


def test_a_period_ticked_for_deletion_goes(school_a: School) -> None:
    convention = draft(
        school_a,
        periods=[(date(2027, 5, 31), date(2027, 6, 18)), (date(2027, 11, 8), date(2027, 11, 26))],
    )
    data = form_data(
        convention.host,
        convention.tutor,
        **periods(("2027-05-31", "2027-06-18"), ("2027-11-08", "2027-11-26"), initial=2),
    )
    data["periodes-1-DELETE"] = "on"

    client_for(school_a.teacher).post(url(convention), data)

    assert [(p.start, p.end) for p in convention.active_periods()] == [
        (date(2027, 5, 31), date(2027, 6, 18))
    ]


def test_changing_the_host_to_one_abroad_keeps_the_adaptations(school_a: School) -> None:
    convention = draft(school_a)
    abroad = HostFactory.create(abroad=True)

    client_for(school_a.teacher).post(
        url(convention),
        form_data(
            abroad,
            foreign_law_adaptations="Droit allemand du travail des jeunes",
            **periods(("2027-05-31", "2027-07-09"), initial=1),
        ),
    )

    convention.refresh_from_db()
    assert convention.host == abroad
    assert convention.tutor is None
    assert convention.foreign_law_adaptations == "Droit allemand du travail des jeunes"


def test_adaptations_are_dropped_for_a_host_in_france(school_a: School) -> None:
    convention = draft(school_a)

    client_for(school_a.teacher).post(
        url(convention),
        form_data(
            convention.host,
            foreign_law_adaptations="Sans objet",
            **periods(("2027-05-31", "2027-07-09"), initial=1),
        ),
    )

    convention.refresh_from_db()
    assert convention.foreign_law_adaptations == ""


def test_errors_keep_what_was_typed_and_change_nothing(school_a: School) -> None:
    convention = draft(school_a)
    data = form_data(convention.host, activities="Texte à garder", weekly_hours="60")

    response = client_for(school_a.teacher).post(url(convention), data)

    html = unescape(response.content.decode())
    assert "La durée hebdomadaire est de 48 heures au plus." in html
    assert "Texte à garder" in html
    convention.refresh_from_db()
    assert convention.activities != "Texte à garder"


def test_a_submitted_convention_is_no_longer_edited(school_a: School) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)
    client = client_for(school_a.teacher)

    response = client.get(url(convention))
    posted = client.post(url(convention), form_data(convention.host, activities="Trop tard"))

    assert response["Location"] == reverse("conventions:detail", args=[convention.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "La convention n’est plus modifiable : elle est « Soumise à l'équipe pédagogique »."
    ]
    assert posted.status_code == 302
    convention.refresh_from_db()
    assert convention.activities != "Trop tard"


def test_the_htmx_host_reload_works_on_the_edit_page_too(school_a: School) -> None:
    convention = draft(school_a)
    other = HostFactory.create()
    tutor = TutorFactory.create(host=other, last_name="Zimmer")

    html = (
        client_for(school_a.teacher)
        .get(url(convention) + f"?host={other.pk}", headers={"HX-Request": "true"})
        .content.decode()
    )

    assert html.lstrip().startswith('<div id="organisme-details"')
    assert str(tutor) in html


def test_another_schools_staff_gets_a_404(school_a: School, school_b: School) -> None:
    convention = draft(school_a)

    assert client_for(school_b.head).get(url(convention)).status_code == 404
    assert client_for(school_b.teacher).post(url(convention), {}).status_code == 404


def test_a_teacher_of_another_cohort_gets_a_404(school_a: School) -> None:
    assert client_for(school_a.other_teacher).get(url(draft(school_a))).status_code == 404


def test_the_rectorat_reads_but_does_not_edit(school_a: School, rectorat: Any) -> None:
    assert client_for(rectorat).get(url(draft(school_a))).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(url(draft(school_a)))["Location"].startswith(reverse("login"))
