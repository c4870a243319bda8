from __future__ import annotations

from typing import Any

from django import forms

from milieu.audit.enums import AuditAction
from milieu.establishments.forms import DateInput


class JournalFilterForm(forms.Form):
    """The journal's filters (all optional): an action, a date range, who acted."""

    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Toutes les actions"), *AuditAction.choices],
        error_messages={"invalid_choice": "Choisissez une action de la liste."},
    )
    du = forms.DateField(
        label="Du",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Indiquez une date valide (jj/mm/aaaa)."},
    )
    au = forms.DateField(
        label="Au",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Indiquez une date valide (jj/mm/aaaa)."},
    )
    auteur = forms.CharField(
        label="Auteur",
        required=False,
        max_length=100,
        help_text="Adresse électronique ou nom, même partiel.",
        error_messages={"max_length": "100 caractères au plus."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("du"), data.get("au")
        if start and end and end < start:
            self.add_error("au", "La date de fin précède la date de début.")
        return data
