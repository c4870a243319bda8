"""The upload form: a CSV or XLSX file (and, for students, the cohort it goes into).

The form only weighs the file and looks at its first bytes (`file_kind`): reading it is the
background task's work, never the request's (a 1.6 KB workbook may declare a million rows)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat

from milieu.imports.enums import ImportKind, ImportMode
from milieu.imports.reading import UnreadableFile, file_kind

MAX_FILE_SIZE = 5 * 1024 * 1024
"""5 Mio: about 50,000 students in CSV, far more than one school."""


class UploadForm(forms.Form):
    cohort: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Promotion de destination",
        queryset=None,
        empty_label="Choisissez une promotion",
        help_text="Les élèves du fichier sont créés dans cette promotion, ou y sont déplacés.",
        error_messages={
            "required": "Choisissez la promotion dans laquelle importer les élèves.",
            "invalid_choice": "Cette promotion n’existe pas dans l’établissement.",
        },
    )
    fichier = forms.FileField(
        label="Fichier à importer",
        help_text=(
            f"Fichier CSV (séparateur ; ou ,) ou classeur Excel (.xlsx), "
            f"{filesizeformat(MAX_FILE_SIZE)} au plus."
        ),
        error_messages={
            "required": "Choisissez le fichier à importer.",
            "empty": "Le fichier est vide.",
            "invalid": "Aucun fichier n’a été reçu : choisissez-le de nouveau.",
        },
    )

    def __init__(self, *args: Any, kind: str, cohorts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.data_bytes = b""
        field = self.fields["cohort"]
        assert isinstance(field, forms.ModelChoiceField)
        if kind == ImportKind.STUDENTS:
            field.queryset = cohorts
        else:
            del self.fields["cohort"]

    def clean_fichier(self) -> Any:
        upload = self.cleaned_data["fichier"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                f"Le fichier pèse {filesizeformat(upload.size)} ; un import accepte au plus "
                f"{filesizeformat(MAX_FILE_SIZE)}. Découpez-le en plusieurs fichiers."
            )
        data = upload.read(MAX_FILE_SIZE + 1)  # the declared size may lie
        if len(data) > MAX_FILE_SIZE:
            raise forms.ValidationError(
                f"Le fichier dépasse {filesizeformat(MAX_FILE_SIZE)} : découpez-le en plusieurs "
                "fichiers."
            )
        try:
            file_kind(data)
        except UnreadableFile as error:
            raise forms.ValidationError(error.message) from None
        self.data_bytes = data
        return upload


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        choices=ImportMode.choices,
        error_messages={"required": "Choisissez comment traiter les lignes en erreur."},
    )
