"""Read an uploaded spreadsheet into header and rows of text, whatever tool wrote it.

CSV from a school's information system or from Excel: UTF-8 with or without BOM, UTF-16 (Excel's
"texte Unicode"), or Windows-1252; `;`, `,` or tab separators. XLSX through openpyxl (the first
sheet). Each row keeps the line number the user sees in their editor or in Excel, so that an
error can say where to look. Anything else is refused with a French message (`UnreadableFile`).

The work a file may cause is bounded by `Limits`, whatever the file declares: a sheet that
announces `A1:XFD1048576` is read only as wide as its header row and only as long as it has
rows (the declared dimension is ignored), a workbook whose parts unpack to more than
`XLSX_MAX_UNPACKED` bytes or that holds a DTD (XXE, "billion laughs") is refused before openpyxl
parses it, and a `Budget` is checked at every row.

Pure functions over bytes: no database, no Django.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from time import monotonic
from typing import Any

MAX_ROWS = 20_000
"""More data rows than this is refused: cut the file (the bench imports 5,000 in seconds)."""
MAX_COLUMNS = 200
"""A header row wider than this is refused (school exports have a few dozen columns)."""
MAX_EMPTY_ROWS = 1_000
"""A sheet's data ends after this many consecutive empty rows (Excel keeps formatted ones)."""
XLSX_MAX_UNPACKED = 48 * 1024 * 1024
"""A workbook whose parts unpack to more bytes than this is refused (a "zip bomb")."""

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


class OverBudget(UnreadableFile):
    """The import took longer than its time budget; nothing was written."""


@dataclass
class Budget:
    """The time an import may take, checked at every row (`check` raises `OverBudget`)."""

    seconds: float
    started: float = field(default_factory=monotonic)

    def check(self) -> None:
        if monotonic() - self.started >= self.seconds:
            minutes = max(1, round(self.seconds / 60))
            raise OverBudget(
                f"Le traitement du fichier a dépassé la durée maximale de {minutes} minute"
                f"{'s' if minutes > 1 else ''} et a été arrêté : rien n’a été enregistré. "
                "Découpez le fichier en plusieurs fichiers plus petits et déposez-les l’un après "
                "l’autre."
            )


@dataclass(frozen=True)
class Limits:
    """How much of a file is read at most."""

    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_empty_rows: int = MAX_EMPTY_ROWS
    budget: Budget | None = None

    @property
    def max_lines(self) -> int:
        """Lines of a sheet visited at most, empty ones included: room for one empty line
        between every two rows, and for the trailing run that ends the data."""
        return 2 * self.max_rows + self.max_empty_rows + 1

    def check_time(self) -> None:
        if self.budget is not None:
            self.budget.check()


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


def file_kind(data: bytes) -> str:
    """ "csv" or "xlsx" from the first bytes and, for a workbook, its table of contents; an
    `UnreadableFile` for what is plainly not a table. Cheap (nothing is parsed nor unpacked):
    the upload form calls it, the background task reads the file."""
    if not data.strip():
        raise UnreadableFile("Le fichier est vide.")
    if data.startswith(_XLSX_MAGIC):
        _inspect_archive(data, unpack=False)
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        raise UnreadableFile(
            "Ce classeur est au format Excel 97-2003 (.xls), qui n’est pas pris en charge : "
            "enregistrez-le au format Excel (.xlsx) ou CSV."
        )
    _binary_signature(data)
    return "csv"


def read_table(data: bytes, *, max_rows: int = MAX_ROWS, limits: Limits | None = None) -> Table:
    """The header and data rows of a CSV or XLSX file; `UnreadableFile` when it is not one."""
    limits = limits or Limits(max_rows=max_rows)
    table = _read_xlsx(data, limits) if file_kind(data) == "xlsx" else _read_csv(data, limits)
    if not table.headers:
        raise UnreadableFile("Le fichier est vide.")
    if len(table.headers) > limits.max_columns:
        raise UnreadableFile(
            f"La ligne des titres compte plus de {limits.max_columns} colonnes ; un import en "
            f"accepte au plus {limits.max_columns} : supprimez les colonnes inutiles."
        )
    if not table.rows:
        raise UnreadableFile(
            "Le fichier ne contient que la ligne des titres de colonnes : aucune ligne à importer."
        )
    if len(table.rows) > limits.max_rows:
        raise UnreadableFile(
            f"Le fichier compte plus de {limits.max_rows} lignes ; un import en accepte au plus "
            f"{limits.max_rows} : découpez-le en plusieurs fichiers."
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
    _binary_signature(data)
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


def _binary_signature(data: bytes) -> None:
    """Refuse images, PDF and binary files: what no text export starts with."""
    for magic, what in _BINARY_MAGICS:
        if data.startswith(magic):
            raise UnreadableFile(
                f"Ce fichier est {what}, pas un tableau : déposez un fichier CSV ou Excel (.xlsx)."
            )
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in data[:8192]:
        raise UnreadableFile(_NOT_A_TABLE)


def _line_of(text: str, position: int) -> int:
    """The line (from 1) of a character of the text, with CR LF, LF or CR line endings."""
    before = text[:position]
    return before.count("\n") + before.count("\r") - before.count("\r\n") + 1


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


_SEPARATOR_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}


