"""Dates and hours written the French way in what people read: the signature page and the
convention's PDF (issue 13 §9) — never « 2027-05-31 » or « 35.00 h »."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client

from milieu.conventions.documents import build_snapshot
from milieu.templatetags.milieu_tags import fr_date, fr_number
from tests.conventions.conftest import draft, links_in_outbox
from tests.conventions.signing import sent
from tests.core.conftest import School


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2027, 5, 31), "31 mai 2027"),
        ("2027-05-01", "1er mai 2027"),
        ("2026-12-04T10:30:00+01:00", "4 décembre 2026"),
        ("", ""),
        (None, ""),
        ("pas une date", "pas une date"),
    ],
)
def test_fr_date(value: Any, expected: str) -> None:
    assert fr_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("35.00", "35"), (Decimal("7.50"), "7,5"), (4.25, "4,25"), (35, "35"), ("", ""), (None, "")],
)
def test_fr_number(value: Any, expected: str) -> None:
    assert fr_number(value) == expected


def test_the_pdf_says_dates_and_hours_in_french(school_a: School) -> None:
    with time_machine.travel("2026-12-04 10:00 +0100", tick=False):
        convention = draft(school_a)
        html = render_to_string(
            "conventions/pdf/convention.html", {"s": build_snapshot(convention), "final": False}
        )
    assert "du 31 mai 2027 au 9 juillet 2027" in html
    assert "établie le 4 décembre 2026" in html
    assert "2027-05-31" not in html and "2026-12-04" not in html
    assert "35 h" in html and "35.00" not in html


def test_the_signature_page_says_the_periods_in_french(school_a: School) -> None:
    sent(school_a)
    path = links_in_outbox()[0]
    page = Client().get(path).content.decode()
    assert "du 31 mai 2027 au 9 juillet 2027" in page
    assert "2027-05-31" not in page
