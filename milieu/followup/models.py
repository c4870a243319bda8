"""Follow-up of a stage: the tutor's link (no account), declared absences, the certificate.

The tutor reaches one intern's convention through a signed, expiring link: only the HMAC of its
token is stored. The certificate (*attestation de stage*) is rendered once as a PDF and stored
with its SHA-256; it never changes afterwards.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class TutorAccess(models.Model):
    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.CASCADE,
        related_name="tutor_accesses",
        verbose_name="convention",
    )
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    expires_at = models.DateTimeField("expire le")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    revoked = models.BooleanField("révoqué", default=False)

    class Meta:
        verbose_name = "accès du tuteur"
        verbose_name_plural = "accès des tuteurs"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Accès du tuteur à la convention n° {self.convention_id}"

    @property
    def usable(self) -> bool:
        return not self.revoked and self.expires_at > timezone.now()


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
