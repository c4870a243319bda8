"""Typed readers of a dossier's JSON fields, and the French error naming the wrong field.

Each reader takes the JSON object, the field's name and its JSON pointer, and returns the checked
value or raises `DossierError(pointer, message)`. A JSON ``null`` on an optional field means the
field is absent (`MISSING`). Wrong values are quoted short (`quote`), never whole.

Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

# Dates of a dossier: the sessions the engine knows (1900 onwards) to two centuries ahead. A date
# outside would make no sense for a candidate, and near the calendar's end a year 1 or a window
# would cross the last day Python can write.
FIRST_YEAR = 1900
LAST_YEAR = 2199
FIRST_DAY = date(FIRST_YEAR, 1, 1).toordinal()
LAST_DAY = date(LAST_YEAR, 12, 31).toordinal()
# Report sections, English documents, section_pages and parts entries of one dossier.
MAX_REPORT_ITEMS = 50

MISSING = object()


class DossierError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def printable(text: str) -> str:
    """`text` with any lone surrogate (``"\\ud800"`` in JSON) written as its escape, so that it can
    be encoded as UTF-8 by every door."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def quote(value: Any) -> str:
    """A short French rendering of a wrong value, whatever it is (never its whole contents)."""
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "…"
        return f"« {printable(shown)} »"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if -(10**15) < value < 10**15:
            return str(value)
        try:
            digits = len(str(abs(value)))
        except ValueError:  # beyond sys.get_int_max_str_digits()
            return "un nombre immense"
        return f"un nombre de {count_text(digits)} chiffres"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        return repr(value) if abs(value) != float("inf") else "un nombre infini"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, Mapping):
        return "un objet"
    return "une valeur"


def value_of(obj: Mapping[str, Any], name: str) -> Any:
    value = obj.get(name, MISSING)
    return MISSING if value is None else value


DATE_CACHE: dict[str, int] = {}


def read_date(value: Any, field: str, label: str) -> int:
    if type(value) is str:
        cached = DATE_CACHE.get(value)
        if cached is not None:
            return cached
    if (
        type(value) is str
        and len(value) == 10
        and value[4] == "-"
        and value[7] == "-"
        and value[:4].isdigit()
        and value[5:7].isdigit()
        and value[8:].isdigit()
    ):
        try:
            ordinal = date.fromisoformat(value).toordinal()
        except ValueError:
            raise DossierError(
                field, f"{label} : {quote(value)} n'est pas une date du calendrier"
            ) from None
        if not FIRST_DAY <= ordinal <= LAST_DAY:
            raise DossierError(
                field,
                f"{label} : {quote(value)} est hors des dates admises "
                f"(du 01/01/{FIRST_YEAR} au 31/12/{LAST_YEAR})",
            )
        if len(DATE_CACHE) > 100_000:
            DATE_CACHE.clear()
        DATE_CACHE[value] = ordinal
        return ordinal
    raise DossierError(field, f"{label} : {quote(value)} n'est pas une date AAAA-MM-JJ")


def required_date(obj: Mapping[str, Any], name: str, field: str, label: str) -> int:
    value = value_of(obj, name)
    if value is MISSING:
        raise DossierError(field, f"{label} : champ obligatoire manquant")
    return read_date(value, field, label)


def optional_date(obj: Mapping[str, Any], name: str, field: str, label: str) -> int | None:
    value = value_of(obj, name)
    return None if value is MISSING else read_date(value, field, label)


def read_bool(obj: Mapping[str, Any], name: str, field: str, default: bool = False) -> bool:
    value = value_of(obj, name)
    if value is MISSING:
        return default
    if type(value) is not bool:
        raise DossierError(field, f"{name} : {quote(value)} n'est pas un booléen (true ou false)")
    return value


def read_int(
    obj: Mapping[str, Any],
    name: str,
    field: str,
    default: int | None = None,
    minimum: int | None = 0,
) -> int:
    value = value_of(obj, name)
    if value is MISSING:
        if default is None:
            raise DossierError(field, f"{name} : champ obligatoire manquant")
        return default
    if type(value) is not int:
        raise DossierError(field, f"{name} : {quote(value)} n'est pas un nombre entier")
    if minimum is not None and value < minimum:
        raise DossierError(field, f"{name} : {quote(value)} est inférieur à {minimum}")
    return value


def read_choice(
    obj: Mapping[str, Any],
    name: str,
    field: str,
    allowed: tuple[str, ...],
    default: str | None = None,
) -> str:
    value = value_of(obj, name)
    if value is MISSING:
        if default is None:
            raise DossierError(
                field,
                f"{name} : champ obligatoire manquant (valeurs admises : {', '.join(allowed)})",
            )
        return default
    if value not in allowed or type(value) is not str:
        raise DossierError(
            field,
            f"{name} : {quote(value)} n'est pas admis (valeurs admises : {', '.join(allowed)})",
        )
    return value


def read_object(value: Any, field: str, label: str) -> Mapping[str, Any]:
    if type(value) is not dict and not isinstance(value, Mapping):
        raise DossierError(field, f"{label} : un objet JSON est attendu")
    return value


def read_array(
    obj: Mapping[str, Any], name: str, field: str, limit: int, what: str = "éléments"
) -> list[Any]:
    value = value_of(obj, name)
    if value is MISSING:
        return []
    if not isinstance(value, list):
        raise DossierError(field, f"{name} : une liste JSON est attendue")
    if len(value) > limit:
        raise DossierError(field, too_many(name, len(value), limit, what))
    return value


def too_many(name: str, count: int, limit: int, what: str) -> str:
    return f"{name} : {count_text(count)} {what}, au plus {count_text(limit)} par dossier"


def count_text(n: int) -> str:
    """12345 -> "12 345" (French thousands separator, a narrow no-break space)."""
    return f"{n:,}".replace(",", "\u202f")


def read_int_map(obj: Mapping[str, Any], name: str, field: str) -> dict[str, int]:
    value = value_of(obj, name)
    if value is MISSING:
        return {}
    mapping = read_object(value, field, name)
    if len(mapping) > MAX_REPORT_ITEMS:
        raise DossierError(field, too_many(name, len(mapping), MAX_REPORT_ITEMS, "entrées"))
    result: dict[str, int] = {}
    for key, count in mapping.items():
        if type(count) is not int or count < 0:
            raise DossierError(
                f"{field}/{pointer_token(key)}",
                f"{name}.{key} : {quote(count)} n'est pas un nombre de pages (entier positif)",
            )
        result[key] = count
    return result


def pointer_token(key: str) -> str:
    """One reference token of a JSON pointer (RFC 6901): "~" and "/" escaped."""
    return key.replace("~", "~0").replace("/", "~1")
