from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from milieu.establishments.forms import DateInput
from milieu.evidence.enums import EvidenceKind
from milieu.evidence.operations import REASON_MAX_LENGTH, work_certificate_errors

_YES_NO = {"oui": True, "non": False}


def _yes_no(value: str) -> bool | None:
    return _YES_NO.get(value)


class DepositForm(forms.Form):
    """A document for one student; the choice of kinds is the student's pathway's."""

    kind = forms.ChoiceField(
        label="Nature de la pièce",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez la nature de la pièce.",
            "invalid_choice": "Cette nature de pièce n'est pas attendue pour la voie de l'élève.",
        },
    )
    file = forms.FileField(
        label="Document",
        help_text="PDF, PNG ou JPEG : un scan ou une photo lisible.",
        error_messages={
            "required": "Choisissez un fichier à déposer.",
            "empty": "Le fichier est vide.",
            "invalid": "Aucun fichier n'a été reçu : choisissez-le de nouveau.",
        },
    )
    employer = forms.CharField(label="Employeur", max_length=200, required=False)
    start = forms.DateField(
        label="Début de l'emploi",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Saisissez une date valide (jj/mm/aaaa)."},
    )
    end = forms.DateField(
        label="Fin de l'emploi",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Saisissez une date valide (jj/mm/aaaa)."},
    )
    full_time = forms.TypedChoiceField(
        label="Temps de travail",
        choices=[("oui", "Temps plein"), ("non", "Temps partiel")],
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    in_sector = forms.TypedChoiceField(
        label="Emploi dans le secteur du diplôme",
        help_text="Les activités relèvent du domaine du diplôme préparé.",
        choices=[("oui", "Oui"), ("non", "Non")],
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Commentaire",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    WORK_CERTIFICATE_FIELDS = ("employer", "start", "end", "full_time", "in_sector")

    def __init__(self, *args: Any, kinds: Sequence[EvidenceKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = tuple(kinds)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k.value, k.label) for k in self.kinds]
        if len(self.kinds) == 1:
            field.initial = self.kinds[0].value
        if EvidenceKind.WORK_CERTIFICATE not in self.kinds:
            for name in self.WORK_CERTIFICATE_FIELDS:
                del self.fields[name]

    @property
    def takes_work_certificates(self) -> bool:
        return EvidenceKind.WORK_CERTIFICATE in self.kinds

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") != EvidenceKind.WORK_CERTIFICATE:
            for name in self.WORK_CERTIFICATE_FIELDS:
                data.pop(name, None)
            return data
        errors = work_certificate_errors(
            employer=data.get("employer") or "",
            start=data.get("start"),
            end=data.get("end"),
            full_time=data.get("full_time"),
            in_sector=data.get("in_sector"),
            today=timezone.localdate(),
        )
        for name, message in errors.items():
            if name not in self.errors:  # a date that could not be read already says so
                self.add_error(name, message)
        return data


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus",
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "required": "Indiquez le motif du refus : l'élève le verra.",
            "max_length": f"Le motif du refus compte au plus {REASON_MAX_LENGTH} caractères.",
        },
    )
