"""What a name may hold, checked wherever one is typed or imported.

A person's or an organisation's name goes into e-mail subjects, PDF documents and CSV exports: a
line break there splits a header or a line, a control character breaks a document, a bidi
override (U+202E) makes "gnp.exe" read "exe.png". They are refused at input, with a French
message, by `validate_name` in the forms and by `name_problem` in the import rows.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

LINE_BREAK = "un retour à la ligne n’est pas accepté ; écrivez-le sur une seule ligne."


def name_problem(value: str) -> str | None:
    """None when `value` may be a name; else why not, in French (to follow « Nom : »)."""
    for character in value:
        if character in _LINE_BREAKS:
            return LINE_BREAK
        category = unicodedata.category(character)
        if category in ("Cc", "Cs") or character in _BIDI_CONTROLS:
            return (
                f"un caractère invisible (U+{ord(character):04X}) n’est pas accepté ; "
                "retapez-le au clavier plutôt que de le copier-coller."
            )
    return None


def validate_name(value: Any) -> None:
    """Form validator: the reason of `name_problem`, as a sentence."""
    problem = name_problem(str(value))
    if problem:
        raise ValidationError(problem[0].upper() + problem[1:], code="name_characters")


def guard_names(form: forms.BaseForm, *names: str) -> None:
    """Add `validate_name` to these fields of a form (those it has)."""
    for name in names:
        field = form.fields.get(name)
        if field is not None and validate_name not in field.validators:
            field.validators.append(validate_name)


def text_problem(value: str) -> str | None:
    """None when `value` may be a free text of several lines (a justification, observations);
    else why not, in French. Line breaks and tabs are welcome; other control characters (NUL
    among them, which PostgreSQL cannot store) and bidi overrides are not."""
    for character in value:
        if character in "\n\r\t":
            continue
        if unicodedata.category(character) in ("Cc", "Cs") or character in _BIDI_CONTROLS:
            return (
                f"un caractère invisible (U+{ord(character):04X}) n’est pas accepté ; "
                "retapez-le au clavier plutôt que de le copier-coller."
            )
    return None


def validate_text(value: Any) -> None:
    """Form validator: the reason of `text_problem`, as a sentence."""
    problem = text_problem(str(value))
    if problem:
        raise ValidationError(problem[0].upper() + problem[1:], code="text_characters")


def guard_texts(form: forms.BaseForm, *names: str) -> None:
    """Add `validate_text` to these fields of a form (those it has)."""
    for name in names:
        field = form.fields.get(name)
        if field is not None and validate_text not in field.validators:
            field.validators.append(validate_text)
