from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from milieu.establishments.models import Cohort, CohortPeriod, Establishment, diploma_choices
from milieu.people.enums import Role
from milieu.people.models import User


def teachers_of(*establishments: Establishment) -> QuerySet[User]:
    """The accounts holding the teacher role in these establishments: who may be put in charge."""
    return (
        User.objects.filter(
            memberships__establishment__in=establishments, memberships__role=Role.TEACHER
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CohortForm(forms.ModelForm[Cohort]):
    """A cohort of one establishment: created in one the user manages, never moved afterwards.
    `version` is the cohort's version the edit page showed (optimistic locking)."""

    diploma = forms.ChoiceField(label="Diplôme")
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        error_messages={
            "required": "La version de la promotion manque : rechargez la page.",
            "invalid": "La version de la promotion est illisible : rechargez la page.",
            "min_value": "La version de la promotion est illisible : rechargez la page.",
        },
    )

    class Meta:
        model = Cohort
        fields = [
            "establishment",
            "name",
            "diploma",
            "school_year",
            "training_start",
            "session",
            "teachers",
        ]
        widgets = {
            "training_start": DateInput(),
            "teachers": forms.CheckboxSelectMultiple,
        }

    def __init__(
        self, *args: Any, establishments: list[Establishment] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        diploma = self.fields["diploma"]
        assert isinstance(diploma, forms.ChoiceField)
        diploma.choices = [("", "Choisissez un diplôme"), *diploma_choices()]
        establishment: Establishment | None
        choices = [self.instance.establishment] if self.instance.pk else (establishments or [])
        if len(choices) == 1:
            del self.fields["establishment"]
            establishment = self.instance.establishment = choices[0]
        else:
            field = self.fields["establishment"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Establishment.objects.filter(pk__in=[e.pk for e in choices])
            establishment = None
        teachers = self.fields["teachers"]
        assert isinstance(teachers, forms.ModelMultipleChoiceField)
        teachers.label = "Enseignants responsables"
        teachers.help_text = (
            "Ils voient la promotion et valident les choix d’organisme de ses élèves."
        )
        teachers.queryset = teachers_of(*([establishment] if establishment else choices))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        establishment = cleaned.get("establishment") or getattr(
            self.instance, "establishment", None
        )
        name, year = cleaned.get("name"), cleaned.get("school_year")
        session = cleaned.get("session")
        teachers = cleaned.get("teachers")
        if establishment is not None and teachers:
            allowed = set(teachers_of(establishment).values_list("pk", flat=True))
            if any(teacher.pk not in allowed for teacher in teachers):
                self.add_error(
                    "teachers", "Choisissez des enseignants de l’établissement de la promotion."
                )
        if year is not None and session is not None and session < year:
            self.add_error("session", "La session d’examen ne peut précéder l’année de début.")
        if establishment is not None and name and year is not None:
            taken = Cohort.objects.filter(establishment=establishment, name=name, school_year=year)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "name", "Une promotion porte déjà ce nom cette année dans l’établissement."
                )
        return cleaned


class CohortPeriodForm(forms.ModelForm[CohortPeriod]):
    """A PFMP window of a cohort: the end after the start, no overlap with its other windows."""

    class Meta:
        model = CohortPeriod
        fields = ["label", "start", "end"]
        widgets = {"start": DateInput(), "end": DateInput()}
        help_texts = {"label": "Par exemple « PFMP 1 »."}

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.instance.cohort = cohort

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None or end is None:
            return cleaned
        if end < start:
            self.add_error("end", "La fin de la période précède son début.")
            return cleaned
        others = CohortPeriod.objects.filter(cohort=self.cohort, start__lte=end, end__gte=start)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        clash = others.first()
        if clash is not None:
            self.add_error("start", f"Cette période chevauche « {clash} ».")
        return cleaned


class EstablishmentSettingsForm(forms.ModelForm[Establishment]):
    """The team's settings of one establishment (issue 13 §17), edited by the head or DDFPT."""

    class Meta:
        model = Establishment
        fields = ["single_person_validation", "students_draft_conventions"]
