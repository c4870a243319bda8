"""The avenant form: the convention as it is, prefilled; what the user changes is the avenant.

Periods come from the convention's period formset (`forms.PeriodFormSet`); the operation
`create_amendment` drops every value equal to the convention's and refuses an avenant that
changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from milieu.conventions.amendment_documents import DAY_LABELS
from milieu.conventions.calendar import WEEKDAYS
from milieu.conventions.models import Convention
from milieu.establishments.forms import DateInput
from milieu.hosts.models import HostSite, Tutor

SPANS = (1, 2)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def span_name(day: str, span: int, end: str) -> str:
    return f"horaire_{day}_{span}_{end}"


class AmendmentForm(forms.Form):
    reason = forms.CharField(
        label="Objet de l’avenant",
        help_text="Ce qui change et pourquoi ; ce texte figure dans l’avenant que les parties signent.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez l’objet de l’avenant."},
    )
    early_end = forms.DateField(
        label="Fin anticipée du stage",
        required=False,
        widget=DateInput(),
        help_text="Le dernier jour du stage s’il s’arrête avant la date prévue ; laissez vide sinon.",
        error_messages={"invalid": "Date invalide."},
    )
    site = forms.ModelChoiceField(
        label="Lieu ou service",
        queryset=HostSite.objects.none(),
        required=False,
        empty_label="— Sans changement —",
    )
    tutor = forms.ModelChoiceField(
        label="Tuteur",
        queryset=Tutor.objects.none(),
        required=False,
        empty_label="— Sans changement —",
    )
    weekly_hours = forms.DecimalField(
        label="Durée hebdomadaire (heures)",
        min_value=Decimal("0.5"),
        max_value=Decimal("48"),
        decimal_places=2,
        error_messages={
            "required": "Indiquez la durée hebdomadaire.",
            "min_value": "La durée hebdomadaire est d’au moins une demi-heure.",
            "max_value": "La durée hebdomadaire est de 48 heures au plus.",
        },
    )

    def __init__(self, *args: Any, convention: Convention, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.convention = convention
        self.fields["site"].queryset = HostSite.objects.filter(host=convention.host)  # type: ignore[attr-defined]
        self.fields["tutor"].queryset = Tutor.objects.filter(host=convention.host)  # type: ignore[attr-defined]
        self.fields["site"].initial = convention.site_id
        self.fields["tutor"].initial = convention.tutor_id
        self.fields["weekly_hours"].initial = convention.weekly_hours
        timetable = convention.timetable or {}
        for day in WEEKDAYS:
            spans = timetable.get(day, [])
            for span in SPANS:
                values = spans[span - 1] if len(spans) >= span else ["", ""]
                for index, end in enumerate(("debut", "fin")):
                    self.fields[span_name(day, span, end)] = forms.TimeField(
                        label=f"{DAY_LABELS[day]}, {'1re' if span == 1 else '2e'} plage, "
                        + ("début" if end == "debut" else "fin"),
                        required=False,
                        widget=TimeInput(),
                        initial=values[index] or None,
                        error_messages={"invalid": "Heure invalide (HH:MM)."},
                    )

    def timetable_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "day": DAY_LABELS[day],
                "spans": [
                    (self[span_name(day, span, "debut")], self[span_name(day, span, "fin")])
                    for span in SPANS
                ],
            }
            for day in WEEKDAYS
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        timetable: dict[str, list[list[str]]] = {}
        for day in WEEKDAYS:
            for span in SPANS:
                begin = cleaned.get(span_name(day, span, "debut"))
                finish = cleaned.get(span_name(day, span, "fin"))
                if begin is None and finish is None:
                    continue
                if begin is None or finish is None:
                    self.add_error(
                        span_name(day, span, "debut" if begin is None else "fin"),
                        "Indiquez le début et la fin de la plage.",
                    )
                    continue
                if finish <= begin:
                    self.add_error(
                        span_name(day, span, "fin"), "La plage finit avant de commencer."
                    )
                    continue
                timetable.setdefault(day, []).append([f"{begin:%H:%M}", f"{finish:%H:%M}"])
        if not timetable and not self.errors:
            raise ValidationError("Les horaires ne comportent aucune plage de travail.")
        cleaned["timetable"] = timetable
        return cleaned

    def amendment_fields(self, periods: list[tuple[date, date]]) -> dict[str, Any]:
        """The keyword arguments of `create_amendment` (unchanged values are dropped there)."""
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "new_periods": periods,
            "early_end": data.get("early_end"),
            "new_site": data.get("site"),
            "new_tutor": data.get("tutor"),
            "new_timetable": data["timetable"],
            "new_weekly_hours": data["weekly_hours"],
        }
