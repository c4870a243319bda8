"""Files as schools send them: CSV in several encodings and separators, XLSX built here."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

HEADER = ["INE", "Nom", "Prénom", "Date de naissance", "Division", "Formation"]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


def ine(n: int) -> str:
    """A valid INE (10 digits and a letter) unlike the factories' (9 digits and AB)."""
    return f"{910_000_000_0 + n:010d}K"


def student(n: int, **changes: str) -> list[str]:
    row = {
        "ine": ine(n),
        "last_name": f"NOM{n}",
        "first_name": "Léa",
        "birth_date": "14/03/2008",
        "division": "1 CIEL A",
        "formation": "BTS CIEL",
    }
    row.update(changes)
    return list(row.values())


def csv_bytes(
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[str] = HEADER,
    separator: str = ";",
    encoding: str = "utf-8-sig",
) -> bytes:
    lines = [separator.join(header), *(separator.join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, header: Sequence[str] = HEADER) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Élèves"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload_students(
    client: Client, school: Any, data: bytes, *, name: str = "eleves.csv", cohort: Any = None
) -> Any:
    return client.post(
        reverse("imports:students", args=[school.establishment.pk]),
        {"cohort": (cohort or school.cohort).pk, "fichier": SimpleUploadedFile(name, data)},
    )


def upload_hosts(client: Client, school: Any, data: bytes, *, name: str = "organismes.csv") -> Any:
    return client.post(
        reverse("imports:hosts", args=[school.establishment.pk]),
        {"fichier": SimpleUploadedFile(name, data)},
    )


# --- hand-made workbooks, for what no spreadsheet program would write ----------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def inline_row(number: int, cells: Sequence[str]) -> str:
    """One `<row>` of inline strings (no shared strings table needed)."""
    out = []
    for index, text in enumerate(cells):
        column = chr(ord("A") + index)
        out.append(f'<c r="{column}{number}" t="inlineStr"><is><t>{text}</t></is></c>')
    return f'<row r="{number}">{"".join(out)}</row>'


def sheet_xml(rows: str, *, dimension: str = "", prologue: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prologue}'
        f'<worksheet xmlns="{SHEET_NS}">{dim}<sheetData>{rows}</sheetData></worksheet>'
    )


def handmade_xlsx(sheet: str) -> bytes:
    """A minimal workbook whose only sheet is the given XML, as a hostile sender builds it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()
