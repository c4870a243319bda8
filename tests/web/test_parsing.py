"""Reading what a user pastes: one object, an array, or JSON Lines."""

from __future__ import annotations

import pytest

from milieu.checker.checking import DossierInputError, format_detail, parse_dossiers


def test_one_object_is_one_dossier() -> None:
    assert parse_dossiers('{"id": "a"}') == [{"id": "a"}]


def test_an_array_gives_each_item() -> None:
    assert parse_dossiers('[{"id": "a"}, {"id": "b"}]') == [{"id": "a"}, {"id": "b"}]


def test_json_lines_give_each_line_and_skip_blank_ones() -> None:
    assert parse_dossiers('{"id": "a"}\n\n{"id": "b"}\n') == [{"id": "a"}, {"id": "b"}]


def test_a_byte_order_mark_is_ignored() -> None:
    assert parse_dossiers('\ufeff{"id": "a"}') == [{"id": "a"}]


def test_items_that_are_not_objects_are_left_to_the_engine() -> None:
    assert parse_dossiers("[1]") == [1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Collez un dossier"),
        ("[]", "aucun dossier"),
        ('{"id": "a",}', "Le texte n’est pas du JSON valide : un nom de champ"),
        ('{\n  "id": "a"\n  "x": 1\n}', "une virgule est attendue (ligne 3, colonne 3)"),
        ('{"id": "a"}\n{"id": }', "La ligne 2 n’est pas du JSON valide"),
        ('{"weeks": NaN}', "« NaN » n’est pas un nombre JSON"),
    ],
)
def test_unreadable_text_is_explained_in_french(text: str, message: str) -> None:
    with pytest.raises(DossierInputError) as error:
        parse_dossiers(text)

    assert message in error.value.message


def test_detail_shows_named_items_only() -> None:
    assert format_detail(["presentation", "conclusion"]) == "presentation, conclusion"
    assert format_detail([0, 1]) == ""
    assert format_detail({"weeks_completed": 3.6}) == ""
    assert format_detail(None) == ""
