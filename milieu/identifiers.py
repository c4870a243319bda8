"""French identifiers: UAI (school), INE (student), SIRET/SIREN (host), NAF (activity).

Pure functions, each with a French message for the form that refuses a value.
"""

from __future__ import annotations

import re

from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_UAI = re.compile(r"^(\d{7})([A-Z])$")
_INE = re.compile(r"^(\d{9}[A-Z]{2}|\d{10}[A-Z]|\d{4}A\d{5}[A-Z])$")
_NAF = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")


def normalise(value: str) -> str:
    return "".join(value.split()).upper()


def uai_error(value: str) -> str | None:
    """None when `value` is a valid UAI (7 digits and the check letter), else why not."""
    match = _UAI.match(normalise(value))
    if not match:
        return "Le code UAI compte 7 chiffres suivis d'une lettre (ex. 0751234J)."
    expected = UAI_LETTERS[int(match.group(1)) % 23]
    if match.group(2) != expected:
        return f"La lettre de contrôle de ce code UAI devrait être {expected}."
    return None


def ine_error(value: str) -> str | None:
    if not _INE.match(normalise(value)):
        return (
            "L'INE compte 11 caractères : 9 chiffres et 2 lettres, 10 chiffres et 1 lettre, "
            "ou, pour un apprenti, 4 chiffres, « A », 5 chiffres et 1 lettre."
        )
    return None


def siret_error(value: str) -> str | None:
    compact = "".join(value.split())
    if not compact.isdigit() or len(compact) != 14:
        return "Le SIRET compte 14 chiffres."
    if not stdnum_siret.is_valid(compact):
        return "Ce SIRET n'est pas valide (clé de contrôle erronée)."
    return None


def siren_of(siret: str) -> str:
    return siret[:9]


def siren_error(value: str) -> str | None:
    compact = "".join(value.split())
    if not compact.isdigit() or len(compact) != 9 or not stdnum_siren.is_valid(compact):
        return "Ce SIREN n'est pas valide (9 chiffres avec clé de contrôle)."
    return None


def naf_normalised(value: str) -> str | None:
    """ "6202a" or "62.02A" -> "62.02A"; None when it is not a NAF/APE code."""
    match = _NAF.match(normalise(value))
    if not match:
        return None
    return f"{match.group(1)}.{match.group(2)}{match.group(3)}"
