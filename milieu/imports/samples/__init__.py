"""Sample files for the import pages, the demo and the browser test.

`eleves-exemple.csv` is an export as a school's information system writes it (UTF-8 with BOM,
`;` separator, dates JJ/MM/AAAA) with ten students, one of them deliberately wrong: line 7
(Chloé Bernard) has the impossible birth date 31/02/2009. `eleves-exemple-corrige.csv` is the
same file corrected (28/02/2009). `organismes-exemple.csv` lists five host companies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class SampleFile:
    name: str
    kind: str
    title: str
    description: str

    @property
    def path(self) -> Path:
        return SAMPLES_DIR / self.name

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


SAMPLES: tuple[SampleFile, ...] = (
    SampleFile(
        "eleves-exemple.csv",
        "eleves",
        "Dix élèves, dont une ligne en erreur",
        "Ligne 7 (Chloé Bernard) : la date de naissance 31/02/2009 n’existe pas. Essayez « tout ou "
        "rien » (refusé), puis « seulement les lignes valides » (9 élèves importés).",
    ),
    SampleFile(
        "eleves-exemple-corrige.csv",
        "eleves",
        "Les mêmes dix élèves, corrigés",
        "La date de la ligne 7 est corrigée (28/02/2009) : après le premier import, les neuf "
        "élèves déjà importés sont reconnus par leur INE (mises à jour, aucun doublon) et Chloé "
        "Bernard est créée.",
    ),
    SampleFile(
        "organismes-exemple.csv",
        "organismes",
        "Cinq organismes d’accueil",
        "Des SIRET valides, des codes NAF et des effectifs : un second dépôt met à jour au lieu "
        "de créer des doublons.",
    ),
)


def samples_for(kind: str) -> list[SampleFile]:
    return [sample for sample in SAMPLES if sample.kind == kind]


def get_sample(name: str) -> SampleFile | None:
    return next((sample for sample in SAMPLES if sample.name == name), None)
