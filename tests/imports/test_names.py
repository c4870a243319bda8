"""What a name may hold (milieu.validators) and what is kept of an uploaded file's own name
(milieu.storage.upload_name)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from milieu.storage import UPLOAD_NAME_MAX, upload_name
from milieu.validators import LINE_BREAK, name_problem, validate_name


@pytest.mark.parametrize(
    "name",
    ["Lefèvre", "N’Diaye", "O'Brien", "Saint-Exupéry", "de La Tour d’Auvergne", "Nguyễn", "Ørsted"],
)
def test_real_names_pass(name: str) -> None:
    assert name_problem(name) is None
    validate_name(name)


@pytest.mark.parametrize("name", ["A\nB", "A\r\nB", "A\rB", "A\x0bB", "A\x85B", "A\u2028B"])
def test_every_kind_of_line_break_is_refused(name: str) -> None:
    assert name_problem(name) == LINE_BREAK


@pytest.mark.parametrize(
    ("name", "code"),
    [("A\x00B", "U+0000"), ("A\tB", "U+0009"), ("A\x7fB", "U+007F"), ("\u202eexe.png", "U+202E")],
)
def test_control_and_bidi_characters_are_refused_with_their_code(name: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_name(name)

    assert refused.value.messages == [
        f"Un caractère invisible ({code}) n’est pas accepté ; retapez-le au clavier plutôt que "
        "de le copier-coller."
    ]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("rapport.pdf", "rapport.pdf"),
        ("C:\\Users\\eleve\\Documents\\rapport final.pdf", "rapport final.pdf"),
        ("../../etc/passwd", "passwd"),
        ("rapport\u00a0de\u2003stage.pdf", "rapport de stage.pdf"),
        ("rap\r\nport\x00.pdf", "rapport.pdf"),
        ("\u202efdp.exe", "fdp.exe"),
        ("", "fichier"),
        ("\x01\x02", "fichier"),
    ],
)
def test_an_upload_name_keeps_its_last_part_without_invisible_characters(
    sent: str, kept: str
) -> None:
    assert upload_name(sent) == kept


def test_a_long_upload_name_keeps_its_extension() -> None:
    name = upload_name("r" * 3000 + ".pdf")

    assert len(name) == UPLOAD_NAME_MAX
    assert name.endswith("r….pdf")


def test_a_long_extension_is_not_an_extension() -> None:
    name = upload_name("rapport." + "x" * 3000)

    assert len(name) == UPLOAD_NAME_MAX
    assert name.startswith("rapport.xxx")
    assert name.endswith("x…")
