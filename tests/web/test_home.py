from __future__ import annotations

from django.test import Client


def test_home_presents_milieu_and_links_to_its_pages(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "République<br>Française" in html
    assert "Milieu" in html
    assert 'href="/dossiers/verifier/"' in html
    assert 'href="/regles/"' in html
    assert 'href="/api/v1/docs"' in html
    assert 'aria-current="page">Accueil' in html


def test_an_unknown_page_is_a_french_404(client: Client) -> None:
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()