def _read_csv(data: bytes, limits: Limits) -> Table:
    text, encoding = _decode(data)
    text = text.rstrip("\x1a")  # the end-of-file mark of old DOS software
    control = _CONTROL.search(text)
    if control and control.start() < 8192:
        raise UnreadableFile(_NOT_A_TABLE)
    if control:
        what = "un caractère nul" if control.group() == "\x00" else "un caractère de contrôle"
        raise UnreadableFile(
            f"Ligne {_line_of(text, control.start())} : le fichier contient {what} "
            f"(code {ord(control.group())}), qu’aucun tableur n’écrit dans un fichier CSV. Le "
            "fichier est sans doute endommagé : exportez-le de nouveau."
        )
    first = next((line for line in text.splitlines() if line.strip()), "")
    separator = _separator(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    headers: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for cells in reader:
            limits.check_time()
            line = previous_end + 1
            previous_end = reader.line_num
            values = [cell.strip() for cell in cells]
            if not any(values):
                continue
            if not headers:
                headers = _trim(values)
                if len(headers) > limits.max_columns:
                    break
            else:
                rows.append((line, values[: len(headers)]))  # no title, never read
                if len(rows) > limits.max_rows:
                    break
    except csv.Error as error:
        raise UnreadableFile(
            f"Ligne {reader.line_num} : le fichier CSV est mal formé ({_csv_problem(error)})."
        ) from None
    description = f"CSV, encodage {encoding}, séparateur {_SEPARATOR_NAMES[separator]}"
    return Table(headers=headers, rows=rows, description=description)


def _csv_problem(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return f"une cellule dépasse {csv.field_size_limit()} caractères"
    if "new-line character" in text:
        return "retour à la ligne inattendu dans une cellule"
    return "guillemets mal placés ou non refermés"


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


_DAMAGED = (
    "Ce classeur Excel n’a pas pu être lu (fichier endommagé ou protégé par un mot de "
    "passe) : enregistrez-le de nouveau au format Excel (.xlsx) ou CSV."
)
_DTD = (
    "Ce classeur contient une déclaration de type de document (DTD), qu’aucun tableur n’écrit "
    "et qui peut servir à attaquer le serveur : il est refusé. Enregistrez-le de nouveau "
    "depuis votre tableur au format Excel (.xlsx) ou CSV."
)
_DTD_MARKS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def _inspect_archive(data: bytes, *, unpack: bool) -> None:
    """Refuse, before openpyxl sees it, a workbook that is not one (.ods, any zip), that unpacks
    to more than `XLSX_MAX_UNPACKED` bytes, or (`unpack`) whose XML parts declare a DTD."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "mimetype" in names and "content.xml" in names:
                raise UnreadableFile(
                    "Ce classeur est au format OpenDocument (.ods), qui n’est pas pris en charge : "
                    "enregistrez-le au format Excel (.xlsx) ou CSV."
                )
            if "xl/workbook.xml" not in names:
                raise UnreadableFile(_NOT_A_TABLE)
            # A member never yields more than its declared size (zipfile stops there and then
            # checks the CRC), so the declared sizes bound the unpacking.
            if sum(member.file_size for member in members) > XLSX_MAX_UNPACKED:
                raise UnreadableFile(
                    "Une fois décompressé, ce classeur dépasse "
                    f"{XLSX_MAX_UNPACKED // (1024 * 1024)} Mo : enregistrez-le au format CSV ou "
                    "découpez-le en plusieurs fichiers."
                )
            if unpack:
                for member in members:
                    if _declares_dtd(archive, member):
                        raise UnreadableFile(_DTD)
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise UnreadableFile(_DAMAGED) from None
    except Exception:  # zlib and zipfile raise many kinds of errors on a damaged archive
        raise UnreadableFile(_DAMAGED) from None


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether a part holds `<!DOCTYPE` or `<!ENTITY` (UTF-8 or UTF-16), read by chunks."""
    overlap = max(len(mark) for mark in _DTD_MARKS) - 1
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(1024 * 1024):
            window = tail + chunk
            if any(mark in window for mark in _DTD_MARKS):
                return True
            tail = window[-overlap:]
    return False


def _is_empty(values: Sequence[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _read_xlsx(data: bytes, limits: Limits) -> Table:
    _inspect_archive(data, unpack=True)
    try:
        return _read_sheet(data, limits)
    except UnreadableFile:
        raise
    except Exception as error:  # openpyxl raises all kinds of errors on a malformed workbook
        raise UnreadableFile(_DTD if _refused_by_defusedxml(error) else _DAMAGED) from None


def _refused_by_defusedxml(error: BaseException | None) -> bool:
    """Whether defusedxml (openpyxl's parser) refused a DTD or an entity, maybe under the
    `ValueError` openpyxl wraps it in."""
    from defusedxml import DefusedXmlException

    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def _read_sheet(data: bytes, limits: Limits) -> Table:
    """The first sheet, read in two bounded passes: the header row (at most `max_columns` + 1
    cells wide), then the data rows, only as wide as the header; the dimension the sheet
    declares is ignored and the reading stops after `max_empty_rows` empty rows in a row."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # never trust <dimension ref="A1:XFD1048576"/>
        header_line, headers = _header_row(sheet, limits)
        rows: list[tuple[int, list[str]]] = []
        notes: list[str] = []
        if headers and len(headers) <= limits.max_columns:
            rows, notes = _data_rows(sheet, header_line, len(headers), limits)
    finally:
        workbook.close()
    if len(workbook.sheetnames) > 1:
        notes.insert(0, f"Seule la première feuille du classeur a été lue (« {sheet.title} »).")
    return Table(headers=headers, rows=rows, description="classeur Excel (.xlsx)", notes=notes)


def _header_row(sheet: Any, limits: Limits) -> tuple[int, list[str]]:
    width = limits.max_columns + 1  # one more, to tell a header too wide
    for number, values in enumerate(sheet.iter_rows(max_col=width, values_only=True), start=1):
        limits.check_time()
        if not _is_empty(values):
            return number, _trim([_cell_text(value) for value in values])
        if number >= limits.max_empty_rows:  # as many empty rows before it: no header
            break
    return 0, []


def _data_rows(
    sheet: Any, header_line: int, width: int, limits: Limits
) -> tuple[list[tuple[int, list[str]]], list[str]]:
    rows: list[tuple[int, list[str]]] = []
    notes: list[str] = []
    empty_run = 0
    source: Iterator[Sequence[Any]] = sheet.iter_rows(
        min_row=header_line + 1, max_col=width, values_only=True
    )
    for number, values in enumerate(source, start=header_line + 1):
        limits.check_time()
        if number - header_line > limits.max_lines:
            raise UnreadableFile(
                f"Le classeur compte plus de {limits.max_lines} lignes, lignes vides comprises ; "
                f"un import accepte au plus {limits.max_rows} lignes : supprimez les lignes "
                "vides ou découpez le fichier."
            )
        if _is_empty(values):
            empty_run += 1
            if empty_run >= limits.max_empty_rows:
                if next(source, None) is not None:
                    notes.append(
                        f"La lecture s’est arrêtée ligne {number} : les {limits.max_empty_rows} "
                        "lignes précédentes étaient vides. S’il y a des données plus bas, "
                        "supprimez les lignes vides et déposez de nouveau le fichier."
                    )
                break
            continue
        empty_run = 0
        cells = [_cell_text(value) for value in values]
        if not any(cells):
            continue
        rows.append((number, cells))
        if len(rows) > limits.max_rows:
            break
    return rows, notes


def _trim(cells: Sequence[str]) -> list[str]:
    """Drop the empty cells at the end of a header row (formatted but empty columns)."""
    values = list(cells)
    while values and not values[-1]:
        values.pop()
    return values
