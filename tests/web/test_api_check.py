"""POST /api/v1/dossiers/check: one dossier in, the engine's canonical text out."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from milieu.checker.samples import get_sample
from milieu.rules import dumps_verdict, evaluate

URL = "/api/v1/dossiers/check"


def sample_dossier(slug: str) -> dict:
    sample = get_sample(slug)
    assert sample is not None
    return sample.dossier


def post(client: Client, body: str | bytes):
    return client.post(URL, data=body, content_type="application/json")


def test_a_judged_dossier_answers_200_with_the_canonical_text(client: Client) -> None:
    dossier = sample_dossier("example-mm-short-and-late")

    response = post(client, json.dumps(dossier))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content.decode() == dumps_verdict(evaluate(dossier))


def test_an_engine_error_answers_422_with_the_error_object(client: Client) -> None:
    dossier = sample_dossier("example-error-impossible-date")

    response = post(client, json.dumps(dossier))

    assert response.status_code == 422
    assert response.content.decode() == dumps_verdict(evaluate(dossier))
    body = response.json()
    assert body["id"] == "example-error-impossible-date"
    assert body["error"]["field"].startswith("/periods/0")


def test_a_body_that_is_not_json_answers_422_in_french(client: Client) -> None:
    response = post(client, "{pas du json")

    assert response.status_code == 422
    body = response.json()
    assert body["id"] is None
    assert body["error"]["field"] == ""
    assert body["error"]["message"].startswith("Le corps de la requête n’est pas du JSON valide")
    assert response.content.decode() == dumps_verdict(body)


@pytest.mark.parametrize("body", ["[]", "[{}]", '"bts-ciel"', "42", "null"])
def test_a_body_that_is_not_an_object_answers_422(client: Client, body: str) -> None:
    response = post(client, body)

    assert response.status_code == 422
    assert response.json() == {
        "id": None,
        "error": {
            "field": "",
            "message": "Le corps de la requête doit être un objet JSON : un seul dossier à la fois.",
        },
    }


def test_an_empty_body_answers_422(client: Client) -> None:
    response = post(client, "")

    assert response.status_code == 422
    assert "vide" in response.json()["error"]["message"]


def test_a_body_that_is_not_utf8_answers_422(client: Client) -> None:
    response = post(client, '{"id": "é"}'.encode("latin-1"))

    assert response.status_code == 422
    assert "UTF-8" in response.json()["error"]["message"]


def test_other_methods_are_refused_in_french(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"]["message"].startswith("Méthode non autorisée")


@pytest.mark.django_db
def test_checking_writes_nothing_to_the_database(client: Client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        post(client, json.dumps(sample_dossier("example-ciel-compliant")))


def test_openapi_schema_documents_the_check(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/v1/dossiers/check"]["post"]
    assert operation["summary"] == "Vérifier un dossier"
    assert set(operation["responses"]) >= {"200", "422"}
    assert "application/json" in operation["requestBody"]["content"]


def test_api_docs_are_served(client: Client) -> None:
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content
