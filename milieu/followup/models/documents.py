"""bma-bijou: the individual training contract and the individual review, per period."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from milieu.followup.models.base import display_name

# --- bma-bijou: the individual training contract and the individual review ---------------------


class PeriodDocument(models.Model):
    """A text per item, agreed by three parties: the tutor (through their link), the
    pedagogical team and the candidate. The third agreement renders the PDF and freezes it.

    `items` are the catalogue's items as they were when the row was made.
    """

    items = models.JSONField("rubriques")
    answers = models.JSONField("réponses", default=list)
    edited_by_label = models.CharField("dernière modification par", max_length=200, blank=True)
    tutor_name = models.CharField("tuteur", max_length=200, blank=True)
    tutor_signed_at = models.DateTimeField("accord du tuteur le", null=True, blank=True)
    team_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="accord de l'équipe pédagogique par",
    )
    team_signed_at = models.DateTimeField(
        "accord de l'équipe pédagogique le", null=True, blank=True
    )
    candidate_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="accord du candidat par",
    )
    candidate_signed_at = models.DateTimeField("accord du candidat le", null=True, blank=True)
    completed_at = models.DateTimeField("établi le", null=True, blank=True)
    content = models.BinaryField("PDF", null=True, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and type(self)._default_manager.filter(pk=self.pk, completed_at__isnull=False).exists()
        ):
            raise ValueError(f"Ce document ({self._meta.verbose_name}) est signé et figé.")
        if self.content:
            self.sha256 = hashlib.sha256(bytes(self.content)).hexdigest()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.completed:
            raise ValueError(f"Ce document ({self._meta.verbose_name}) est signé et figé.")
        return super().delete(*args, **kwargs)

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    @property
    def team_name(self) -> str:
        return display_name(self.team_signed_by)

    @property
    def candidate_name(self) -> str:
        return display_name(self.candidate_signed_by)

    def pairs(self) -> list[tuple[str, str]]:
        answers = list(self.answers or [])
        return [
            (label, answers[i] if i < len(answers) else "") for i, label in enumerate(self.items)
        ]

    def signatures(self) -> list[tuple[str, Any]]:
        """(party, when) for the three parties, in order; `when` is None while pending."""
        return [
            ("tuteur", self.tutor_signed_at),
            ("équipe pédagogique", self.team_signed_at),
            ("candidat", self.candidate_signed_at),
        ]


class TrainingContract(PeriodDocument):
    """The *contrat individuel de formation* negotiated before one period (seed 004 §1)."""

    period = models.OneToOneField(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="training_contract",
        verbose_name="période",
    )

    class Meta:
        verbose_name = "contrat individuel de formation"
        verbose_name_plural = "contrats individuels de formation"

    def __str__(self) -> str:
        return f"Contrat individuel de formation, période n° {self.period_id}"

    @property
    def established_late(self) -> bool:
        """Completed after the first day of its period (it is to be negotiated before)."""
        if self.completed_at is None:
            return False
        return bool(timezone.localtime(self.completed_at).date() > self.period.start)


class Bilan(PeriodDocument):
    """The *bilan individuel* established after one period (seed 004 §1)."""

    period = models.OneToOneField(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="bilan",
        verbose_name="période",
    )

    class Meta:
        verbose_name = "bilan individuel"
        verbose_name_plural = "bilans individuels"

    def __str__(self) -> str:
        return f"Bilan individuel, période n° {self.period_id}"
