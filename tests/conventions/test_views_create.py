"""/conventions/nouvelle/: a draft for a student, or from a host choice *arrêté*; the annexe
pédagogique follows what the diploma's catalogue offers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.conventions import form_parts as convention_forms
from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention
from milieu.factories import (
    CohortFactory,
    HostFactory,
    HostSiteFactory,
    PlacementFactory,
    StudentFactory,
    TutorFactory,
)
from milieu.hosts.enums import PlacementStatus
from milieu.rules import get_catalogue
from tests.conventions.conftest import School, draft
from tests.conventions.payloads import client_for, form_data, periods, timetable


def url(student: Any) -> str:
    return reverse("conventions:create") + f"?eleve={student.pk}"


def from_choice(placement: Any) -> str:
    return reverse("conventions:create") + f"?choix={placement.pk}"


@pytest.fixture
def host() -> Any:
    return HostFactory.create(name="Réseaux d'Alsace", trade_name="", headcount=50)


@pytest.fixture
def tutor(host: Any) -> Any:
    return TutorFactory.create(host=host, last_name="Keller", first_name="Paul")


# --- who may open it ------------------------------------------------------------------------


def allow_students_drafts(school: School) -> None:
    school.establishment.students_draft_conventions = True
    school.establishment.save()


@pytest.mark.parametrize("role", ["head", "ddfpt", "secretary", "teacher"])
def test_the_school_team_opens_the_form(school_a: School, role: str) -> None:
    response = client_for(getattr(school_a, role)).get(url(school_a.student))

    assert response.status_code == 200
    assert "Nouvelle convention de stage" in unescape(response.content.decode())


def test_a_student_is_refused_the_form_unless_the_establishment_allows_drafts(
    school_a: School,
) -> None:
    refused = client_for(school_a.student_user).get(url(school_a.student))
    assert refused.status_code == 403

    allow_students_drafts(school_a)
    response = client_for(school_a.student_user).get(url(school_a.student))
    assert response.status_code == 200
    assert "Nouvelle convention de stage" in unescape(response.content.decode())


def test_a_student_cannot_post_a_draft_when_the_establishment_does_not_allow_it(
    school_a: School, host: Any
) -> None:
    response = client_for(school_a.student_user).post(url(school_a.student), form_data(host))

    assert response.status_code == 403
    assert not Convention.objects.exists()


def test_another_schools_staff_gets_a_404(school_a: School, school_b: School) -> None:
    assert client_for(school_b.head).get(url(school_a.student)).status_code == 404
    assert client_for(school_b.teacher).get(url(school_a.student)).status_code == 404


def test_a_teacher_of_another_cohort_gets_a_404(school_a: School) -> None:
    assert client_for(school_a.other_teacher).get(url(school_a.student)).status_code == 404


def test_the_rectorat_reads_students_but_does_not_draft_conventions(
    school_a: School, rectorat: Any
) -> None:
    assert client_for(rectorat).get(url(school_a.student)).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    response = client.get(url(school_a.student))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("query", ["", "?eleve=", "?eleve=abc", "?eleve=999999", "?choix=x"])
def test_a_missing_or_malformed_student_is_a_404(school_a: School, query: str) -> None:
    response = client_for(school_a.head).get(reverse("conventions:create") + query)

    assert response.status_code == 404


# --- what it shows --------------------------------------------------------------------------


def test_the_form_starts_with_a_working_week_and_the_teacher_as_referent(
    school_a: School,
) -> None:
    form = client_for(school_a.teacher).get(url(school_a.student)).context["form"]

    assert form.initial["work_days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert form.initial["referent"] == school_a.teacher.pk
    assert form.initial["mon_1_debut"] == "08:30"
    assert form.initial["sat_1_debut"] == ""
    assert list(form.fields["referent"].queryset) == sorted(
        [school_a.teacher, school_a.other_teacher],
        key=lambda u: (u.last_name, u.first_name, u.email),
    )


def test_a_head_is_not_proposed_as_referent_by_default(school_a: School) -> None:
    form = client_for(school_a.head).get(url(school_a.student)).context["form"]

    assert "referent" not in form.initial


def test_changing_the_host_reloads_its_sites_and_tutors_through_htmx(
    school_a: School, host: Any, tutor: Any
) -> None:
    site = HostSiteFactory.create(host=host, name="Atelier de Colmar")
    elsewhere = TutorFactory.create()

    response = client_for(school_a.teacher).get(
        url(school_a.student) + f"&host={host.pk}", headers={"HX-Request": "true"}
    )

    html = unescape(response.content.decode())
    assert html.lstrip().startswith('<div id="organisme-details"')
    assert "<html" not in html
    assert "Atelier de Colmar" in html and str(site.pk) in html
    assert "Paul KELLER" in html
    assert str(elsewhere) not in html
    assert "data-abroad" not in html
    assert "HX-Request" in response["Vary"]


def test_a_host_abroad_asks_for_the_adaptations_to_its_law(school_a: School) -> None:
    abroad = HostFactory.create(abroad=True)

    html = unescape(
        client_for(school_a.teacher)
        .get(url(school_a.student) + f"&host={abroad.pk}", headers={"HX-Request": "true"})
        .content.decode()
    )

    assert "data-abroad" in html
    assert "Adaptations au droit du pays d’accueil" in html
    assert "(DE)" in html


# --- creating -------------------------------------------------------------------------------


def test_a_teacher_creates_a_draft_with_two_periods(
    school_a: School, host: Any, tutor: Any
) -> None:
    data = form_data(
        host,
        tutor,
        school_a.teacher,
        gratification_hourly="4,50",
        **periods(("2027-05-31", "2027-06-18"), ("2027-11-08", "2027-11-26")),
    )

    response = client_for(school_a.teacher).post(url(school_a.student), data)

    convention = Convention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("conventions:detail", args=[convention.pk])
    assert convention.status == ConventionStatus.DRAFT
    assert (convention.student, convention.host, convention.tutor, convention.referent) == (
        school_a.student,
        host,
        tutor,
        school_a.teacher,
    )
    assert [(p.start, p.end) for p in convention.active_periods()] == [
        (date(2027, 5, 31), date(2027, 6, 18)),
        (date(2027, 11, 8), date(2027, 11, 26)),
    ]
    assert convention.work_days == ["mon", "tue", "wed", "thu", "fri"]
    assert convention.timetable["mon"] == [["08:30", "12:00"], ["13:30", "17:00"]]
    assert "sat" not in convention.timetable
    assert convention.weekly_hours == Decimal("35")
    assert convention.gratification_hourly == Decimal("4.50")
    assert convention.liability_insurance == "MAIF, contrat 1234"
    assert convention.created_by == school_a.teacher
    creation = convention.transitions.get()
    assert (creation.to_status, creation.actor, creation.ip) == (
        "draft",
        school_a.teacher,
        "127.0.0.1",
    )


def test_a_student_drafts_their_own_convention(school_a: School, host: Any) -> None:
    allow_students_drafts(school_a)
    response = client_for(school_a.student_user).post(url(school_a.student), form_data(host))

    assert response.status_code == 302
    assert Convention.objects.get().created_by == school_a.student_user


def test_the_weekly_hours_left_empty_are_the_timetable_total(school_a: School, host: Any) -> None:
    data = form_data(
        host,
        weekly_hours="",
        **timetable(
            days=("mon", "tue", "wed", "thu"), spans=(("09:00", "12:00"), ("13:00", "16:30"))
        ),
        work_days=["mon", "tue", "wed", "thu"],
    )

    client_for(school_a.teacher).post(url(school_a.student), data)

    assert Convention.objects.get().weekly_hours == Decimal("26")


def test_errors_are_in_french_and_nothing_typed_is_lost(school_a: School, host: Any) -> None:
    data = form_data(
        host,
        host_signatory_email="pas-une-adresse",
        mon_2_debut="14:00",
        mon_2_fin="13:00",
        sat_1_debut="09:00",
        sat_1_fin="12:00",
        **periods(("2027-07-09", "2027-05-31")),
    )

    response = client_for(school_a.teacher).post(url(school_a.student), data)

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert not Convention.objects.exists()
    assert "Le formulaire contient des erreurs" in html
    assert "La fin de la période précède son début." in html
    assert "Lundi : la 2e plage finit avant de commencer." in html
    assert "Saisissez une adresse de courriel valide." in html
    assert 'value="Claire Dubois"' in html
    assert "Câblage, supervision, tickets d'incident." in html
    assert 'value="2027-07-09"' in html
    assert 'value="14:00"' in html


def test_hours_on_a_day_not_worked_are_refused(school_a: School, host: Any) -> None:
    data = form_data(host, sat_1_debut="09:00", sat_1_fin="12:00")

    html = unescape(client_for(school_a.teacher).post(url(school_a.student), data).content.decode())

    assert "Des horaires sont saisis le samedi, jour non coché comme travaillé." in html
    assert not Convention.objects.exists()


def test_a_worked_day_without_hours_is_refused(school_a: School, host: Any) -> None:
    data = form_data(host, fri_1_debut="", fri_1_fin="", fri_2_debut="", fri_2_fin="")

    html = unescape(client_for(school_a.teacher).post(url(school_a.student), data).content.decode())

    assert "Indiquez les horaires du vendredi, jour coché comme travaillé." in html


def test_at_least_one_period_and_no_overlap_between_them(school_a: School, host: Any) -> None:
    client = client_for(school_a.teacher)

    none = client.post(url(school_a.student), form_data(host, **periods(("", ""))))
    both = client.post(
        url(school_a.student),
        form_data(host, **periods(("2027-05-31", "2027-06-18"), ("2027-06-14", "2027-06-25"))),
    )

    assert "Indiquez au moins une période de stage." in unescape(none.content.decode())
    assert "se chevauchent" in unescape(both.content.decode())
    assert not Convention.objects.exists()


def test_a_tutor_of_another_host_is_refused(school_a: School, host: Any) -> None:
    stranger = TutorFactory.create()

    html = unescape(
        client_for(school_a.teacher)
        .post(url(school_a.student), form_data(host, stranger))
        .content.decode()
    )

    assert "Choisissez un tuteur de l’organisme retenu." in html


def test_a_referent_from_another_school_is_refused(
    school_a: School, school_b: School, host: Any
) -> None:
    html = unescape(
        client_for(school_a.teacher)
        .post(url(school_a.student), form_data(host, referent=school_b.teacher))
        .content.decode()
    )

    assert "Choisissez un enseignant de l’établissement." in html
    assert not Convention.objects.exists()


def test_the_rectorat_cannot_post_a_draft(school_a: School, rectorat: Any, host: Any) -> None:
    assert client_for(rectorat).post(url(school_a.student), form_data(host)).status_code == 403
    assert not Convention.objects.exists()


# --- from a host choice arrêté --------------------------------------------------------------


def test_a_choice_arrete_prefills_host_site_tutor_and_the_window(school_a: School) -> None:
    placement = PlacementFactory.create(
        student=school_a.student,
        cohort_period=school_a.period,
        site=None,
        status=PlacementStatus.ARRETE,
    )
    site = HostSiteFactory.create(host=placement.host)
    placement.site = site
    placement.save()

    response = client_for(school_a.ddfpt).get(from_choice(placement))

    form = response.context["form"]
    assert (form.initial["host"], form.initial["site"], form.initial["tutor"]) == (
        placement.host_id,
        site.pk,
        placement.tutor_id,
    )
    assert response.context["periods"].initial == [
        {"start": date(2027, 5, 31), "end": date(2027, 7, 16)}
    ]
    client_for(school_a.ddfpt).post(
        from_choice(placement),
        form_data(
            placement.host, placement.tutor, **periods(("2027-05-31", "2027-07-16"), initial=1)
        ),
    )
    assert Convention.objects.get().placement == placement


def test_a_choice_not_yet_arrete_is_a_404(school_a: School) -> None:
    placement = PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.VALIDATED
    )

    assert client_for(school_a.head).get(from_choice(placement)).status_code == 404


def test_a_choice_of_another_school_is_a_404(school_a: School, school_b: School) -> None:
    placement = PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.ARRETE
    )

    assert client_for(school_b.head).get(from_choice(placement)).status_code == 404


def test_a_choice_that_has_its_convention_leads_to_it(school_a: School) -> None:
    placement = PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.ARRETE
    )
    convention = draft(school_a, placement=placement)

    response = client_for(school_a.head).get(from_choice(placement))

    assert response["Location"] == reverse("conventions:detail", args=[convention.pk])


def test_a_student_keeps_the_tutor_the_school_chose_but_browses_no_other(
    school_a: School,
) -> None:
    placement = PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.ARRETE
    )
    TutorFactory.create(host=placement.host, last_name="Autre")
    allow_students_drafts(school_a)

    form = client_for(school_a.student_user).get(from_choice(placement)).context["form"]

    assert list(form.fields["tutor"].queryset) == [placement.tutor]


# --- the annexe pédagogique follows the catalogue -------------------------------------------


def student_in(school: School, diploma: str) -> Any:
    cohort = CohortFactory.create(establishment=school.establishment, diploma=diploma)
    cohort.teachers.add(school.teacher)
    return StudentFactory.create(cohort=cohort)


def test_metiers_de_la_mesure_picks_competencies_and_activities(
    school_a: School, host: Any
) -> None:
    student = student_in(school_a, "bts-metiers-de-la-mesure")
    extra = get_catalogue().diplomas["bts-metiers-de-la-mesure"].extra
    client = client_for(school_a.teacher)

    html = unescape(client.get(url(student)).content.decode())
    for item in extra["competencies"] + extra["activities"]:
        assert f"{item['code']} — {item['label']}" in html
    client.post(
        url(student),
        form_data(
            host,
            referential_competencies=["C01", "C16"],
            referential_activities=["A4-T2", "A5-T6"],
        ),
    )

    assert Convention.objects.get().competencies == ["C01", "C16", "A4-T2", "A5-T6"]


def test_an_unknown_code_is_refused(school_a: School, host: Any) -> None:
    student = student_in(school_a, "bts-metiers-de-la-mesure")

    html = unescape(
        client_for(school_a.teacher)
        .post(url(student), form_data(host, referential_competencies=["C99"]))
        .content.decode()
    )

    assert "« C99 » n’est pas dans le référentiel." in html


def test_ccst_has_one_text_per_item_of_its_annex(school_a: School, host: Any) -> None:
    student = student_in(school_a, "bts-ccst")
    items = get_catalogue().diplomas["bts-ccst"].extra["annex_items"]
    client = client_for(school_a.teacher)

    html = unescape(client.get(url(student)).content.decode())
    assert len(items) == 7
    for index, label in enumerate(items):
        assert f'data-annex-item="{index}"' in html
        assert label in html
    client.post(url(student), form_data(host, annex_item_0="Négocier", annex_item_6="Grille"))

    assert Convention.objects.get().annex_items == {"0": "Négocier", "6": "Grille"}


def test_bma_shows_the_individual_training_contract(school_a: School) -> None:
    student = student_in(school_a, "bma-bijou")
    items = get_catalogue().diplomas["bma-bijou"].extra["training_contract_items"]

    html = unescape(client_for(school_a.teacher).get(url(student)).content.decode())

    assert "data-training-contract" in html
    for item in items:
        assert item in html
    assert "data-referential" not in html


def test_a_diploma_without_annex_data_shows_the_common_fields_only(school_a: School) -> None:
    html = unescape(client_for(school_a.teacher).get(url(school_a.student)).content.decode())

    assert "Objectifs (compétences visées)" in html
    assert "Modalités de suivi par l’enseignant référent" in html
    assert "data-annex-item" not in html
    assert "data-referential" not in html
    assert "data-training-contract" not in html


def test_the_annex_is_read_from_the_catalogue_not_from_the_diploma_id(
    school_a: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = get_catalogue()
    ciel = catalogue.diplomas["bts-ciel"]
    patched = replace(
        catalogue,
        diplomas={
            **catalogue.diplomas,
            "bts-ciel": replace(
                ciel,
                extra={
                    **ciel.extra,
                    "annex_items": ["Rubrique d'essai"],
                    "competencies": [{"code": "Z1", "label": "Compétence d'essai"}],
                },
            ),
        },
    )
    monkeypatch.setattr(convention_forms, "get_catalogue", lambda: patched)

    html = unescape(client_for(school_a.teacher).get(url(school_a.student)).content.decode())

    assert "Rubrique d'essai" in html
    assert "Z1 — Compétence d'essai" in html


def test_a_period_overlapping_another_convention_is_refused_in_french(
    school_a: School, host: Any
) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint on periods needs PostgreSQL")
    draft(school_a)  # 31/05/2027 – 09/07/2027

    response = client_for(school_a.teacher).post(
        url(school_a.student), form_data(host, **periods(("2027-06-07", "2027-06-25")))
    )

    html = unescape(response.content.decode())
    assert "un élève ne peut être en stage à deux endroits à la fois" in html
    assert 'value="2027-06-07"' in html
    assert Convention.objects.count() == 1


def test_the_activities_say_they_are_needed_to_submit_not_optional(school_a: School) -> None:
    """Issue 13 §12: « Activités confiées » was labelled « (facultatif) » and « obligatoire pour
    soumettre » at once: a draft may lack them, a submission may not, and the label says so."""
    import re

    html = client_for(school_a.teacher).get(url(school_a.student)).content.decode()
    label = re.search(r'<label class="fr-label" for="id_activities">(.*?)<', html, re.S)
    assert label is not None
    text = " ".join(label.group(1).split())
    assert text == "Activités confiées (obligatoire pour soumettre)"
    assert "Activités confiées (facultatif)" not in html
