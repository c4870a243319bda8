"""BEP: préparation and exploitation pédagogique of each period (seed 000 §1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from milieu.followup.enums import PedagogyKind

# --- BEP: préparation and exploitation pédagogique of each period (seed 000 §1) -----------------


class PedagogySession(models.Model):
    """A session the pedagogical team held for one period: its *préparation* before it, its
    *exploitation pédagogique* in the establishment after it (« Chacune des deux périodes de stage
    fera l'objet d'une préparation, d'un suivi par un enseignant et, au retour, d'une exploitation
    pédagogique dans l'établissement », seed 000 §1). A pedagogical record: the contract (v1.1)
    has no field for it, so it raises alerts and never enters the verdict."""

    period = models.ForeignKey(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="pedagogy_sessions",
        verbose_name="période",
    )
    kind = models.CharField("nature", max_length=16, choices=PedagogyKind.choices)
    held_on = models.DateField("date")
    led_by = models.CharField("menée par", max_length=300)
    content = models.TextField("contenu")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="enregistrée par",
    )
    recorded_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "séance de préparation ou d'exploitation pédagogique"
        verbose_name_plural = "séances de préparation et d'exploitation pédagogique"
        ordering = ["held_on", "pk"]
        indexes = [models.Index(fields=["period", "kind"], name="pedagogy_period_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.held_on:%d/%m/%Y}"
