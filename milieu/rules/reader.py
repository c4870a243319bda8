"""Read dossiers from text: one JSON object, a JSON array of objects, or JSON Lines."""

from __future__ import annotations

import json
import sys
from typing import Any, Literal

Shape = Literal["object", "array", "lines"]


class InputError(ValueError):
    """Input that is not JSON at all: the command stops with exit code 2."""


def load_json(text: str) -> Any:
    """``json.loads`` for every door, refusing in French what is not JSON or cannot be read.

    Raises ``json.JSONDecodeError`` for a syntax error (each door words it), and ``InputError``
    with a French reason for ``NaN`` and ``Infinity`` (not JSON), an integer longer than Python
    reads (``sys.get_int_max_str_digits()``, 4,300 digits by default) and a nesting deeper than
    the interpreter's recursion allows.
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, InputError):
        raise
    except RecursionError:
        raise InputError(
            "des tableaux ou objets sont imbriqués trop profondément pour être lus"
        ) from None
    except ValueError:
        # int() refused a literal beyond sys.get_int_max_str_digits()
        raise InputError(f"un nombre entier a plus de {_digits_limit()} chiffres") from None


def _refuse_constant(name: str) -> Any:
    raise InputError(f"« {name} » n’est pas un nombre JSON")


def _digits_limit() -> str:
    limit = sys.get_int_max_str_digits() or 4300
    return f"{limit:,}".replace(",", "\u202f")


def parse_dossiers(text: str) -> tuple[Shape, list[Any]]:
    if not text.strip():
        raise InputError("entrée vide : aucun dossier JSON")
    try:
        value = load_json(text)
    except InputError as error:
        raise InputError(f"JSON invalide : {error}") from None
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
            items.append(load_json(line))
        except InputError as error:
            raise InputError(f"JSON Lines invalide ligne {number} : {error}") from None
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
