from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from milieu.establishments.forms import DateInput
from milieu.establishments.models import diploma_choices
from milieu.exams.enums import DerogationKind, DerogationReason
from milieu.exams.operations import (
    COMMENT_MAX_LENGTH,
    JUSTIFICATION_MAX_LENGTH,
    RequestData,
    SessionData,
)
from milieu.exams.options import DerogationOptions, request_errors
from milieu.validators import guard_names, guard_texts, validate_text

_DATE_ERRORS = {"invalid": "Saisissez une date valide (jj/mm/aaaa)."}


class ExamSessionForm(forms.Form):
    diploma = forms.ChoiceField(
        label="Diplôme", error_messages={"required": "Choisissez le diplôme."}
    )
    session = forms.IntegerField(
        label="Session",
        min_value=2000,
        max_value=2100,
        help_text="L'année de l'examen, par exemple 2027.",
        error_messages={
            "required": "Indiquez l'année de la session.",
            "invalid": "La session est une année, par exemple 2027.",
            "min_value": "La session est une année, par exemple 2027.",
            "max_value": "La session est une année, par exemple 2027.",
        },
    )
    exam_date = forms.DateField(
        label="Date de l'examen",
        widget=DateInput(),
        error_messages={**_DATE_ERRORS, "required": "Indiquez la date de l'examen."},
    )
    report_deadline = forms.DateField(
        label="Date limite de remise du rapport ou du dossier",
        required=False,
        widget=DateInput(),
        help_text="Fixée par le rectorat ; elle s'impose aux établissements. À défaut, la date de l'examen.",
        error_messages=_DATE_ERRORS,
    )
    transmission = forms.CharField(
        label="Procédure de transmission",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Comment les établissements transmettent rapports, attestations et dossiers.",
    )
    pilot_academie = forms.CharField(
        label="Académie pilote",
        required=False,
        max_length=100,
        help_text="Seulement quand l'examen est piloté par une autre académie.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["diploma"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "— Choisir —"), *diploma_choices()]
        guard_names(self, "pilot_academie")
        guard_texts(self, "transmission")

    def data_object(self) -> SessionData:
        d = self.cleaned_data
        return SessionData(
            diploma=d["diploma"],
            session=d["session"],
            exam_date=d["exam_date"],
            report_deadline=d.get("report_deadline"),
            transmission=d.get("transmission") or "",
            pilot_academie=d.get("pilot_academie") or "",
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class WeeksField(forms.DecimalField):
    """A number of weeks: "9,5" (French) as well as "9.5" (what a number input sends)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class DerogationForm(forms.Form):
    """A request for one student: the kinds, the floor and the units come from the catalogue."""

    kind = forms.ChoiceField(
        label="Nature de la demande",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez la nature de la demande.",
            "invalid_choice": "Le référentiel ne prévoit pas cette dérogation pour ce candidat.",
        },
    )
    reason = forms.ChoiceField(
        label="Motif",
        choices=[("", "— Choisir —"), *DerogationReason.choices],
        error_messages={
            "required": "Choisissez le motif de la demande.",
            "invalid_choice": "Motif inconnu.",
        },
    )
    weeks = WeeksField(
        label="Durée de stage demandée (semaines)",
        required=False,
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
        error_messages={
            "invalid": "Indiquez un nombre de semaines, par exemple 9 ou 9,5.",
            "max_decimal_places": "Au plus une décimale, par exemple 9,5.",
            "max_digits": "Indiquez un nombre de semaines, par exemple 9 ou 9,5.",
        },
    )
    units = forms.MultipleChoiceField(
        label="Unités dispensées",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Unité inconnue pour ce diplôme."},
    )
    justification = forms.CharField(
        label="Justification",
        max_length=JUSTIFICATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="La situation du candidat et ce qui la constate : le recteur décide sur cet exposé.",
        error_messages={
            "required": "Exposez la situation du candidat : le recteur décide sur cette justification.",
            "max_length": f"La justification compte au plus {JUSTIFICATION_MAX_LENGTH} caractères.",
        },
    )
    attachments = MultipleFileField(
        label="Pièces à l'appui (PDF)",
        required=False,
        help_text="Certificat médical, décision de positionnement, attestation de VAE… Un ou plusieurs PDF.",
    )

    def __init__(self, *args: Any, options: DerogationOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        guard_texts(self, "justification")
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k, o.label) for k, o in options.kinds.items()]
        if len(options.kinds) == 1:
            kind.initial = next(iter(options.kinds))
        units = self.fields["units"]
        assert isinstance(units, forms.MultipleChoiceField)
        if options.units:
            units.choices = [(u, u) for u in options.units]
        else:
            del self.fields["units"]
        if DerogationKind.REDUCTION not in options.kinds:
            del self.fields["weeks"]
        else:
            floor = options.floor
            parts = []
            if options.normal_min is not None:
                parts.append(f"durée normale : {options.normal_min:g} semaines".replace(".", ","))
            if floor is not None and options.reduction is not None:
                parts.append(
                    f"pas moins de {floor:g} semaines ({options.cite(options.reduction)})".replace(
                        ".", ","
                    )
                )
            self.fields["weeks"].help_text = "Pour une réduction : " + " ; ".join(parts) + "."
            if floor is not None:
                self.fields["weeks"].widget.attrs["min"] = f"{floor:g}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "kind" not in data:
            return data
        errors = request_errors(
            self.options,
            kind=data["kind"],
            reason=data.get("reason") or "",
            weeks=data.get("weeks") if data["kind"] == DerogationKind.REDUCTION else None,
            units=list(data.get("units") or []) if data["kind"] == DerogationKind.DISPENSE else [],
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, message)
        return data

    def data_object(self) -> RequestData:
        d = self.cleaned_data
        weeks: Decimal | None = d.get("weeks")
        return RequestData(
            kind=d["kind"],
            reason=d["reason"],
            justification=d["justification"],
            weeks=weeks if d["kind"] == DerogationKind.REDUCTION else None,
            units=tuple(d.get("units") or ()) if d["kind"] == DerogationKind.DISPENSE else (),
        )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label="Observation ou motif",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Le texte compte au plus {COMMENT_MAX_LENGTH} caractères.",
        },
        validators=[validate_text],
    )
