"""Reading a spreadsheet whatever wrote it; refusing, in French, what is not one."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl.utils import get_column_letter

from milieu.imports.reading import (
    Budget,
    Limits,
    Number,
    OverBudget,
    UnreadableFile,
    file_kind,
    header_key,
    read_table,
)
from tests.imports.files import PNG, csv_bytes, handmade_xlsx, inline_row, sheet_xml, xlsx_bytes


def test_semicolons_and_a_byte_order_mark() -> None:
    table = read_table(csv_bytes([["0910000000K", "MARTIN", "Léa", "14/03/2008", "1 A", "BTS"]]))

    assert table.headers[0] == "INE"  # the BOM is not part of the first title
    assert table.rows == [(2, ["0910000000K", "MARTIN", "Léa", "14/03/2008", "1 A", "BTS"])]
    assert table.description == "CSV, encodage UTF-8 avec BOM, séparateur point-virgule"


def test_commas_without_a_byte_order_mark() -> None:
    table = read_table(
        csv_bytes(
            [["0910000000K", "MARTIN", "Léa", "", "", '"BTS CIEL, option A"']],
            separator=",",
            encoding="utf-8",
        )
    )

    assert table.rows[0][1][5] == "BTS CIEL, option A"
    assert table.description == "CSV, encodage UTF-8, séparateur virgule"


def test_windows_1252() -> None:
    table = read_table(
        csv_bytes([["0910000000K", "LEFÈVRE", "Zoé", "", "", ""]], encoding="cp1252")
    )

    assert table.rows[0][1][1:3] == ["LEFÈVRE", "Zoé"]
    assert "Windows-1252" in table.description


def test_utf16_tab_separated_as_excel_unicode_text() -> None:
    data = csv_bytes(
        [["0910000000K", "MARTIN", "Léa", "", "", ""]], separator="\t", encoding="utf-16"
    )

    table = read_table(data)

    assert table.rows[0][1][2] == "Léa"
    assert "tabulation" in table.description


def test_line_numbers_are_those_of_the_file() -> None:
    text = 'INE;Nom\r\n\r\nA;"sur deux\r\nlignes"\r\n;\r\nB;deux\r\n'

    table = read_table(text.encode())

    assert [line for line, _ in table.rows] == [3, 6]


def test_xlsx_cells_become_text() -> None:
    from datetime import date, datetime

    data = xlsx_bytes(
        [
            ["0910000000K", "MARTIN", "Léa", datetime(2008, 3, 14), 1, 2.5],
            ["", "", "", date(2008, 1, 2), None, None],
        ]
    )

    table = read_table(data)

    assert table.rows[0] == (2, ["0910000000K", "MARTIN", "Léa", "2008-03-14", "1", "2.5"])
    assert isinstance(table.rows[0][1][4], Number)
    assert table.rows[1][1][3] == "2008-01-02"
    assert table.description == "classeur Excel (.xlsx)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"  \r\n \n", "Le fichier est vide."),
        (b"INE;Nom\r\n", "Le fichier ne contient que la ligne des titres de colonnes"),
        (PNG, "Ce fichier est une image PNG, pas un tableau"),
        (b"%PDF-1.7\n...", "Ce fichier est un document PDF"),
        (b"\x00\x01\x02binary", "Ce fichier n’est ni un fichier CSV ni un classeur Excel (.xlsx)."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "format Excel 97-2003 (.xls)"),
        (b"PK\x03\x04 not really a zip", "Ce classeur Excel n’a pas pu être lu"),
    ],
)
def test_what_cannot_be_read_is_said_in_french(data: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile) as refused:
        read_table(data)

    assert message in refused.value.message


def test_an_opendocument_spreadsheet_is_refused_with_the_way_out() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")

    with pytest.raises(UnreadableFile) as refused:
        read_table(buffer.getvalue())

    assert "OpenDocument (.ods)" in refused.value.message


def test_too_many_rows() -> None:
    with pytest.raises(UnreadableFile) as refused:
        read_table(b"INE\n" + b"A\n" * 11, max_rows=10)

    assert "au plus 10" in refused.value.message


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Date de naissance", "datedenaissance"),
        ("  DATE_DE_NAISSANCE ", "datedenaissance"),
        ("Prénom", "prenom"),
        ("N° INE", "nine"),
        ("Né(e) le", "neele"),
    ],
)
def test_header_keys_ignore_case_accents_and_spaces(title: str, key: str) -> None:
    assert header_key(title) == key


# --- bounds: what a file declares is not what is read ------------------------------------------


def numbered_rows(numbers: list[int]) -> str:
    return inline_row(1, ["INE", "Nom"]) + "".join(
        inline_row(number, [f"091000000{number % 10}K", f"NOM{number}"]) for number in numbers
    )


def test_a_workbook_ends_after_a_run_of_empty_rows_and_says_where() -> None:
    sheet = numbered_rows([2, 3, 20])  # rows 4 to 19 are empty: more than the 10 allowed

    table = read_table(handmade_xlsx(sheet_xml(sheet)), limits=Limits(max_empty_rows=10))

    assert [line for line, _ in table.rows] == [2, 3]
    assert table.notes == [
        "La lecture s’est arrêtée ligne 13 : les 10 lignes précédentes étaient vides. S’il y a "
        "des données plus bas, supprimez les lignes vides et déposez de nouveau le fichier."
    ]


def test_empty_rows_at_the_end_of_a_workbook_are_no_news() -> None:
    table = read_table(handmade_xlsx(sheet_xml(numbered_rows([2, 3]))))

    assert len(table.rows) == 2
    assert table.notes == []


def test_a_workbook_whose_rows_are_spread_over_too_many_lines_is_refused() -> None:
    limits = Limits(max_rows=5, max_empty_rows=3)  # at most 2 × 5 + 3 + 1 = 14 lines
    sheet = numbered_rows([2, 5, 8, 11, 14, 17])  # two empty lines between rows: allowed

    with pytest.raises(UnreadableFile) as refused:
        read_table(handmade_xlsx(sheet_xml(sheet)), limits=limits)

    assert refused.value.message.startswith("Le classeur compte plus de 14 lignes")


def test_a_header_wider_than_allowed_is_refused_without_reading_it_all() -> None:
    header = "".join(
        f'<c r="{get_column_letter(n)}1" t="inlineStr"><is><t>c{n}</t></is></c>'
        for n in range(1, 301)
    )
    sheet = f'<row r="1">{header}</row>' + inline_row(2, ["A"])

    with pytest.raises(UnreadableFile) as refused:
        read_table(handmade_xlsx(sheet_xml(sheet)), limits=Limits(max_columns=50))

    assert "La ligne des titres compte plus de 50 colonnes" in refused.value.message


def test_a_budget_of_zero_stops_the_reading_in_french() -> None:
    with pytest.raises(OverBudget) as over:
        read_table(csv_bytes([["0910000000K"]]), limits=Limits(budget=Budget(0)))

    assert "a dépassé la durée maximale de 1 minute" in over.value.message


def test_a_control_character_is_located_whatever_the_line_endings() -> None:
    body = "INE;Nom\r" + "".join(f"091000000{n % 10}K;NOM{n}\r" for n in range(1000))
    data = (body + "0910000000K;NOM\x01\r").encode()

    with pytest.raises(UnreadableFile) as refused:
        read_table(data)

    assert refused.value.message.startswith("Ligne 1002 : le fichier contient un caractère de")


def test_the_upload_form_looks_only_at_the_first_bytes() -> None:
    assert file_kind(csv_bytes([["x"]])) == "csv"
    assert file_kind(xlsx_bytes([["x"]])) == "xlsx"
    with pytest.raises(UnreadableFile):
        file_kind(PNG)
