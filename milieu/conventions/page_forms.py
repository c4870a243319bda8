"""The smaller forms of the convention screens: the periods of a draft, a transition's comment,
a scan signed on paper."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from milieu.establishments.forms import DateInput
from milieu.filesafety import FileRefused, check_pdf

MAX_PERIODS = 6
MAX_SCAN_BYTES = 10 * 1024 * 1024


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="Début",
        widget=DateInput(),
        error_messages={"required": "Indiquez le premier jour.", "invalid": "Date invalide."},
    )
    end = forms.DateField(
        label="Fin",
        widget=DateInput(),
        error_messages={"required": "Indiquez le dernier jour.", "invalid": "Date invalide."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "La fin de la période précède son début.")
        return cleaned


class BasePeriodFormSet(forms.BaseFormSet[PeriodForm]):
    def clean(self) -> None:
        if any(self.errors):
            return
        spans = self.spans()
        if not spans:
            raise ValidationError("Indiquez au moins une période de stage.")
        for (s1, e1), (s2, e2) in pairwise(spans):
            if s2 <= e1:
                raise ValidationError(
                    f"Les périodes du {s1:%d/%m/%Y} au {e1:%d/%m/%Y} et du {s2:%d/%m/%Y} au "
                    f"{e2:%d/%m/%Y} se chevauchent."
                )

    def spans(self) -> list[tuple[date, date]]:
        found = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if self.can_delete and data.get("DELETE"):
                continue
            if data.get("start") and data.get("end"):
                found.append((data["start"], data["end"]))
        return sorted(found)


PeriodFormSet = cast(
    type[BasePeriodFormSet],
    forms.formset_factory(
        PeriodForm,
        formset=BasePeriodFormSet,
        extra=1,
        max_num=MAX_PERIODS,
        validate_max=True,
        can_delete=True,
    ),
)


class CommentForm(forms.Form):
    """The comment of a transition; required to send back or cancel."""

    comment = forms.CharField(label="Commentaire", required=False, max_length=2000)

    def __init__(self, *args: Any, required_message: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if required_message:
            field = self.fields["comment"]
            field.required = True
            field.error_messages["required"] = required_message


class PaperScanForm(forms.Form):
    """The scan of a page signed on paper: a PDF, judged by its bytes, at most 10 Mo."""

    scan = forms.FileField(
        label="Scan signé (PDF, 10 Mo au plus)",
        error_messages={
            "required": "Choisissez le fichier PDF du scan signé.",
            "empty": "Le fichier est vide.",
        },
    )

    def clean_scan(self) -> bytes:
        upload = self.cleaned_data["scan"]
        if upload.size > MAX_SCAN_BYTES:
            raise ValidationError("Le scan dépasse 10 Mo : réduisez sa résolution.")
        content = upload.read()
        if not content.startswith(b"%PDF-"):
            raise ValidationError("Le fichier n’est pas un PDF : déposez le scan au format PDF.")
        try:  # scripts, attachments, encryption, bombs: the rules of every deposited PDF
            check_pdf(content, max_bytes=MAX_SCAN_BYTES)
        except FileRefused as refused:
            raise ValidationError(refused.message) from refused
        return bytes(content)
