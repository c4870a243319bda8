"""The tutor's visa and download through their link: their intern's report only, the latest
version only, where the catalogue asks for a visa; and the section for the tutor's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from milieu.establishments.models import Cohort
from milieu.followup.models import TutorAccess
from milieu.followup.operations import resolve_access, revoke_tutor_link
from milieu.reports.models import ReportDeposit, ReportEndorsement
from milieu.reports.operations import ReportRefused, endorse_report
from tests.reports.conftest import Candidate, tutor_token, upload


def deposit(client: Client, who: Candidate, pdf: bytes, name: str = "rapport.pdf") -> ReportDeposit:
    client.force_login(who.user)
    assert client.post(who.page, {"fichier": upload(pdf, name)}).status_code == 302
    client.logout()
    return ReportDeposit.objects.filter(student=who.student).order_by("-version").first()  # type: ignore[return-value]


def endorse_url(token: str, found: ReportDeposit) -> str:
    return reverse("reports:tutor_endorse", kwargs={"token": token, "deposit_pk": found.pk})


def download_url(token: str, found: ReportDeposit) -> str:
    return reverse("reports:tutor_download", kwargs={"token": token, "deposit_pk": found.pk})


def test_a_link_for_one_intern_never_opens_another_intern_s_report(
    client: Client, mm_a: Candidate, mm_b: Candidate, mm_pdf: bytes, before_deadline: None
) -> None:
    token_a = tutor_token(mm_a)
    tutor_token(mm_b)
    report_a = deposit(client, mm_a, mm_pdf)
    report_b = deposit(client, mm_b, mm_pdf)

    response = client.get(download_url(token_a, report_a))
    assert response.status_code == 200 and response.content == mm_pdf
    assert response["X-Content-SHA256"] == report_a.sha256
    assert response["Content-Disposition"].startswith("attachment;")

    assert client.get(download_url(token_a, report_b)).status_code == 404
    assert client.post(endorse_url(token_a, report_b), {"tutor_name": "X"}).status_code == 404
    assert not ReportEndorsement.objects.exists()
    access_a = resolve_access(token_a)
    with pytest.raises(ReportRefused, match="ne concerne pas"):
        endorse_report(access_a, report_b, tutor_name="X", ip=None)


def test_an_unusable_link_is_gone(
    client: Client, mm_a: Candidate, mm_pdf: bytes, before_deadline: None
) -> None:
    token = tutor_token(mm_a)
    found = deposit(client, mm_a, mm_pdf)
    revoke_tutor_link(TutorAccess.objects.get(), by=mm_a.school.ddfpt)
    for response in (
        client.post(endorse_url(token, found), {"tutor_name": "X"}),
        client.get(download_url(token, found)),
        client.get(download_url("inconnu", found)),
    ):
        assert response.status_code == 410
        assert "lien" in response.content.decode()
    assert not ReportEndorsement.objects.exists()


def test_only_the_latest_version_once_with_a_name(
    client: Client, mm_a: Candidate, mm_pdf: bytes, before_deadline: None
) -> None:
    token = tutor_token(mm_a)
    tutor_page = reverse("followup:tutor", kwargs={"token": token})
    first = deposit(client, mm_a, mm_pdf, "v1.pdf")
    second = deposit(client, mm_a, mm_pdf, "v2.pdf")

    refused = client.post(
        endorse_url(token, first),
        {"tutor_name": "Jeanne"},
        follow=True,
        HTTP_REFERER=reverse("followup:tutor", kwargs={"token": token}),
    )
    assert "Une version plus récente du rapport a été déposée" in refused.content.decode()
    empty = client.post(
        endorse_url(token, second),
        {"tutor_name": "  "},
        follow=True,
        HTTP_REFERER=reverse("followup:tutor", kwargs={"token": token}),
    )
    assert "Indiquez votre nom pour viser le rapport." in empty.content.decode()
    assert not ReportEndorsement.objects.exists()

    done = client.post(endorse_url(token, second), {"tutor_name": " Jeanne  Tutrice "})
    assert done.status_code == 302 and done["Location"] == tutor_page + "#rapport"
    again = client.post(
        endorse_url(token, second),
        {"tutor_name": "Jeanne"},
        follow=True,
        HTTP_REFERER=reverse("followup:tutor", kwargs={"token": token}),
    )
    assert "Cette version du rapport est déjà visée." in again.content.decode()
    visa = ReportEndorsement.objects.get()
    assert (visa.deposit, visa.tutor_name, visa.ip) == (second, "Jeanne Tutrice", "127.0.0.1")
    assert visa.access == TutorAccess.objects.get()


def test_no_visa_where_the_rules_ask_for_none(
    client: Client, mm_a: Candidate, mm_pdf: bytes, before_deadline: None
) -> None:
    token = tutor_token(mm_a)
    found = deposit(client, mm_a, mm_pdf)
    # the same student, now in a BTS CIEL cohort: its catalogue asks for no visa
    Cohort.objects.filter(pk=mm_a.cohort.pk).update(diploma="bts-ciel")
    answer = client.post(
        endorse_url(token, found),
        {"tutor_name": "Jeanne"},
        follow=True,
        HTTP_REFERER=reverse("followup:tutor", kwargs={"token": token}),
    )
    assert "ne demande pas de visa" in answer.content.decode()
    assert not ReportEndorsement.objects.exists()


def render_section(token: str) -> str:
    access = resolve_access(token)
    template = Template("{% load reports_tags %}{% tutor_report_section access token %}")
    return template.render(Context({"access": access, "token": token, "csrf_token": "jeton"}))


def test_the_tutor_section_tag(
    client: Client, mm_a: Candidate, mm_bad_pdf: bytes, mm_pdf: bytes, before_deadline: None
) -> None:
    token = tutor_token(mm_a)
    html = render_section(token)
    assert "n’a pas encore déposé son rapport" in html
    assert "Vous pourrez le viser ici" in html

    found = deposit(client, mm_a, mm_bad_pdf)
    html = render_section(token)
    assert "Version 1 déposée le 30/03/2028" in html
    assert "5 parties repérées sur 6 attendues" in html
    assert 'data-code="REPORT_SECTION_MISSING"' in html
    assert 'data-code="REPORT_NOT_ENDORSED"' in html
    assert endorse_url(token, found) in html and download_url(token, found) in html
    assert "Viser le rapport" in html and 'value="jeton"' in html
    tutor: Any = resolve_access(token).convention.tutor
    assert f'value="{tutor}"' in html

    second = deposit(client, mm_a, mm_pdf)
    client.post(endorse_url(token, second), {"tutor_name": "Jeanne Tutrice"})
    html = render_section(token)
    assert "Vous avez visé cette version : Jeanne Tutrice" in html
    assert "Viser le rapport" not in html
    assert "Aucun constat du règlement sur ce rapport" in html


def test_the_tutor_section_when_no_report_is_expected(
    mm_a: Candidate, before_deadline: None
) -> None:
    token = tutor_token(mm_a)
    Cohort.objects.filter(pk=mm_a.cohort.pk).update(diploma="bts-ccst")
    html = render_section(token)
    assert "Aucun rapport n’est attendu pour ce diplôme." in html
