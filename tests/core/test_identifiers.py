import pytest

from milieu.identifiers import ine_error, naf_normalised, siren_error, siret_error, uai_error


@pytest.mark.parametrize("value", ["0751234J", "0751234j", " 0751234 J "])
def test_valid_uai(value: str) -> None:
    assert uai_error(value) is None


def test_uai_with_a_wrong_check_letter_names_the_right_one() -> None:
    assert uai_error("0751234K") == "La lettre de contrôle de ce code UAI devrait être J."
    assert "7 chiffres" in str(uai_error("075123J"))


@pytest.mark.parametrize("value", ["123456789AB", "1234567890A", "1234A12345B"])
def test_ine_formats(value: str) -> None:
    assert ine_error(value) is None


@pytest.mark.parametrize("value", ["12345678AB", "ABCDEFGHIJK", "1234B12345C", "123456789012"])
def test_bad_ine(value: str) -> None:
    assert ine_error(value) is not None


def test_siret_luhn_and_la_poste() -> None:
    assert siret_error("73282932000074") is None
    assert siret_error("73282932000075") == "Ce SIRET n'est pas valide (clé de contrôle erronée)."
    assert siret_error("35600000000048") is None  # La Poste: digit sum multiple of 5
    assert siret_error("7328293200007") == "Le SIRET compte 14 chiffres."
    assert siren_error("732829320") is None and siren_error("732829321") is not None


def test_naf_code_is_normalised() -> None:
    assert naf_normalised("6202a") == "62.02A"
    assert naf_normalised("62.02A") == "62.02A"
    assert naf_normalised("620A") is None
