from __future__ import annotations

from typing import Any

from django import forms

from milieu.conventions.models import ConventionPeriod
from milieu.people.models import User


class PeriodChoiceField(forms.ModelChoiceField[ConventionPeriod]):
    def label_from_instance(self, obj: ConventionPeriod) -> str:
        return f"Période {obj}"


class PlanVisitForm(forms.Form):
    period = PeriodChoiceField(
        label="Période de stage",
        help_text="La visite a lieu pendant la période choisie.",
        queryset=ConventionPeriod.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez une période en vigueur de la convention."},
    )
    teacher = forms.ModelChoiceField(
        label="Enseignant qui se rend en entreprise",
        queryset=User.objects.none(),
        empty_label=None,
    )
    planned_at = forms.DateTimeField(
        label="Date et heure de la visite",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )

    def __init__(
        self,
        *args: Any,
        teachers: list[User],
        periods: list[ConventionPeriod],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["teacher"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[t.pk for t in teachers])
        period_field = self.fields["period"]
        assert isinstance(period_field, forms.ModelChoiceField)
        period_field.queryset = ConventionPeriod.objects.filter(
            pk__in=[p.pk for p in periods]
        ).order_by("start", "pk")


class VisitReportForm(forms.Form):
    seen = forms.CharField(label="Ce qui a été observé", widget=forms.Textarea(attrs={"rows": 4}))
    difficulties = forms.CharField(
        label="Difficultés rencontrées", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    actions = forms.CharField(
        label="Actions décidées", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CancelVisitForm(forms.Form):
    reason = forms.CharField(
        label="Motif de l'annulation", widget=forms.Textarea(attrs={"rows": 2})
    )


class CalendarFeedForm(forms.Form):
    confirmation = forms.BooleanField(
        label="Je crée une nouvelle adresse secrète ; l’adresse précédente, s’il y en a une, "
        "cessera aussitôt de fonctionner.",
        help_text="Toute personne qui connaît cette adresse voit vos visites : ne la partagez pas.",
        error_messages={"required": "Cochez la case pour confirmer la création de l’adresse."},
    )
