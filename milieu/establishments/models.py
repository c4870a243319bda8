"""Académies, establishments (schools, CFAs), cohorts and the PFMP windows of each cohort."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from milieu.establishments.enums import EstablishmentKind, HolidayZone
from milieu.identifiers import normalise, uai_error
from milieu.rules import get_catalogue


def validate_uai(value: str) -> None:
    error = uai_error(value)
    if error:
        raise ValidationError(error)


def validate_diploma(value: str) -> None:
    if get_catalogue().get(value) is None:
        raise ValidationError(f"« {value} » n'est pas un diplôme du catalogue.")


def diploma_choices() -> list[tuple[str, str]]:
    catalogue = get_catalogue()
    return [(i, catalogue.diplomas[i].title) for i in catalogue.ids()]


class Academie(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    holiday_zone = models.CharField(
        "zone de vacances scolaires", max_length=1, choices=HolidayZone.choices
    )

    class Meta:
        verbose_name = "académie"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"Académie de {self.name}"


class Establishment(models.Model):
    uai = models.CharField("code UAI", max_length=8, unique=True, validators=[validate_uai])
    name = models.CharField("nom", max_length=200)
    kind = models.CharField(
        "type",
        max_length=32,
        choices=EstablishmentKind.choices,
        default=EstablishmentKind.LYCEE_PRO,
    )
    academie = models.ForeignKey(
        Academie, on_delete=models.PROTECT, related_name="establishments", verbose_name="académie"
    )
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    # issue 13 §17: the four eyes and the students' drafts, per establishment
    single_person_validation = models.BooleanField(
        "validation par une seule personne",
        default=False,
        help_text=(
            "Pour les très petites équipes : l'enseignant qui soumet une convention peut aussi "
            "la valider pour l'équipe pédagogique."
        ),
    )
    students_draft_conventions = models.BooleanField(
        "les élèves rédigent leur convention",
        default=False,
        help_text=("Les élèves peuvent créer eux-mêmes le brouillon de leur convention de stage."),
    )

    class Meta:
        verbose_name = "établissement"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.uai = normalise(self.uai)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def department(self) -> str:
        """The département from the postal code ("67" for Strasbourg), for local public holidays."""
        code = self.postal_code
        if code.startswith("20"):
            return "2A" if code < "20200" else "2B"
        if code.startswith("97"):
            return code[:3]
        return code[:2]


class Cohort(models.Model):
    """A promotion: the students of one diploma who start together and sit one exam session."""

    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.CASCADE,
        related_name="cohorts",
        verbose_name="établissement",
    )
    name = models.CharField("nom", max_length=100, help_text="Par exemple « BTS CIEL 1re année ».")
    diploma = models.CharField("diplôme", max_length=64, validators=[validate_diploma])
    school_year = models.PositiveSmallIntegerField(
        "année scolaire (première année)", help_text="2026 pour 2026-2027."
    )
    training_start = models.DateField("début de la formation")
    session = models.PositiveSmallIntegerField("session d'examen")
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="taught_cohorts",
        verbose_name="enseignants responsables",
    )
    # Optimistic locking (`milieu.editlock`): each full save is a new version.
    version = models.PositiveIntegerField("version", default=1, editable=False)

    class Meta:
        verbose_name = "promotion"
        ordering = ["-school_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "name", "school_year"],
                name="cohort_unique_name_per_year",
                violation_error_message="Une promotion porte déjà ce nom cette année dans l'établissement.",
            ),
            models.CheckConstraint(
                name="cohort_session_after_start",
                condition=Q(session__gte=F("school_year")),
                violation_error_message="La session d'examen ne peut précéder l'année de début.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year}-{self.school_year + 1})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and kwargs.get("update_fields") is None:
            self.version += 1  # a change of the whole record: a new version
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def diploma_title(self) -> str:
        diploma = get_catalogue().get(self.diploma)
        return diploma.title if diploma else self.diploma

    @property
    def catalogue_extra(self) -> Mapping[str, Any]:
        """The diploma's catalogue data beside its rules (evaluation grid, report sections,
        livret attestation…): what screens read instead of testing the diploma id."""
        diploma = get_catalogue().get(self.diploma)
        return diploma.extra if diploma is not None else {}

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"


class CohortPeriod(models.Model):
    """A PFMP window planned for a whole cohort ("PFMP 1 : du 4 janvier au 12 février")."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="periods", verbose_name="promotion"
    )
    label = models.CharField("intitulé", max_length=100)
    start = models.DateField("début")
    end = models.DateField("fin")

    class Meta:
        verbose_name = "période de PFMP de la promotion"
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                name="cohort_period_end_after_start",
                condition=Q(end__gte=F("start")),
                violation_error_message="La fin de la période précède son début.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.start:%d/%m/%Y} – {self.end:%d/%m/%Y})"

    def is_coming(self, today: date) -> bool:
        return self.end >= today
