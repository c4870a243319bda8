"""Every refusal shares one base, and one the view did not catch reads as a French message."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from milieu.conventions.operations import ConventionRefused
from milieu.factories import UserFactory
from milieu.refusals import Refused
from milieu.reports.operations import ReportRefused


def _refusing_view(request: HttpRequest) -> HttpResponse:
    raise ConventionRefused(["La convention n'est pas encore signée.", "Il manque le tuteur."])


def _refusing_plain(request: HttpRequest) -> HttpResponse:
    raise ReportRefused("Le dépôt est clos depuis le 01/06/2027.")


urlpatterns = [
    path("refus/", _refusing_view),
    path("refus-rapport/", _refusing_plain),
    path("", include("milieu.urls")),  # the page's layout links to the site's pages
]


def test_every_operations_refusal_derives_from_the_one_base() -> None:
    import milieu.contracts.operations
    import milieu.evidence.operations
    import milieu.exams.operations.refusals
    import milieu.followup.operations.base
    import milieu.hosts.operations
    import milieu.imports.operations
    import milieu.livret.operations
    import milieu.placements.operations
    import milieu.visits.operations

    modules = [
        milieu.contracts.operations,
        milieu.evidence.operations,
        milieu.exams.operations.refusals,
        milieu.followup.operations.base,
        milieu.hosts.operations,
        milieu.imports.operations,
        milieu.livret.operations,
        milieu.placements.operations,
        milieu.visits.operations,
    ]
    for module in modules:
        refusals = [
            obj
            for name, obj in inspect.getmembers(module, inspect.isclass)
            if name.endswith("Refused") and obj.__module__ == module.__name__
        ]
        assert refusals, module.__name__
        assert all(issubclass(r, Refused) for r in refusals), module.__name__


@pytest.mark.django_db
@pytest.mark.urls("tests.core.test_refusals")
def test_an_uncaught_refusal_is_a_message_on_the_page_one_came_from(client: Client) -> None:
    client.force_login(UserFactory.create())
    response = client.post("/refus/", HTTP_REFERER="http://testserver/conventions/12/")
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/conventions/12/"
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["La convention n'est pas encore signée. ; Il manque le tuteur."]


@pytest.mark.django_db
@pytest.mark.urls("tests.core.test_refusals")
def test_a_foreign_referer_is_not_followed(client: Client, settings: Any) -> None:
    client.force_login(UserFactory.create())
    response = client.post("/refus-rapport/", HTTP_REFERER="https://ailleurs.example/")
    assert response.status_code == 302 and response["Location"] == "/refus-rapport/"
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Le dépôt est clos depuis le 01/06/2027."]


@pytest.mark.django_db
@pytest.mark.urls("tests.core.test_refusals")
def test_a_refused_get_without_referer_reads_the_same_address_again(client: Client) -> None:
    client.force_login(UserFactory.create())
    response = client.get("/refus-rapport/")
    assert response.status_code == 302 and response["Location"] == "/refus-rapport/"
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Le dépôt est clos depuis le 01/06/2027."]


@pytest.mark.django_db
@pytest.mark.urls("tests.core.test_refusals")
def test_an_htmx_request_is_sent_back_by_htmx(client: Client) -> None:
    client.force_login(UserFactory.create())
    response = client.post(
        "/refus/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/conventions/3/"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "http://testserver/conventions/3/"
    response = client.post("/refus/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/refus/"
