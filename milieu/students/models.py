"""Students, apprentices and trainees, with their legal representatives."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from milieu.identifiers import ine_error, normalise
from milieu.students.enums import (
    ContinuingSituation,
    Pathway,
    Relation,
    RepeaterReport,
)


def validate_ine(value: str) -> None:
    error = ine_error(value)
    if error:
        raise ValidationError(error)


class StudentQuerySet(models.QuerySet["Student"]):
    def with_cohort(self) -> StudentQuerySet:
        return self.select_related("cohort", "cohort__establishment")


class Student(models.Model):
    cohort = models.ForeignKey(
        "establishments.Cohort",
        on_delete=models.PROTECT,
        related_name="students",
        verbose_name="promotion",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="student",
        verbose_name="compte",
    )
    ine = models.CharField("INE", max_length=11, unique=True, validators=[validate_ine])
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    birth_date = models.DateField("date de naissance")
    division = models.CharField("division", max_length=50, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    pathway = models.CharField(
        "voie de formation", max_length=32, choices=Pathway.choices, default=Pathway.SCOLAIRE
    )
    continuing_situation = models.CharField(
        "situation en formation continue",
        max_length=32,
        choices=ContinuingSituation.choices,
        blank=True,
    )
    distance = models.BooleanField("formation à distance", default=False)
    repeater = models.BooleanField("redoublant", default=False)
    previous_session = models.PositiveSmallIntegerField("session précédente", null=True, blank=True)
    repeater_report = models.CharField(
        "rapport du redoublant", max_length=16, choices=RepeaterReport.choices, blank=True
    )
    # The previous session's evaluation grid, an apprentice repeater's contract (001 §5, 002 §D,
    # 003 §4) and the BEP continuing-education candidate's sector experience (000 §3) are
    # documents a manager accepts (`milieu.evidence`), never a box ticked here (issue 11).
    # Optimistic locking: each full save is a new version; the edit page sends back the version
    # it showed, and `milieu.students.operations.update_student` refuses a stale one.
    version = models.PositiveIntegerField("version", default=1, editable=False)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = "élève"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                name="student_continuing_situation_iff_continuing_education",
                condition=(
                    Q(pathway=Pathway.FORMATION_CONTINUE) & ~Q(continuing_situation="")
                    | ~Q(pathway=Pathway.FORMATION_CONTINUE) & Q(continuing_situation="")
                ),
                violation_error_message=(
                    "La situation (première formation, reconversion, perfectionnement) se renseigne pour la "
                    "formation continue, et seulement pour elle."
                ),
            ),
            models.CheckConstraint(
                name="student_repeater_has_previous_session",
                condition=Q(repeater=False) | Q(previous_session__isnull=False),
                violation_error_message="Un redoublant a une session précédente.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.ine = normalise(self.ine)
        if self.pk is not None and kwargs.get("update_fields") is None:
            self.version += 1  # a change of the whole record (edit page, import): a new version
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def pathway_key(self) -> str:
        """The catalogue's key of the pathway: ``formation-continue/<situation>`` for continuing
        education, else the pathway itself (as the engine derives it from a dossier)."""
        if self.pathway == Pathway.FORMATION_CONTINUE:
            return f"formation-continue/{self.continuing_situation}"
        return str(self.pathway)

    @property
    def has_apprenticeship_documents(self) -> bool:
        """An apprentice, or a continuing-education trainee in first training or retraining: the
        apprenticeship pages (employer, maître d'apprentissage, grid, report's visa) concern them."""
        return self.pathway == Pathway.APPRENTISSAGE or self.continuing_situation in (
            ContinuingSituation.PREMIERE_FORMATION,
            ContinuingSituation.RECONVERSION,
        )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def is_minor_on(self, day: date) -> bool:
        """Minority is derived from the birth date on a given day, never stored."""
        return self.age_on(day) < 18


class LegalRepresentative(models.Model):
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="representatives", verbose_name="élève"
    )
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    relation = models.CharField("lien", max_length=16, choices=Relation.choices)
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)

    class Meta:
        verbose_name = "représentant légal"
        verbose_name_plural = "représentants légaux"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name.upper()} ({self.get_relation_display()})"
