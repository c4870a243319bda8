from __future__ import annotations

from typing import Any

from django import forms

from milieu.contracts.enums import SpecialContractKind
from milieu.establishments.forms import DateInput
from milieu.validators import validate_name

_DATE_ERRORS = {"required": "Indiquez la date.", "invalid": "Saisissez une date valide."}


class SpecialContractForm(forms.Form):
    kind = forms.ChoiceField(
        label="Nature du contrat",
        choices=[("", "Choisissez la nature du contrat"), *SpecialContractKind.choices],
        error_messages={
            "required": "Choisissez la nature du contrat.",
            "invalid_choice": "Choisissez la nature du contrat.",
        },
    )
    employer = forms.CharField(
        label="Employeur",
        max_length=200,
        validators=[validate_name],
        error_messages={"required": "Indiquez l'employeur."},
    )
    siret = forms.CharField(
        label="SIRET de l'employeur",
        max_length=20,
        help_text="14 chiffres.",
        error_messages={"required": "Indiquez le SIRET de l'employeur."},
    )
    start = forms.DateField(
        label="Début du contrat", widget=DateInput(), error_messages=_DATE_ERRORS
    )
    end = forms.DateField(label="Fin du contrat", widget=DateInput(), error_messages=_DATE_ERRORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "contrat")
        super().__init__(*args, **kwargs)
