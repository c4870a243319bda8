from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from milieu.checker.checking import DossierInputError, parse_dossiers


class CheckForm(forms.Form):
    """A pasted text or an uploaded file holding one or more dossiers."""

    dossier = forms.CharField(
        label="Dossier au format JSON",
        help_text="Un objet JSON, un tableau d’objets ou des lignes JSON (un dossier par ligne).",
        required=False,
        strip=False,
        widget=forms.Textarea,
    )
    fichier = forms.FileField(
        label="Ou choisissez un fichier",
        help_text="Fichier .json ou .jsonl encodé en UTF-8.",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submitted_text: str = ""
        if self.is_bound:
            self.submitted_text = str(self.data.get("dossier", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("fichier")
        source = "dossier"
        text = cleaned.get("dossier") or ""
        if upload:
            source = "fichier"
            if upload.size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                self.add_error("fichier", "Le fichier est trop volumineux.")
                return cleaned
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("fichier", "Le fichier n’est pas un texte encodé en UTF-8.")
                return cleaned
            # The file's text replaces the pasted one, and stays in the form.
            self.submitted_text = text
        try:
            cleaned["dossiers"] = parse_dossiers(text)
        except DossierInputError as error:
            self.add_error(source, error.message)
        return cleaned
