"""Read an uploaded spreadsheet into header and rows of text, whatever tool wrote it.

CSV from a school's information system or from Excel: UTF-8 with or without BOM, UTF-16 (Excel's
"texte Unicode"), or Windows-1252; `;`, `,` or tab separators. XLSX through openpyxl (the first
sheet). Each row keeps the line number the user sees in their editor or in Excel, so that an
error can say where to look. Anything else is refused with a French message (`UnreadableFile`).

Pure functions over bytes: no database, no Django.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

MAX_ROWS = 20_000
"""More data rows than this is refused: cut the file (the bench imports 5,000 in seconds)."""

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)
_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"%PDF", "un document PDF"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_A_TABLE = (
    "Ce fichier n’est ni un fichier CSV ni un classeur Excel (.xlsx). Depuis votre tableur, "
    "utilisez « Enregistrer sous » et choisissez le format CSV ou Excel (.xlsx)."
)


class UnreadableFile(Exception):
    """The file as a whole cannot be imported; `message` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Number(str):
    """The text of a cell Excel stored as a number: leading zeros were lost (SIRET, postal
    codes), so the columns that expect digits may pad it back."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    """(line number in the file, cells as text)"""
    description: str = ""
    """How it was read, for the page: « CSV, UTF-8, séparateur ; »."""
    notes: list[str] = field(default_factory=list)


def header_key(text: str) -> str:
    """A column title without case, accents, spaces or punctuation: "Date de naissance" →
    "datedenaissance", "N° INE" → "nine", "Prénom " → "prenom"."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]", "", ascii_text)


def read_table(data: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    """The header and data rows of a CSV or XLSX file; `UnreadableFile` when it is not one."""
    if not data.strip():
        raise UnreadableFile("Le fichier est vide.")
    if data.startswith(_XLSX_MAGIC):
        table = _read_xlsx(data)
    elif data.startswith(_OLE_MAGIC):
        raise UnreadableFile(
            "Ce classeur est au format Excel 97-2003 (.xls), qui n’est pas pris en charge : "
            "enregistrez-le au format Excel (.xlsx) ou CSV."
        )
    else:
        table = _read_csv(data)
    if not table.headers:
        raise UnreadableFile("Le fichier est vide.")
    if not table.rows:
        raise UnreadableFile(
            "Le fichier ne contient que la ligne des titres de colonnes : aucune ligne à importer."
        )
    if len(table.rows) > max_rows:
        raise UnreadableFile(
            f"Le fichier compte {len(table.rows)} lignes ; un import en accepte au plus "
            f"{max_rows} : découpez-le en plusieurs fichiers."
        )
    return table


# --- CSV ---------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 avec BOM"
        except UnicodeDecodeError:
            raise UnreadableFile(
                "Le fichier annonce l’encodage UTF-8 mais contient des caractères invalides : "
                "enregistrez-le de nouveau en « CSV UTF-8 »."
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise UnreadableFile(_NOT_A_TABLE) from None
    for magic, what in _BINARY_MAGICS:
        if data.startswith(magic):
            raise UnreadableFile(
                f"Ce fichier est {what}, pas un tableau : déposez un fichier CSV ou Excel (.xlsx)."
            )
    if b"\x00" in data[:8192]:
        raise UnreadableFile(_NOT_A_TABLE)
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise UnreadableFile(
            "L’encodage des caractères de ce fichier n’est pas reconnu : enregistrez-le en "
            "« CSV UTF-8 » depuis votre tableur."
        ) from None


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


_SEPARATOR_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    if _CONTROL.search(text[:8192]):
        raise UnreadableFile(_NOT_A_TABLE)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    separator = _separator(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    headers: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for cells in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            values = [cell.strip() for cell in cells]
            if not any(values):
                continue
            if not headers:
                headers = values
            else:
                rows.append((line, values))
    except csv.Error as error:
        raise UnreadableFile(
            f"Ligne {reader.line_num} : le fichier CSV est mal formé ({error})."
        ) from None
    description = f"CSV, encodage {encoding}, séparateur {_SEPARATOR_NAMES[separator]}"
    return Table(headers=headers, rows=rows, description=description)


# --- XLSX --------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return Number(str(value))
    if isinstance(value, float):
        return Number(str(int(value))) if value.is_integer() else str(value)
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and "content.xml" in names:
                raise UnreadableFile(
                    "Ce classeur est au format OpenDocument (.ods), qui n’est pas pris en charge : "
                    "enregistrez-le au format Excel (.xlsx) ou CSV."
                )
            if "xl/workbook.xml" not in names:
                raise UnreadableFile(_NOT_A_TABLE)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise UnreadableFile(
            "Ce classeur Excel n’a pas pu être lu (fichier endommagé ou protégé par un mot de "
            "passe) : enregistrez-le de nouveau au format Excel (.xlsx) ou CSV."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        headers: list[str] = []
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            if not any(cells):
                continue
            if not headers:
                headers = _trim(cells)
            else:
                rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                break
    finally:
        workbook.close()
    notes = []
    if len(workbook.sheetnames) > 1:
        notes.append(f"Seule la première feuille du classeur a été lue (« {sheet.title} »).")
    return Table(headers=headers, rows=rows, description="classeur Excel (.xlsx)", notes=notes)


def _trim(cells: Sequence[str]) -> list[str]:
    """Drop the empty cells at the end of a header row (formatted but empty columns)."""
    values = list(cells)
    while values and not values[-1]:
        values.pop()
    return values
