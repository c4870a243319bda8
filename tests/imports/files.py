"""Files as schools send them: CSV in several encodings and separators, XLSX built here."""

from __future__ import annotations

import io
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
