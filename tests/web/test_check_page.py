"""The page « Vérifier un dossier »: paste or upload, see the verdict, lose nothing."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from milieu.checker.samples import all_samples, get_sample
from milieu.rules import dumps_verdict, evaluate

URL = reverse("checker:check")


def sample_dossier(slug: str) -> dict:
    sample = get_sample(slug)
    assert sample is not None
    return sample.dossier


def test_get_shows_the_form_and_every_sample(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Vérifier un dossier</h1>" in html
    assert 'name="dossier"' in html
    assert 'name="fichier"' in html
    assert 'hx-post="/dossiers/verifier/"' in html
    for sample in all_samples():
        assert sample.title in html
        assert f'id="{sample.script_id}"' in html
    assert "data-verdict-json" not in html


def test_get_with_a_sample_prefills_the_textarea(client: Client) -> None:
    response = client.get(URL, {"exemple": "example-ciel-compliant"})

    html = response.content.decode()
    assert (
        "&quot;example-ciel-compliant&quot;"
        in html.split('id="id_dossier"')[1].split("</textarea>")[0]
    )


def test_get_with_an_unknown_sample_shows_an_empty_form(client: Client) -> None:
    response = client.get(URL, {"exemple": "inconnu"})

    assert response.status_code == 200


def test_post_one_dossier_shows_its_verdict_and_canonical_text(
    client: Client, read_verdicts
) -> None:
    dossier = sample_dossier("example-mm-short-and-late")

    response = client.post(URL, {"dossier": json.dumps(dossier)})

    assert response.status_code == 200
    html = response.content.decode()
    result = evaluate(dossier)
    assert read_verdicts(html) == [dumps_verdict(result)]
    assert "Non conforme" in html
    assert "BTS Métiers de la Mesure" in html
    for finding in result["findings"]:
        assert f'data-finding-code="{finding["code"]}"' in html
    assert "Bloquant" in html
    assert "Gravité" in html and "Référence" in html


@pytest.mark.parametrize(
    ("slug", "label"),
    [
        ("example-ciel-compliant", "Conforme"),
        ("bts-ccst-stage-in-progress", "En attente"),
        ("example-bep-apprentice-without-contract", "Non conforme"),
    ],
)
def test_status_badge_is_in_french(client: Client, slug: str, label: str) -> None:
    dossier = sample_dossier(slug)
    status = evaluate(dossier)["status"]

    response = client.post(URL, {"dossier": json.dumps(dossier)})

    html = response.content.decode()
    assert f'data-verdict-status="{status}">{label}</span>' in html


def test_a_dossier_that_cannot_be_judged_shows_the_field_and_message(client: Client) -> None:
    dossier = sample_dossier("example-error-impossible-date")
    error = evaluate(dossier)["error"]

    response = client.post(URL, {"dossier": json.dumps(dossier)})

    html = response.content.decode()
    assert "Ce dossier ne peut pas être jugé" in html
    assert f"<code>{error['field']}</code>" in html
    assert "data-verdict-status" not in html


def test_post_an_array_judges_each_dossier(client: Client, read_verdicts) -> None:
    dossiers = [sample_dossier("example-ciel-compliant"), sample_dossier("bep-mpmi-two-phases")]

    response = client.post(URL, {"dossier": json.dumps(dossiers)})

    assert read_verdicts(response.content.decode()) == [
        dumps_verdict(evaluate(dossier)) for dossier in dossiers
    ]


def test_post_json_lines_judges_each_line(client: Client, read_verdicts) -> None:
    dossiers = [
        sample_dossier("example-ciel-compliant"),
        sample_dossier("example-mm-short-and-late"),
    ]
    text = "\n".join(json.dumps(dossier) for dossier in dossiers) + "\n"

    response = client.post(URL, {"dossier": text})

    assert len(read_verdicts(response.content.decode())) == 2


def test_invalid_json_keeps_the_text_and_explains_in_french(client: Client) -> None:
    text = '{"diploma": "bts-ciel", oups}'

    response = client.post(URL, {"dossier": text})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Le texte n’est pas du JSON valide" in html
    assert "ligne 1, colonne 25" in html
    assert "{&quot;diploma&quot;: &quot;bts-ciel&quot;, oups}</textarea>" in html
    assert 'aria-invalid="true"' in html
    assert "data-verdict-json" not in html


def test_empty_submission_asks_for_a_dossier(client: Client) -> None:
    response = client.post(URL, {"dossier": "   "})

    assert "Collez un dossier au format JSON ou choisissez un fichier." in response.content.decode()


def test_uploaded_file_is_judged_and_shown_in_the_textarea(client: Client, read_verdicts) -> None:
    sample = get_sample("example-ciel-compliant")
    assert sample is not None
    upload = SimpleUploadedFile("dossier.json", sample.text.encode(), "application/json")

    response = client.post(URL, {"dossier": "", "fichier": upload})

    html = response.content.decode()
    assert read_verdicts(html) == [dumps_verdict(evaluate(sample.dossier))]
    assert "&quot;example-ciel-compliant&quot;" in html.split("</textarea>")[0]


def test_uploaded_file_that_is_not_utf8_is_refused_in_french(client: Client) -> None:
    upload = SimpleUploadedFile("dossier.json", '{"id": "é"}'.encode("latin-1"))

    response = client.post(URL, {"dossier": "", "fichier": upload})

    assert "Le fichier n’est pas un texte encodé en UTF-8." in response.content.decode()


def test_htmx_post_returns_only_the_checker_fragment(client: Client, read_verdicts) -> None:
    dossier = sample_dossier("example-ciel-compliant")

    response = client.post(URL, {"dossier": json.dumps(dossier)}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="verificateur">')
    assert "<html" not in html
    assert read_verdicts(html) == [dumps_verdict(evaluate(dossier))]


def test_htmx_post_with_invalid_json_keeps_the_text(client: Client) -> None:
    response = client.post(URL, {"dossier": "[1, 2"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert "[1, 2</textarea>" in html
    assert "Le texte n’est pas du JSON valide" in html


@pytest.mark.django_db
def test_checking_writes_nothing_to_the_database(client: Client, django_assert_num_queries) -> None:
    dossier = sample_dossier("example-mm-short-and-late")

    with django_assert_num_queries(0):
        client.post(URL, {"dossier": json.dumps(dossier)})


def test_post_without_csrf_token_is_refused_in_french() -> None:
    response = Client(enforce_csrf_checks=True).post(URL, {"dossier": "{}"})

    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()


def test_findings_are_shown_in_words_with_readable_references(client: Client) -> None:
    """Issue 13 §10: the page shows « Durée de stage insuffisante » and « Annexe BTS Métiers de
    la Mesure, §3 » linking to the rule's paragraph; codes and seed files stay in the JSON."""
    from milieu.rules.references import finding_label, read_reference

    dossier = sample_dossier("example-mm-short-and-late")
    result = evaluate(dossier)
    html = client.post(URL, {"dossier": json.dumps(dossier)}).content.decode()
    table = html.split("data-verdict-findings", 1)[1].split("</table>", 1)[0]
    for finding in result["findings"]:
        assert finding_label(finding["code"]) in table
        assert f"<code>{finding['code']}</code>" not in table
        reference = read_reference(finding["ref"])
        assert reference is not None
        assert f'href="/regles/{reference.diploma_id}/#paragraphe-' in table
        assert f">{reference.label}</a>" in table
