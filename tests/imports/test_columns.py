"""Columns recognised by their titles; dates read the French and the ISO way."""

from __future__ import annotations

from datetime import date

import pytest

from milieu.imports import host_rows, student_rows
from milieu.imports.columns import match_columns, parse_date
from milieu.imports.reading import UnreadableFile

TODAY = date(2026, 9, 1)


def test_titles_in_any_case_with_or_without_accents() -> None:
    columns = match_columns(
        ["ine ", "NOM", "prenom", "DATE NAISSANCE", "Classe", "Remarque"], student_rows.COLUMNS
    )

    assert columns.positions == {
        "ine": 0,
        "last_name": 1,
        "first_name": 2,
        "birth_date": 3,
        "division": 4,
    }
    assert columns.ignored == ["Remarque"]


def test_missing_columns_are_named() -> None:
    with pytest.raises(UnreadableFile) as refused:
        match_columns(["Nom", "Prénom", "Classe"], student_rows.COLUMNS)

    assert refused.value.message.startswith(
        "Colonnes obligatoires absentes : « INE », « Date de naissance »."
    )
    assert "titres trouvés : « Nom », « Prénom », « Classe »" in refused.value.message


def test_one_missing_column_is_singular() -> None:
    with pytest.raises(UnreadableFile) as refused:
        match_columns(["Raison sociale"], host_rows.COLUMNS)

    assert refused.value.message.startswith("Colonne obligatoire absente : « SIRET ».")


def test_a_column_found_twice_is_refused() -> None:
    with pytest.raises(UnreadableFile) as refused:
        match_columns(["INE", "Nom", "Nom de famille", "Prénom", "Né le"], student_rows.COLUMNS)

    assert "La colonne « Nom » apparaît deux fois" in refused.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02/05/2008", date(2008, 5, 2)),
        ("2/5/2008", date(2008, 5, 2)),
        ("02-05-2008", date(2008, 5, 2)),
        ("02.05.2008", date(2008, 5, 2)),
        ("2008-05-02", date(2008, 5, 2)),
        ("2008-05-02 00:00:00", date(2008, 5, 2)),
    ],
)
def test_dates_french_or_iso(text: str, expected: date) -> None:
    assert parse_date(text, "Date de naissance", today=TODAY) == (expected, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2009", "Date de naissance « 31/02/2009 » : cette date n’existe pas."),
        ("02/05/08", "écrivez la date sous la forme JJ/MM/AAAA"),
        ("mai 2008", "écrivez la date sous la forme JJ/MM/AAAA"),
        ("01/01/2030", "cette date est dans le futur."),
        ("01/01/1850", "cette date est invraisemblable."),
    ],
)
def test_impossible_dates(text: str, message: str) -> None:
    parsed, problem = parse_date(text, "Date de naissance", today=TODAY)

    assert parsed is None
    assert problem is not None and message in problem


def test_a_student_row_with_everything_wrong() -> None:
    values, errors = student_rows.check_cells(
        {"ine": "12345", "last_name": " ", "first_name": "", "birth_date": "", "email": "x@"},
        today=TODAY,
    )

    assert values == {}
    assert errors[0].startswith("INE « 12345 » : L'INE compte 11 caractères")
    assert errors[1:] == [
        "Nom manquant.",
        "Prénom manquant.",
        "Date de naissance manquante.",
        "Adresse électronique « x@ » : elle n’est pas valide.",
    ]


def test_a_student_row_is_normalised() -> None:
    values, errors = student_rows.check_cells(
        {
            "ine": " 0910000000k ",
            "last_name": "  DE   LA FONTAINE ",
            "first_name": "Jean",
            "birth_date": "14/03/2008",
            "email": "Jean@Exemple.FR",
        },
        today=TODAY,
    )

    assert errors == []
    assert values == {
        "ine": "0910000000K",
        "last_name": "DE LA FONTAINE",
        "first_name": "Jean",
        "birth_date": "2008-03-14",
        "email": "jean@exemple.fr",
    }
