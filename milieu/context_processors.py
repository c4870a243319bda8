"""What every page's DSFR layout needs, without a database query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from milieu.checker.enums import VerdictStatus
from milieu.conventions.enums import AmendmentStatus, ConventionStatus
from milieu.evidence.enums import EvidenceStatus
from milieu.exams.enums import DerogationStatus
from milieu.followup.enums import EvaluationStatus
from milieu.hosts.enums import PlacementStatus
from milieu.imports.enums import ImportStatus, RowStatus
from milieu.livret.enums import LivretStatus
from milieu.visits.enums import VisitStatus


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


def statuses(request: HttpRequest) -> dict[str, Any]:
    """Each workflow's status enum by its class name, so that a template compares a record's
    status with a member, never with a raw string:
    ``{% if convention.status == ConventionStatus.DRAFT %}``."""
    return STATUS_ENUMS


STATUS_ENUMS: dict[str, Any] = {
    enum.__name__: enum
    for enum in (
        AmendmentStatus,
        ConventionStatus,
        DerogationStatus,
        EvaluationStatus,
        EvidenceStatus,
        ImportStatus,
        LivretStatus,
        PlacementStatus,
        RowStatus,
        VerdictStatus,
        VisitStatus,
    )
}
