"""Sample dossiers offered on the checker page, one JSON file each beside this module.

The files are plain dossiers (contract v1.1, each with an explicit ``as_of``), so that
``milieu check milieu/checker/samples/*.json`` judges them too. Their French titles live here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SAMPLES_DIR = Path(__file__).resolve().parent

TITLES: dict[str, str] = {
    "example-ciel-compliant": "BTS CIEL — stage de 7 semaines et rapport conforme",
    "example-mm-short-and-late": "BTS Métiers de la mesure — stage trop court, rapport en retard",
    "example-ccst-halved-by-dispense": "BTS CCST — durée réduite de moitié par une dispense d’unité",
    "example-bep-apprentice-without-contract": "BEP MPMI — apprenti sans copie du contrat",
    "example-bijou-perfectionnement-old-experience": (
        "BMA bijou — perfectionnement, expérience professionnelle trop ancienne"
    ),
    "example-error-impossible-date": "BTS CCST — date impossible (dossier impossible à juger)",
    "bep-mpmi-two-phases": "BEP MPMI — stage en deux phases, comme préconisé",
    "bma-bijou-scolaire-complete": "BMA bijou — 12 semaines sur deux ans et dossier déposé",
    "bts-ccst-stage-in-progress": "BTS CCST — seconde période en cours",
    "bts-ciel-reduction-by-head": "BTS CIEL — réduction décidée par le chef d’établissement",
    "bts-ciel-special-contract": (
        "BTS CIEL — reconversion sous contrat de type particulier, une période non attestée"
    ),
    "bma-bijou-first-year-only": (
        "BMA bijou — 12 semaines toutes en première année, une convention signée en retard"
    ),
    "bts-metiers-de-la-mesure-apprentice-repeater": (
        "BTS Métiers de la mesure — apprenti redoublant, contrat prorogé et grille conservée"
    ),
}


@dataclass(frozen=True)
class Sample:
    slug: str
    title: str
    text: str

    @property
    def dossier(self) -> Any:
        return json.loads(self.text)

    @property
    def diploma(self) -> str:
        return str(self.dossier.get("diploma", ""))

    @property
    def script_id(self) -> str:
        return f"exemple-{self.slug}"


@cache
def all_samples() -> tuple[Sample, ...]:
    """Every sample, in the order of ``TITLES``."""
    return tuple(
        Sample(slug=slug, title=title, text=(SAMPLES_DIR / f"{slug}.json").read_text("utf-8"))
        for slug, title in TITLES.items()
    )


def get_sample(slug: str) -> Sample | None:
    return next((sample for sample in all_samples() if sample.slug == slug), None)
