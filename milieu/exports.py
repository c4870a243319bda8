"""Every CSV file Milieu sends: one writer, cells that a spreadsheet cannot run.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their
full-width forms, which some spreadsheets read the same way) is a formula to Excel and
LibreOffice: a student's name such as ``=HYPERLINK("http://…")`` would run on the teacher's
computer. As OWASP recommends, such a text is written after a single quote (``'=HYPERLINK…``),
which the spreadsheet shows as text. Numbers stay numbers: an `int`, `float` or `Decimal`, and a
text that is only a number (``-3``, ``+2,5``), are written as they are.

The files are those French spreadsheets open without asking: UTF-8 with a byte order mark,
``;`` between cells.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""The first characters that make a spreadsheet read a cell as a formula."""

_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?", re.ASCII)

DELIMITER = ";"
BOM = "\ufeff"


def safe_cell(value: Any) -> str | int | float | Decimal:
    """`value` as a CSV cell that no spreadsheet reads as a formula (None is an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """The file's text (with its byte order mark): `header`, then `rows`, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return BOM + buffer.getvalue()


def csv_response(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV download of `rows` under `header`, named `filename`, never kept by a cache."""
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
