"""The evaluation grid of a convention, and the log of its states."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models

from milieu.audit.models import StateLog
from milieu.followup.enums import EvaluationStatus
from milieu.followup.models.base import display_name

# --- the evaluation grid / fiche d'appréciation -------------------------------------------------


class GridEvaluation(models.Model):
    """What every evaluation grid shares, whoever fills it through their link (the tutor of a
    convention, `Evaluation`; the maître d'apprentissage, `ApprenticeEvaluation`): the
    pedagogical team reviews it and co-signs it; it is then rendered once as a PDF, stored with
    its SHA-256, and frozen (`save` refuses).

    `grid` is the catalogue's grid as it was when the row was made (title, scale, items), so a
    later catalogue never changes a stored evaluation. Each concrete grid adds the row it belongs
    to and the evaluator's typed name.
    """

    status = models.CharField(
        "état", max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    grid = models.JSONField("grille")
    levels = models.JSONField("niveaux", default=dict)
    comments = models.JSONField("commentaires", default=dict)
    appreciation = models.TextField("appréciation proposée", blank=True)
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
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and type(self)
            ._default_manager.filter(pk=self.pk, status=EvaluationStatus.COSIGNED)
            .exists()
        ):
            raise ValueError("Une grille d'évaluation arrêtée conjointement est figée.")
        if self.content:
            self.sha256 = hashlib.sha256(bytes(self.content)).hexdigest()
        super().save(*args, **kwargs)

    @property
    def frozen(self) -> bool:
        return self.status == EvaluationStatus.COSIGNED

    @property
    def cosigner_name(self) -> str:
        return display_name(self.cosigned_by)

    def rows(self) -> list[dict[str, Any]]:
        """Each item with its level (index and label) and comment, for pages and the PDF."""
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


class Evaluation(GridEvaluation):
    """The grid of one convention (seeds 001 and 003 §2.1.4): the tutor fills it through their
    link, the pedagogical team reviews it, may adjust it, and co-signs it at the end of the
    stage (`GridEvaluation`)."""

    convention = models.OneToOneField(
        "conventions.Convention",
        on_delete=models.PROTECT,
        related_name="evaluation",
        verbose_name="convention",
    )
    tutor_name = models.CharField("tuteur", max_length=200, blank=True)

    class Meta:
        verbose_name = "grille d'évaluation"
        verbose_name_plural = "grilles d'évaluation"

    def __str__(self) -> str:
        return f"{self.grid.get('title', 'Grille')} — convention n° {self.convention_id}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.frozen:
            raise ValueError("Une grille d'évaluation arrêtée conjointement est figée.")
        return super().delete(*args, **kwargs)

    @property
    def student(self) -> Any:
        """The convention's student (whom the permission rules ask about)."""
        return self.convention.student


class EvaluationTransition(StateLog):
    """One change of a grid's state (`milieu.workflow.Workflow.apply` writes it): drafted,
    sent, adjusted, co-signed; by whom (an account, or the tutor's typed name)."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="transitions", verbose_name="grille"
    )
    from_status = models.CharField(
        "état de départ", max_length=16, choices=EvaluationStatus.choices, blank=True
    )
    to_status = models.CharField("état d'arrivée", max_length=16, choices=EvaluationStatus.choices)

    class Meta(StateLog.Meta):
        verbose_name = "étape de la grille d'évaluation"
        verbose_name_plural = "étapes des grilles d'évaluation"

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status} — grille n° {self.evaluation_id}"
