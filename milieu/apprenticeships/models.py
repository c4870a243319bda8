"""The apprenticeship record of an apprentice, and what their employer gives through a link.

For apprentices the stage certificate is replaced by the contract or the employer's attestation
(seed 001 §2.2, 003 §2.2, `milieu.evidence`), but « les supports (rapport d'activité et grille
d'évaluation) […] et les conditions d'évaluation associées sont les mêmes que ceux qui concernent
les candidats de la voie scolaire » (001 §2.2; 003 §2.2: « les supports de l'épreuve sont les
mêmes »). There is no convention, so no tutor's link: the *maître d'apprentissage* gets the same
kind of link, attached to the apprenticeship record (employer, SIRET, maître d'apprentissage,
contract dates). Through it they fill the evaluation grid, which the pedagogical team reviews and
co-signs (« déterminent conjointement l'appréciation », 001 §2.1.4, 003 §2.1.4), and give the
report's visa where the text asks for one (001 §2.1.3, `milieu.reports.models.ReportEndorsement`).

Only the HMAC of a link's token is stored (`milieu.tokens`). Every operation writes an
`ApprenticeshipEvent` (who, when, from where, what).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from milieu.followup.enums import EvaluationStatus


class Apprenticeship(models.Model):
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="apprenticeships",
        verbose_name="apprenti",
    )
    employer = models.CharField("employeur", max_length=200)
    siret = models.CharField("SIRET de l'employeur", max_length=14)
    master_name = models.CharField("maître d'apprentissage", max_length=200)
    master_email = models.EmailField("adresse électronique du maître d'apprentissage")
    start = models.DateField("début du contrat")
    end = models.DateField("fin du contrat")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="enregistré par",
    )
    recorded_at = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "contrat d'apprentissage"
        verbose_name_plural = "contrats d'apprentissage"
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                name="apprenticeship_end_after_start",
                condition=Q(end__gte=F("start")),
                violation_error_message="La fin du contrat précède son début.",
            ),
        ]

    def __str__(self) -> str:
        return f"Apprentissage chez {self.employer} ({self.start:%d/%m/%Y} – {self.end:%d/%m/%Y})"


class EmployerAccess(models.Model):
    """The maître d'apprentissage's link to one apprenticeship (no account)."""

    apprenticeship = models.ForeignKey(
        Apprenticeship,
        on_delete=models.CASCADE,
        related_name="accesses",
        verbose_name="contrat d'apprentissage",
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
    sent_to = models.EmailField("envoyé à")

    class Meta:
        verbose_name = "accès du maître d'apprentissage"
        verbose_name_plural = "accès des maîtres d'apprentissage"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Lien n° {self.pk} du maître d'apprentissage ({self.sent_to})"

    @property
    def usable(self) -> bool:
        return not self.revoked and self.expires_at > timezone.now()


class ApprenticeEvaluation(models.Model):
    """The evaluation grid of an apprentice: filled by the maître d'apprentissage through their
    link, reviewed and co-signed by the pedagogical team, then rendered once as a PDF and frozen.
    `grid` is the catalogue's grid as it was when the row was made."""

    apprenticeship = models.OneToOneField(
        Apprenticeship,
        on_delete=models.PROTECT,
        related_name="evaluation",
        verbose_name="contrat d'apprentissage",
    )
    status = models.CharField(
        "état", max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    grid = models.JSONField("grille")
    levels = models.JSONField("niveaux", default=dict)
    comments = models.JSONField("commentaires", default=dict)
    appreciation = models.TextField("appréciation proposée", blank=True)
    master_name = models.CharField("maître d'apprentissage", max_length=200, blank=True)
    filled_at = models.DateTimeField("remplie le", null=True, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="arrêtée par",
    )
    cosigned_at = models.DateTimeField("arrêtée le", null=True, blank=True)
    content = models.BinaryField("PDF", null=True, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "grille d'évaluation d'un apprenti"
        verbose_name_plural = "grilles d'évaluation des apprentis"

    def __str__(self) -> str:
        return f"{self.grid.get('title', 'Grille')} — apprentissage n° {self.apprenticeship_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and ApprenticeEvaluation.objects.filter(
                pk=self.pk, status=EvaluationStatus.COSIGNED
            ).exists()
        ):
            raise ValueError("Une grille d'évaluation arrêtée conjointement est figée.")
        if self.content:
            self.sha256 = hashlib.sha256(bytes(self.content)).hexdigest()
        super().save(*args, **kwargs)

    @property
    def frozen(self) -> bool:
        return self.status == EvaluationStatus.COSIGNED

    @property
    def tutor_name(self) -> str:
        """The name the shared grid helpers and templates call the evaluator by."""
        return self.master_name

    @property
    def cosigner_name(self) -> str:
        user = self.cosigned_by
        return str(user.get_full_name() or user.email) if user is not None else ""

    def rows(self) -> list[dict[str, Any]]:
        scale = list(self.grid.get("scale", []))
        rows = []
        for item in self.grid.get("items", []):
            level = (self.levels or {}).get(item["code"])
            rows.append(
                {
                    "code": item["code"],
                    "label": item["label"],
                    "level": level,
                    "level_label": scale[level] if isinstance(level, int) else "",
                    "comment": (self.comments or {}).get(item["code"], ""),
                }
            )
        return rows


class ApprenticeshipAction(models.TextChoices):
    RECORDED = "recorded", "Contrat d'apprentissage enregistré"
    LINK_ISSUED = "link-issued", "Lien envoyé au maître d'apprentissage"
    LINK_REVOKED = "link-revoked", "Lien du maître d'apprentissage révoqué"
    EVALUATION_FILLED = "evaluation-filled", "Grille remplie par le maître d'apprentissage"
    EVALUATION_CHANGED = "evaluation-changed", "Grille d'évaluation modifiée"
    EVALUATION_COSIGNED = "evaluation-cosigned", "Grille d'évaluation arrêtée conjointement"
    REPORT_ENDORSED = "report-endorsed", "Rapport visé par le maître d'apprentissage"


class ApprenticeshipEvent(models.Model):
    """One operation on an apprenticeship: who (an account, or the typed name of the maître
    d'apprentissage), when, from where, what."""

    apprenticeship = models.ForeignKey(
        Apprenticeship,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name="contrat d'apprentissage",
    )
    action = models.CharField("opération", max_length=32, choices=ApprenticeshipAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par (compte)",
    )
    actor_label = models.CharField("par (hors compte)", max_length=200, blank=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    at = models.DateTimeField("le", auto_now_add=True)
    detail = models.TextField("détail", blank=True)

    class Meta:
        verbose_name = "événement d'un contrat d'apprentissage"
        verbose_name_plural = "événements des contrats d'apprentissage"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — apprentissage n° {self.apprenticeship_id}"

    @property
    def actor_name(self) -> str:
        if self.actor is not None:
            return str(self.actor.get_full_name() or self.actor.email)
        return self.actor_label
