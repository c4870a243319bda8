"""Read dossiers from text: one JSON object, a JSON array of objects, or JSON Lines."""

from __future__ import annotations

import json
from typing import Any, Literal

Shape = Literal["object", "array", "lines"]


class InputError(ValueError):
    """Input that is not JSON at all: the command stops with exit code 2."""


def parse_dossiers(text: str) -> tuple[Shape, list[Any]]:
    if not text.strip():
        raise InputError("entrée vide : aucun dossier JSON")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise InputError(
                f"JSON invalide ligne {error.lineno}, colonne {error.colno} : {_french(error.msg)}"
            ) from None
        return "lines", _json_lines(text)
    if isinstance(value, list):
        return "array", value
    return "object", [value]


def _json_lines(text: str) -> list[Any]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise InputError(
                f"JSON Lines invalide ligne {number}, colonne {error.colno} : {_french(error.msg)}"
            ) from None
    return items


_MESSAGES = {
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": "nom de champ entre guillemets attendu",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Unterminated string starting at": "chaîne non terminée",
    "Invalid control character at": "caractère de contrôle interdit",
    "Extra data": "données en trop après la fin du JSON",
}


def _french(message: str) -> str:
    return _MESSAGES.get(message, message)
