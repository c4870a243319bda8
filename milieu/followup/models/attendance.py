"""Absences, the tutor's confirmations of presence and the certificate of a period."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Absence(models.Model):
    period = models.ForeignKey(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="absences",
        verbose_name="période",
    )
    start = models.DateField("du")
    end = models.DateField("au")
    days = models.PositiveSmallIntegerField("jours d'absence")
    reason = models.CharField("motif", max_length=300)
    declared_by = models.CharField("déclarée par", max_length=200)
    created_at = models.DateTimeField("déclarée le", auto_now_add=True)

    class Meta:
        verbose_name = "absence"
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                name="absence_end_after_start",
                condition=Q(end__gte=F("start")),
                violation_error_message="La fin de l'absence précède son début.",
            ),
            models.CheckConstraint(
                name="absence_days_positive",
                condition=Q(days__gt=0),
                violation_error_message="Une absence compte au moins un jour.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.days} j du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"


class Certificate(models.Model):
    """The *attestation de stage* of one period: figures frozen, PDF stored with its hash."""

    period = models.OneToOneField(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name="période",
    )
    start = models.DateField("du")
    end = models.DateField("au")
    scheduled_days = models.PositiveSmallIntegerField("jours prévus")
    absence_days = models.PositiveSmallIntegerField("jours d'absence")
    presence_days = models.PositiveSmallIntegerField("jours de présence")
    weeks = models.DecimalField("semaines effectuées", max_digits=5, decimal_places=2)
    gratification_paid = models.DecimalField(
        "gratification versée (€)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    tutor_name = models.CharField("tuteur", max_length=200)
    # a paper certificate (issue 11): the host would not use the link; the school records the
    # scan it received, the date the host signed it, and who recorded it
    paper = models.BooleanField("attestation papier (scan)", default=False)
    signed_on = models.DateField("signée par l'organisme le", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistrée par",
    )
    content = models.BinaryField("PDF")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField("délivrée le", auto_now_add=True)

    class Meta:
        verbose_name = "attestation de stage"
        verbose_name_plural = "attestations de stage"

    def __str__(self) -> str:
        return f"Attestation de stage {self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Une attestation de stage ne se modifie pas : elle est figée.")
        self.sha256 = hashlib.sha256(bytes(self.content)).hexdigest()
        super().save(*args, **kwargs)


# --- the tutor's confirmation of presence -------------------------------------------------------


class PresenceConfirmation(models.Model):
    """ "Je confirme la présence du stagiaire": one day of one period, confirmed by the tutor."""

    period = models.ForeignKey(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="presence_confirmations",
        verbose_name="période",
    )
    day = models.DateField("jour de présence confirmé")
    tutor_name = models.CharField("confirmée par", max_length=200)
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "confirmation de présence"
        verbose_name_plural = "confirmations de présence"
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "day"],
                name="presence_once_per_day",
                violation_error_message="La présence de ce jour est déjà confirmée.",
            )
        ]

    def __str__(self) -> str:
        return f"Présence du {self.day:%d/%m/%Y} confirmée par {self.tutor_name}"
