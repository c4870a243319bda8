"""An edition of the attestations joined to the livret scolaire, for one cohort (seed 000).

"Une attestation précisant la nature et la durée du stage effectué sera jointe au livret
scolaire en fin de cycle de formation." The whole cohort is rendered by a background task into
one PDF, one page per student; the job keeps its progress counters, then the PDF and its
SHA-256, which never change afterwards.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from milieu.audit.models import StateLog
from milieu.livret.enums import RUNNING_STATUSES, LivretStatus


class LivretJob(models.Model):
    cohort = models.ForeignKey(
        "establishments.Cohort",
        on_delete=models.CASCADE,
        related_name="livret_jobs",
        verbose_name="promotion",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="demandé par",
    )
    status = models.CharField(
        "état", max_length=12, choices=LivretStatus.choices, default=LivretStatus.QUEUED
    )
    done = models.PositiveIntegerField("élèves traités", default=0)
    total = models.PositiveIntegerField("élèves", default=0)
    pages = models.PositiveIntegerField("pages du PDF", default=0)
    warnings = models.JSONField("avertissements", default=list, blank=True)
    content = models.BinaryField("PDF", blank=True, default=b"")
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    error_message = models.TextField("motif de l'échec", blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "édition des attestations du livret scolaire"
        verbose_name_plural = "éditions des attestations du livret scolaire"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="livret_done_within_total",
                condition=Q(done__lte=F("total")),
                violation_error_message="Les élèves traités ne peuvent dépasser le total.",
            ),
            models.CheckConstraint(
                name="livret_done_has_pdf",
                condition=~Q(status=LivretStatus.DONE) | ~Q(sha256=""),
                violation_error_message="Une édition terminée a son PDF et son empreinte.",
            ),
        ]

    def __str__(self) -> str:
        return f"Attestations du livret — {self.cohort} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()


class LivretTransition(StateLog):
    """One change of an edition's state (`milieu.livret.flow.LIVRET_FLOW` writes it): queued by
    someone, taken, finished or failed by the background task (« système »)."""

    job = models.ForeignKey(
        LivretJob, on_delete=models.CASCADE, related_name="transitions", verbose_name="édition"
    )
    from_status = models.CharField(
        "état de départ", max_length=16, choices=LivretStatus.choices, blank=True
    )
    to_status = models.CharField("état d'arrivée", max_length=16, choices=LivretStatus.choices)

    class Meta(StateLog.Meta):
        verbose_name = "étape d'une édition du livret"
        verbose_name_plural = "étapes des éditions du livret"

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status} — édition n° {self.job_id}"
