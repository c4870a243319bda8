"""/regles/: the catalogue as the engine reads it."""

from __future__ import annotations

from django.test import Client

from milieu.rules import get_catalogue


def test_list_shows_every_diploma_with_a_link(client: Client) -> None:
    response = client.get("/regles/")

    assert response.status_code == 200
    html = response.content.decode()
    for diploma in get_catalogue().diplomas.values():
        assert f'href="/regles/{diploma.id}/"' in html
        assert str(diploma.title).replace("'", "&#x27;") in html


def test_detail_shows_each_rule_with_its_reference(client: Client) -> None:
    for diploma in get_catalogue().diplomas.values():
        response = client.get(f"/regles/{diploma.id}/")

        assert response.status_code == 200
        html = response.content.decode()
        assert diploma.seed in html
        for rule in diploma.rules:
            assert f'data-rule="{rule.id}"' in html
            assert rule.ref in html


def test_detail_shows_the_decision_taken_where_there_is_one(client: Client) -> None:
    diplomas = get_catalogue().diplomas.values()
    diploma, rule = next(
        (diploma, rule) for diploma in diplomas for rule in diploma.rules if rule.decision
    )

    response = client.get(f"/regles/{diploma.id}/")

    html = response.content.decode()
    assert "Interprétation retenue" in html
    assert str(rule.decision).replace("'", "&#x27;").replace('"', "&quot;") in html


def test_an_unknown_diploma_is_a_french_404(client: Client) -> None:
    response = client.get("/regles/cap-inconnu/")

    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_each_reference_reads_as_the_annex_and_links_to_its_quoted_paragraph(
    client: Client,
) -> None:
    """Issue 13 §10: « Annexe BTS CIEL, §3 », not ``003_f06874f93b6cc55f.txt §3``, with the
    paragraph's text quoted on the same page."""
    from milieu.rules.references import paragraph_text

    html = client.get("/regles/bts-ciel/").content.decode()
    assert '<a href="/regles/bts-ciel/#paragraphe-3"' in html
    assert "Annexe BTS CIEL, §3</a>" in html
    assert 'id="paragraphe-3"' in html
    quoted = paragraph_text("003_f06874f93b6cc55f.txt", "§3")
    assert "Aménagement de la durée du stage" in quoted
    assert "Aménagement de la durée du stage" in html
