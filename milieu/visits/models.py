"""Teachers' visits to the host during a stage.

"Le suivi du stagiaire comprend plusieurs visites" (seed 000) and "chaque professeur doit se
rendre en entreprise" (seed 004): a visit is planned for one convention and one teacher; the
visiting teacher then writes what they saw, the difficulties and the actions agreed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from milieu.visits.enums import VisitStatus


class Visit(models.Model):
    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name="convention",
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name="enseignant qui se rend en entreprise",
    )
    planned_at = models.DateTimeField("date et heure prévues")
    status = models.CharField(
        "état", max_length=12, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    seen = models.TextField("ce qui a été observé", blank=True)
    difficulties = models.TextField("difficultés rencontrées", blank=True)
    actions = models.TextField("actions décidées", blank=True)
    reported_at = models.DateTimeField("compte rendu rédigé le", null=True, blank=True)
    cancel_reason = models.TextField("motif de l'annulation", blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="planifiée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "visite de stage"
        verbose_name_plural = "visites de stage"
        ordering = ["planned_at", "pk"]
        indexes = [models.Index(fields=["teacher", "planned_at"], name="visit_teacher_planned")]
        constraints = [
            models.CheckConstraint(
                name="visit_cancelled_has_reason",
                condition=~Q(status=VisitStatus.CANCELLED) | ~Q(cancel_reason=""),
                violation_error_message="Une visite annulée indique le motif de l'annulation.",
            ),
            models.CheckConstraint(
                name="visit_done_has_report_date",
                condition=~Q(status=VisitStatus.DONE) | Q(reported_at__isnull=False),
                violation_error_message="Une visite effectuée a un compte rendu daté.",
            ),
        ]

    def __str__(self) -> str:
        return f"Visite du {self.planned_at:%d/%m/%Y} — convention n° {self.convention_id}"
