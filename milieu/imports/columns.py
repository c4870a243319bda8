"""Columns an import expects, recognised by their titles whatever their case, accents or spaces.

Also the small cell readers the importers share (dates, lengths), each returning French messages
that name the column and quote the value, so that a secretary can find and fix the cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from milieu.imports.reading import UnreadableFile, header_key


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    """The French title shown to users (and used in the sample files)."""
    required: bool
    aliases: tuple[str, ...]
    """Other titles found in exports, compared through `header_key`."""
    max_length: int | None = None
    help: str = ""

    def matches(self, title: str) -> bool:
        key = header_key(title)
        return key == header_key(self.label) or key in {header_key(a) for a in self.aliases}


@dataclass(frozen=True)
class ColumnMap:
    positions: dict[str, int]
    """column key → index in the row"""
    ignored: list[str]
    """titles of the file's columns that no expected column matches"""

    def cells(self, row: Sequence[str]) -> dict[str, str]:
        return {key: row[i] if i < len(row) else "" for key, i in self.positions.items()}


def _quoted(labels: Sequence[str]) -> str:
    return ", ".join(f"« {label} »" for label in labels)


def match_columns(headers: Sequence[str], columns: Sequence[Column]) -> ColumnMap:
    """Which column of the file holds which expected column; `UnreadableFile` naming the
    missing required columns, or a column found twice."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(headers):
        if not title.strip():
            continue
        column = next((c for c in columns if c.matches(title)), None)
        if column is None:
            ignored.append(title.strip())
            continue
        if column.key in positions:
            first = headers[positions[column.key]].strip()
            raise UnreadableFile(
                f"La colonne « {column.label} » apparaît deux fois (« {first} » en colonne "
                f"{positions[column.key] + 1} et « {title.strip()} » en colonne {index + 1}) : "
                "gardez-en une seule."
            )
        positions[column.key] = index
    missing = [c.label for c in columns if c.required and c.key not in positions]
    if missing:
        plural = len(missing) > 1
        found = [title.strip() for title in headers if title.strip()]
        message = (
            f"Colonne{'s' if plural else ''} obligatoire{'s' if plural else ''} "
            f"absente{'s' if plural else ''} : {_quoted(missing)}. "
            "La première ligne du fichier doit donner le titre de chaque colonne"
        )
        message += f" ; titres trouvés : {_quoted(found)}." if found else "."
        raise UnreadableFile(message)
    return ColumnMap(positions=positions, ignored=ignored)


def required_labels(columns: Sequence[Column]) -> list[str]:
    return [c.label for c in columns if c.required]


# --- cells -------------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")


def parse_date(text: str, label: str, *, today: date) -> tuple[date | None, str | None]:
    """A date written JJ/MM/AAAA (also with - or .) or AAAA-MM-JJ; (date, None) or (None, why)."""
    value = text.strip()
    match = _DMY.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _YMD.match(value)
        if not match:
            return None, (
                f"{label} « {value} » : écrivez la date sous la forme JJ/MM/AAAA "
                "(ex. 02/05/2008) ou AAAA-MM-JJ."
            )
        year, month, day = (int(part) for part in match.groups())
    try:
        parsed = date(year, month, day)
    except ValueError:
        return None, f"{label} « {value} » : cette date n’existe pas."
    if parsed > today:
        return None, f"{label} « {value} » : cette date est dans le futur."
    if parsed.year < 1900:
        return None, f"{label} « {value} » : cette date est invraisemblable."
    return parsed, None


def too_long(column: Column, value: str) -> str | None:
    if column.max_length is not None and len(value) > column.max_length:
        return (
            f"{column.label} : {len(value)} caractères, au plus {column.max_length} sont acceptés."
        )
    return None


def one_line(value: str) -> str:
    """Spaces and line breaks inside a cell collapsed to single spaces."""
    return " ".join(value.split())
