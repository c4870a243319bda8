from __future__ import annotations

from typing import Any

from django import forms

from milieu.establishments.forms import DateInput

_DATE_ERRORS = {"required": "Indiquez la date.", "invalid": "Saisissez une date valide."}


class ApprenticeshipForm(forms.Form):
    employer = forms.CharField(
        label="Employeur", max_length=200, error_messages={"required": "Indiquez l'employeur."}
    )
    siret = forms.CharField(
        label="SIRET de l'employeur",
        max_length=20,
        help_text="14 chiffres.",
        error_messages={"required": "Indiquez le SIRET de l'employeur."},
    )
    master_name = forms.CharField(
        label="Maître d'apprentissage",
        max_length=200,
        help_text="Prénom et nom.",
        error_messages={"required": "Indiquez le nom du maître d'apprentissage."},
    )
    master_email = forms.EmailField(
        label="Adresse électronique du maître d'apprentissage",
        help_text="Le lien pour la grille d'évaluation et le visa du rapport y est envoyé.",
        error_messages={
            "required": "Indiquez l'adresse électronique du maître d'apprentissage.",
            "invalid": "Saisissez une adresse électronique valide (ex. nom@entreprise.fr).",
        },
    )
    start = forms.DateField(
        label="Début du contrat", widget=DateInput(), error_messages=_DATE_ERRORS
    )
    end = forms.DateField(label="Fin du contrat", widget=DateInput(), error_messages=_DATE_ERRORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "apprentissage")
        super().__init__(*args, **kwargs)
