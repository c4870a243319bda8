"""The forms of a convention draft: its parties, periods, timetable, annexes.

The annexe pédagogique follows what the diploma's catalogue entry offers (`extra`): competencies
and activities of the référentiel to tick, items that each get a text, the items of an individual
training contract to show. No diploma id is ever named here.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone

from milieu.conventions.calendar import DAY_LABELS, WEEKDAYS
from milieu.conventions.form_parts import AnnexFields, TimetableFields
from milieu.conventions.models import Convention
from milieu.conventions.page_forms import (  # also imported from here by the avenant views
    BasePeriodFormSet,
    CommentForm,
    PaperScanForm,
    PeriodForm,
    PeriodFormSet,
)
from milieu.establishments.forms import DateInput, teachers_of
from milieu.hosts.models import Host, HostSite, Tutor
from milieu.http import parse_id
from milieu.people.models import User
from milieu.students.models import Student
from milieu.validators import guard_names

__all__ = [
    "DAY_LABELS",
    "BasePeriodFormSet",
    "CommentForm",
    "ConventionForm",
    "PaperScanForm",
    "PeriodForm",
    "PeriodFormSet",
]


class ReferentChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


class TutorChoiceField(forms.ModelChoiceField[Tutor]):
    def label_from_instance(self, obj: Tutor) -> str:
        return f"{obj} — {obj.position}" if obj.position else str(obj)


class ConventionForm(TimetableFields, AnnexFields, forms.ModelForm[Convention]):
    """Everything of a draft but its periods (a formset beside it)."""

    host = forms.ModelChoiceField(
        label="Organisme d’accueil",
        queryset=Host.objects.none(),
        empty_label="Choisissez un organisme",
        error_messages={
            "required": "Choisissez l’organisme d’accueil.",
            "invalid_choice": "Choisissez un organisme de l’annuaire.",
        },
    )
    site = forms.ModelChoiceField(
        label="Lieu ou service",
        queryset=HostSite.objects.none(),
        required=False,
        empty_label="L’organisme lui-même",
        error_messages={"invalid_choice": "Choisissez un lieu de l’organisme retenu."},
    )
    tutor = TutorChoiceField(
        label="Tuteur",
        queryset=Tutor.objects.none(),
        required=False,
        empty_label="À désigner",
        error_messages={"invalid_choice": "Choisissez un tuteur de l’organisme retenu."},
    )
    referent = ReferentChoiceField(
        label="Enseignant référent",
        queryset=User.objects.none(),
        required=False,
        empty_label="À désigner (obligatoire pour l’approbation)",
        error_messages={"invalid_choice": "Choisissez un enseignant de l’établissement."},
    )
    work_days = forms.MultipleChoiceField(
        label="Jours travaillés",
        choices=[(day, DAY_LABELS[day].capitalize()) for day in WEEKDAYS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un jour travaillé."},
    )
    weekly_hours = forms.DecimalField(
        label="Durée hebdomadaire (heures)",
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        max_digits=4,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), "La durée hebdomadaire est positive."),
            MaxValueValidator(Decimal("48"), "La durée hebdomadaire est de 48 heures au plus."),
        ],
        help_text="Laissez vide pour reprendre le total des horaires ci-dessus.",
    )
    gratification_hourly = forms.DecimalField(
        label="Gratification horaire (€)",
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), "La gratification ne peut être négative.")],
        help_text="Due au-delà de deux mois (308 heures) avec le même organisme dans l’année scolaire.",
    )

    class Meta:
        model = Convention
        fields = [
            "host",
            "site",
            "tutor",
            "referent",
            "host_signatory_name",
            "host_signatory_position",
            "host_signatory_email",
            "tutor_signs",
            "work_days",
            "weekly_hours",
            "gratification_hourly",
            "objectives",
            "activities",
            "follow_up",
            "evaluation_terms",
            "accident_insurance",
            "liability_insurance",
            "foreign_law_adaptations",
            "embassy_notified_on",
            "meals",
            "lodging",
            "transport",
            "insurance_costs",
        ]
        labels = {
            "host_signatory_name": "Nom du signataire pour l’organisme",
            "host_signatory_position": "Qualité du signataire",
            "host_signatory_email": "Adresse électronique du signataire",
            "tutor_signs": "Le tuteur signe aussi la convention",
            "objectives": "Objectifs (compétences visées)",
            "activities": "Activités confiées",
            "follow_up": "Modalités de suivi par l’enseignant référent",
            "evaluation_terms": "Modalités d’appréciation du stagiaire",
            "accident_insurance": "Couverture des accidents du travail",
            "liability_insurance": "Responsabilité civile (assureur et n° de contrat)",
            "foreign_law_adaptations": "Adaptations au droit du pays d’accueil",
            "embassy_notified_on": "Avis envoyé au service culturel de l’ambassade de France le",
            "meals": "Restauration",
            "lodging": "Hébergement",
            "transport": "Transport",
            "insurance_costs": "Assurance (frais)",
        }
        help_texts = {
            "host_signatory_name": "Le représentant légal de l’organisme ou son délégué.",
            "host_signatory_email": "Le lien de signature lui sera envoyé à cette adresse.",
            "activities": "Le brouillon peut être enregistré sans elles, pas soumis à l’équipe pédagogique.",
            "accident_insurance": "Laissé vide : la mention légale (article L412-8 du code de la sécurité sociale) est imprimée.",
            "foreign_law_adaptations": "Stage à l’étranger : ce que la convention adapte au droit du pays d’accueil (protection sociale, horaires, jours fériés…).",
            "meals": "Qui prend en charge les repas, et comment.",
            "embassy_notified_on": "Stage à l’étranger : le jour où l’établissement a informé le service de coopération et d’action culturelle de l’ambassade de France du pays d’accueil. Requis avant l’approbation.",
        }
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "activities": forms.Textarea(attrs={"rows": 4}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
            "evaluation_terms": forms.Textarea(attrs={"rows": 3}),
            "accident_insurance": forms.Textarea(attrs={"rows": 2}),
            "liability_insurance": forms.Textarea(attrs={"rows": 2}),
            "foreign_law_adaptations": forms.Textarea(attrs={"rows": 3}),
            "embassy_notified_on": DateInput(),
            "meals": forms.Textarea(attrs={"rows": 2}),
            "lodging": forms.Textarea(attrs={"rows": 2}),
            "transport": forms.Textarea(attrs={"rows": 2}),
            "insurance_costs": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args: Any,
        student: Student,
        hosts: QuerySet[Host],
        tutors_readable: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.student = student
        self._day_errors: dict[str, list[str]] = {}
        self._span_errors: list[tuple[str, str]] = []
        self._set_queryset("host", hosts)
        self._set_queryset("referent", teachers_of(student.cohort.establishment))
        self.host_chosen = self._chosen_host(hosts)
        if self.host_chosen is not None:
            self._set_queryset("site", HostSite.objects.filter(host=self.host_chosen))
            tutors = Tutor.objects.filter(host=self.host_chosen)
            if not tutors_readable:
                # tutors are professional contacts a student does not browse: only the one
                # already chosen by the school stays selectable
                current = self.initial.get("tutor") or getattr(self.instance, "tutor_id", None)
                tutors = tutors.filter(pk=getattr(current, "pk", current) or 0)
            self._set_queryset("tutor", tutors)
        self._add_timetable_fields()
        self._add_annex_fields()
        # a draft may be saved without them, but the convention cannot be submitted: the label
        # says so instead of « (facultatif) »
        for name in ("activities", "tutor"):
            if name in self.fields:
                self.fields[name].needed_later = "obligatoire pour soumettre"  # type: ignore[attr-defined]
        guard_names(self, "host_signatory_name", "host_signatory_position")

    # --- host-dependent choices ---------------------------------------------------------

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def _chosen_host(self, hosts: QuerySet[Host]) -> Host | None:
        if self.is_bound:
            raw = self.data.get(self.add_prefix("host"))
        else:
            raw = self.initial.get("host") or getattr(self.instance, "host_id", None)
        host_id = parse_id(getattr(raw, "pk", raw))
        if host_id is None:
            return None
        return hosts.filter(pk=host_id).first()

    @property
    def abroad(self) -> bool:
        return self.host_chosen is not None and self.host_chosen.country != "FR"

    # --- cleaning -----------------------------------------------------------------------

    def clean_embassy_notified_on(self) -> Any:
        """The notice is sent around the stage: a year 0001 or 9999 is a typing slip."""
        day = self.cleaned_data.get("embassy_notified_on")
        if day is not None:
            today = timezone.localdate()
            first, last = (
                today.replace(year=today.year - 2, day=1),
                today.replace(year=today.year + 2, day=1),
            )
            if not first <= day <= last:
                raise forms.ValidationError(
                    f"Indiquez une date entre le {first:%d/%m/%Y} et le {last:%d/%m/%Y}."
                )
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        timetable = self._clean_timetable(cleaned)
        for name, message in self._span_errors:
            self.add_error(name, message)
        work_days = [d for d in WEEKDAYS if d in (cleaned.get("work_days") or [])]
        if "work_days" in cleaned and not self._day_errors:
            off = [DAY_LABELS[d] for d in timetable if d not in work_days]
            if off:
                self.add_error(
                    "work_days",
                    f"Des horaires sont saisis le {', le '.join(off)}, jour non coché comme travaillé.",
                )
            missing = [DAY_LABELS[d] for d in work_days if d not in timetable]
            if missing:
                self.add_error(
                    "work_days",
                    f"Indiquez les horaires du {', du '.join(missing)}, jour coché comme travaillé.",
                )
        cleaned["work_days"] = work_days
        cleaned["timetable"] = timetable
        if cleaned.get("weekly_hours") is None and not self._day_errors:
            minutes = sum(
                (e.hour * 60 + e.minute) - (s.hour * 60 + s.minute)
                for spans in timetable.values()
                for s, e in ((time.fromisoformat(a), time.fromisoformat(b)) for a, b in spans)
            )
            hours = Decimal(minutes) / 60
            if 0 < hours <= 48:
                cleaned["weekly_hours"] = hours.quantize(Decimal("0.01"))
            else:
                self.add_error(
                    "weekly_hours",
                    f"Les horaires totalisent {hours:.2f} h par semaine : indiquez une durée entre 0 et 48 heures.",
                )
        host = cleaned.get("host")
        for name in ("site", "tutor"):
            chosen = cleaned.get(name)
            if chosen is not None and host is not None and chosen.host_id != host.pk:
                self.add_error(
                    name,
                    f"Choisissez un {'lieu' if name == 'site' else 'tuteur'} de l’organisme retenu.",
                )
        if host is not None and host.country == "FR":
            cleaned["foreign_law_adaptations"] = ""
            cleaned["embassy_notified_on"] = None
        codes: list[str] = []
        for name in self.referential:
            codes += list(cleaned.get(name) or [])
        cleaned["competencies"] = codes
        cleaned["annex_items"] = {
            str(index): text
            for index, name in enumerate(self.annex_item_names)
            if (text := (cleaned.get(name) or "").strip())
        }
        return cleaned

    def convention_fields(self) -> dict[str, Any]:
        """What the operations store, from the cleaned data."""
        data = self.cleaned_data
        names = [n for n in self.Meta.fields if n != "host"]
        fields = {name: data.get(name) for name in names}
        for text in (
            "host_signatory_name",
            "host_signatory_position",
            "host_signatory_email",
            "objectives",
            "activities",
            "follow_up",
            "evaluation_terms",
            "accident_insurance",
            "liability_insurance",
            "foreign_law_adaptations",
            "meals",
            "lodging",
            "transport",
            "insurance_costs",
        ):
            fields[text] = fields[text] or ""
        fields["timetable"] = data["timetable"]
        fields["competencies"] = data["competencies"]
        fields["annex_items"] = data["annex_items"]
        return fields
