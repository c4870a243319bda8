"""What every page's DSFR layout needs, without a database query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class SiteConfig:
    """The fields of ``dsfr.models.DsfrConfig`` that the DSFR templates read."""

    site_title: str = "Milieu"
    site_tagline: str = "Les stages des diplômes professionnels, selon leur réglementation"
    header_brand: str = "République française"
    header_brand_html: str = "République<br>Française"
    footer_brand: str = "République française"
    footer_brand_html: str = "République<br>Française"
    footer_description: str = (
        "Milieu vérifie les dossiers de stage (PFMP) des candidats aux diplômes professionnels "
        "au regard des textes qui les régissent."
    )
    beta_tag: bool = True
    mourning: bool = False
    notice_title: str = ""
    notice_description: str = ""
    operator_logo_file: None = None
    operator_logo_alt: str = ""


SITE_CONFIG = SiteConfig()

SKIPLINKS = [
    {"link": "#content", "label": "Contenu"},
    {"link": "#fr-navigation", "label": "Menu"},
    {"link": "#footer", "label": "Pied de page"},
]


def site(request: HttpRequest) -> dict[str, Any]:
    return {"SITE_CONFIG": SITE_CONFIG, "skiplinks": SKIPLINKS}
