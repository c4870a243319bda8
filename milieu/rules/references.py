"""References people can read: « Annexe BTS CIEL, §3 » instead of ``003_f0….txt §3``, the text
of the cited paragraph quoted from the seed, and a French label for each finding code.

The verdict keeps its ``ref`` (seed file and paragraph) and its ``code`` as the contract says
(JSON exports, the API, the command line); pages show what this module gives. The seed texts
ship beside the catalogue (``seeds/``), as the regulation the catalogue cites. Pure Python.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from milieu.rules.catalogue import get_catalogue

SEEDS_DIR = Path(__file__).with_name("seeds")

# A short French label per finding code (contract v1 and v1.1); the message says the details.
FINDING_LABELS: dict[str, str] = {
    "DURATION_BELOW_MINIMUM": "Durée de stage insuffisante",
    "DURATION_ABOVE_MAXIMUM": "Durée de stage supérieure au maximum",
    "PERIODS_OVERLAP": "Périodes qui se chevauchent",
    "FIRST_YEAR_BLOCK_MISSING": "Bloc de première année manquant",
    "SUMMER_REST_NOT_RESPECTED": "Repos estival non respecté",
    "PHASES_NOT_AS_RECOMMENDED": "Phases différentes de celles préconisées",
    "CONVENTION_MISSING": "Convention manquante",
    "CERTIFICATE_MISSING": "Attestation de stage manquante",
    "APPRENTICESHIP_EVIDENCE_MISSING": "Justificatif d'apprentissage manquant",
    "WORK_CERTIFICATES_MISSING": "Certificats de travail manquants",
    "WORK_EXPERIENCE_INSUFFICIENT": "Expérience professionnelle insuffisante",
    "DEROGATION_NOT_BY_RECTEUR": "Dérogation non décidée par le recteur",
    "REDUCTION_BELOW_FLOOR": "Réduction sous le plancher",
    "STAGE_DISPENSED": "Stage dispensé",
    "PARTIAL_STAGE_AUTHORISED": "Stage partiel autorisé par le recteur",
    "TRAINING_CONTRACT_MISSING": "Contrat individuel de formation manquant",
    "BILAN_MISSING": "Bilan individuel manquant",
    "EVALUATION_MISSING": "Appréciation du stage manquante",
    "REPORT_MISSING": "Rapport non déposé",
    "REPORT_LATE": "Rapport déposé en retard",
    "REPORT_TOO_LONG": "Rapport trop long",
    "REPORT_SECTION_MISSING": "Partie du rapport manquante",
    "REPORT_SECTION_LENGTH": "Longueur d'une partie du rapport",
    "REPORT_ENGLISH_DOCUMENTS": "Documents en anglais",
    "REPORT_FORMAT_TOO_LARGE": "Format de page trop grand",
    "REPORT_NOT_ENDORSED": "Rapport non visé par l'organisme d'accueil",
    "PERIOD_NOT_FINISHED": "Période non terminée",
    "SPECIAL_CONTRACT_NOT_CONFIRMED": "Contrat de type particulier non confirmé",
    "DEROGATION_REASON_NOT_APPLICABLE": "Motif de dérogation inapplicable",
    "PERIODS_NOT_SPREAD": "Stage non réparti sur les deux années",
    "CONVENTION_SIGNED_LATE": "Convention signée après le début du stage",
}


def finding_label(code: str) -> str:
    """The French label of a finding code (the code itself when it has none)."""
    return FINDING_LABELS.get(code, code)


@dataclass(frozen=True, slots=True)
class Reference:
    """A verdict's ``ref`` understood: which diploma's annex, which paragraph."""

    diploma_id: str
    label: str  # « Annexe BTS CIEL, §3 »
    paragraph: str  # « §3 »


def read_reference(ref: str) -> Reference | None:
    """``"003_f06874f93b6cc55f.txt §3"`` → the diploma whose seed it is and a readable label;
    None for a reference no diploma of the catalogue cites."""
    seed, _, paragraph = ref.strip().partition(" ")
    if not paragraph:
        return None
    for diploma in get_catalogue().diplomas.values():
        if diploma.seed == seed:
            short = diploma.short[:1].upper() + diploma.short[1:]
            return Reference(diploma.id, f"{short}, {paragraph}", paragraph)
    return None


# --- the paragraphs of a seed -------------------------------------------------------------------

# Headings as the five annexes write them: « 2.1.3. Rapport… », « 2.1 Voie scolaire »,
# « 1 - Candidats… », « 2°/ Candidats… », « B. - Modalités », « a) candidat… ».
_DOTTED = re.compile(r"^\s*(\d+(?:\.\d+)+)\.?\s+\S")
_NUMBER = re.compile(r"^\s*(\d+)\s*(?:\.|°/|-)\s+\S")
_LETTER = re.compile(r"^\s*([A-H])\s*\.\s*(?:-\s*)?\S")
_SUBLETTER = re.compile(r"^\s*([a-h])[).]\s+\S")


@dataclass(frozen=True, slots=True)
class _Heading:
    line: int
    path: tuple[str, ...]  # ("B", "3", "a") for §B.3.a


def _headings(lines: list[str]) -> list[_Heading]:
    found: list[_Heading] = []
    letter: str | None = None
    number: tuple[str, ...] = ()
    for index, line in enumerate(lines):
        if match := _DOTTED.match(line):
            parts = tuple(match.group(1).split("."))
            if parts[0] == "V":  # « V.2. Stage… », the framework's own numbering
                continue
            number = parts
            found.append(_Heading(index, ((letter,) if letter else ()) + parts))
        elif match := _NUMBER.match(line):
            number = (match.group(1),)
            found.append(_Heading(index, ((letter,) if letter else ()) + number))
        elif match := _LETTER.match(line):
            letter, number = match.group(1), ()
            found.append(_Heading(index, (letter,)))
        elif (match := _SUBLETTER.match(line)) and number:
            found.append(
                _Heading(index, ((letter,) if letter else ()) + number[:1] + (match.group(1),))
            )
    return found


def paragraph_key(paragraph: str) -> tuple[str, ...]:
    """« §B.3.b » → ("B", "3", "b")."""
    return tuple(part for part in paragraph.lstrip("§").strip().split(".") if part)


@functools.cache
def _seed_lines(seed: str) -> tuple[str, ...]:
    path = SEEDS_DIR / seed
    if path.parent != SEEDS_DIR or not path.is_file():
        return ()
    return tuple(path.read_text(encoding="utf-8").splitlines())


@functools.cache
def paragraph_text(seed: str, paragraph: str) -> str:
    """The text of one paragraph of a seed, as the annex writes it (OCR'd typos included), up to
    the next heading of the same or a higher level; « §préambule » is what comes before the first
    heading. Empty when the seed or the paragraph is unknown."""
    lines = list(_seed_lines(seed))
    if not lines:
        return ""
    headings = _headings(lines)
    key = paragraph_key(paragraph)
    if key == ("préambule",):
        end = headings[0].line if headings else len(lines)
        return _tidy(lines[:end])
    for position, heading in enumerate(headings):
        if heading.path != key:
            continue
        end = len(lines)
        for later in headings[position + 1 :]:
            if len(later.path) <= len(key):
                end = later.line
                break
        return _tidy(lines[heading.line : end])
    return ""


def _tidy(lines: list[str]) -> str:
    """Paragraphs separated by one blank line; no leading or trailing blank lines."""
    text = "\n".join(line.rstrip() for line in lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def cited_paragraphs(diploma_id: str) -> list[tuple[str, str]]:
    """Every paragraph a diploma's catalogue cites, in the annex's order, with its text:
    [("§1", "1. Objectifs…"), …] (the rules page quotes them)."""
    diploma = get_catalogue().diplomas.get(diploma_id)
    if diploma is None:
        return []
    cited = {rule.paragraph for rule in diploma.rules}
    cited |= {pathway.paragraph for pathway in diploma.pathways.values()}
    cited |= {
        value
        for name, value in diploma.extra.items()
        if name.endswith("_ref") and isinstance(value, str)
    }
    lines = list(_seed_lines(diploma.seed))
    order = {heading.path: heading.line for heading in _headings(lines)}

    def position(paragraph: str) -> int:
        key = paragraph_key(paragraph)
        return -1 if key == ("préambule",) else order.get(key, len(lines))

    return [
        (paragraph, paragraph_text(diploma.seed, paragraph))
        for paragraph in sorted(cited, key=position)
        if paragraph_text(diploma.seed, paragraph)
    ]


# Diplomas whose report's conformity the exam service pronounces (seed 001 §4: « le contrôle de
# conformité du rapport est effectué selon des modalités définies par les autorités
# académiques » ; la non-conformité « entraîne l'attribution de la mention "non validé" »).
CONFORMITY_PRONOUNCED: frozenset[str] = frozenset({"bts-metiers-de-la-mesure"})
