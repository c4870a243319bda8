"""The demo académie's plan: its establishments, cohorts and hosts' names, and what the
console reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from milieu.checker.samples import Sample
from milieu.establishments.enums import EstablishmentKind

ACADEMIE_NAME = "Strasbourg (démonstration)"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


@dataclass(frozen=True)
class DemoSummary:
    samples: tuple[Sample, ...]
    accounts: tuple[DemoAccount, ...] = field(default=())
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CohortPlan:
    name: str
    diploma: str
    school_year: int
    training_start: date
    session: int
    size: int
    division: str
    periods: tuple[tuple[str, date, date], ...]
    pathways: tuple[str, ...] = ("scolaire",)
    minors: bool = False


@dataclass(frozen=True)
class SchoolPlan:
    key: str
    name: str
    uai_seed: int
    kind: str
    city: str
    postal_code: str
    cohorts: tuple[CohortPlan, ...]


PLANS = (
    SchoolPlan(
        key="couffignal",
        name="Lycée professionnel Louis Couffignal",
        uai_seed=101,
        kind=EstablishmentKind.LYCEE_PRO,
        city="Strasbourg",
        postal_code="67100",
        cohorts=(
            CohortPlan(
                "BEP MPMI 1re année",
                "bep-mpmi",
                2026,
                date(2026, 9, 1),
                2028,
                56,
                "1 MPMI",
                (
                    ("Phase 1 — découverte", date(2026, 9, 28), date(2026, 10, 2)),
                    ("Phase 2 — équipe de production", date(2027, 6, 7), date(2027, 6, 18)),
                ),
                minors=True,
            ),
            CohortPlan(
                "BMA bijou 1re année",
                "bma-bijou",
                2026,
                date(2026, 9, 1),
                2028,
                34,
                "1 BMA",
                (
                    ("PFMP 1", date(2027, 1, 11), date(2027, 2, 19)),
                    ("PFMP 2", date(2028, 1, 10), date(2028, 2, 18)),
                ),
                pathways=("scolaire",) * 3 + ("apprentissage",),
                minors=True,
            ),
            CohortPlan(
                "BMA bijou — formation continue",
                "bma-bijou",
                2026,
                date(2026, 9, 14),
                2028,
                12,
                "FC BMA",
                (("PFMP 1", date(2027, 3, 1), date(2027, 4, 9)),),
                pathways=(
                    "formation-continue/reconversion",
                    "formation-continue/perfectionnement",
                    "experience-professionnelle",
                ),
            ),
        ),
    ),
    SchoolPlan(
        key="rostand",
        name="Lycée Jean Rostand",
        uai_seed=202,
        kind=EstablishmentKind.LYCEE,
        city="Strasbourg",
        postal_code="67000",
        cohorts=(
            CohortPlan(
                "BTS CIEL 1re année",
                "bts-ciel",
                2026,
                date(2026, 9, 7),
                2028,
                40,
                "BTS CIEL 1",
                (("Stage", date(2027, 5, 31), date(2027, 7, 9)),),
                pathways=("scolaire",) * 4 + ("apprentissage",),
            ),
            CohortPlan(
                "BTS CIEL 2e année",
                "bts-ciel",
                2025,
                date(2025, 9, 8),
                2027,
                30,
                "BTS CIEL 2",
                (("Stage", date(2026, 5, 26), date(2026, 7, 3)),),
                pathways=("scolaire",) * 3 + ("formation-continue/premiere-formation",),
            ),
            CohortPlan(
                "BTS Métiers de la Mesure 1re année",
                "bts-metiers-de-la-mesure",
                2026,
                date(2026, 9, 7),
                2028,
                30,
                "BTS MM 1",
                (("Stage", date(2027, 4, 19), date(2027, 7, 9)),),
                pathways=("scolaire",) * 4
                + ("apprentissage", "formation-continue/perfectionnement"),
            ),
        ),
    ),
    SchoolPlan(
        key="bloch",
        name="Lycée Marc Bloch",
        uai_seed=303,
        kind=EstablishmentKind.LYCEE,
        city="Bischheim",
        postal_code="67800",
        cohorts=(
            CohortPlan(
                "BTS CCST 1re année",
                "bts-ccst",
                2026,
                date(2026, 9, 7),
                2028,
                44,
                "BTS CCST 1",
                (
                    ("Stage 1 — bloc de première année", date(2027, 1, 4), date(2027, 2, 12)),
                    ("Stage 2", date(2027, 5, 3), date(2027, 6, 25)),
                ),
                pathways=("scolaire",) * 4 + ("apprentissage", "formation-continue/reconversion"),
            ),
            CohortPlan(
                "BTS CCST à distance",
                "bts-ccst",
                2026,
                date(2026, 9, 14),
                2028,
                24,
                "CCST CNED",
                (("Stage 1", date(2027, 2, 1), date(2027, 3, 12)),),
                pathways=(
                    "scolaire",
                    "formation-continue/premiere-formation",
                    "formation-continue/perfectionnement",
                    "experience-professionnelle",
                ),
            ),
            CohortPlan(
                "BTS CIEL 1re année (Bloch)",
                "bts-ciel",
                2026,
                date(2026, 9, 7),
                2028,
                30,
                "BTS CIEL 1B",
                (("Stage", date(2027, 6, 7), date(2027, 7, 16)),),
            ),
        ),
    ),
)

HOST_NAMES = (
    "Métrologie Rhénane",
    "Atelier Dupont",
    "Alsace Mécanique de Précision",
    "Bijouterie Kléber",
    "Orfèvrerie de l'Ill",
    "Cyber Rhin Services",
    "Réseaux & Télécoms de l'Est",
    "ÉlectroSystèmes Sarl",
    "Laboratoire d'essais Vauban",
    "Solutions Techniques du Ried",
    "Comptoir industriel alsacien",
    "Usinage Haute-Précision",
    "Joaillerie Gutenberg",
    "Numérique Strasbourg",
    "Contrôle & Mesure SAS",
)
