"""The states and words of the exam side: derogation kinds, reasons and statuses."""

from __future__ import annotations

from django.db import models


class DerogationKind(models.TextChoices):
    """The contract's derogation kinds (``shared/spec/dossier.md``)."""

    REDUCTION = "reduction", "Réduction de la durée du stage"
    DISPENSE = "dispense", "Dispense"
    PARTIAL = "partial", "Autorisation de se présenter après un stage partiel"


class DerogationReason(models.TextChoices):
    """The reasons the texts allow (seed 001 §3, 002 §C, 003 §3; contract v1.1)."""

    FORCE_MAJEURE = "force-majeure", "Force majeure dûment constatée"
    AMENAGEMENT = "amenagement", "Formation aménagée"
    POSITIONNEMENT = "positionnement", "Décision de positionnement"
    VAE = "vae", "Validation des acquis de l'expérience"
    OTHER = "other", "Autre motif"


REASONS_BY_KIND: dict[str, tuple[str, ...]] = {
    DerogationKind.PARTIAL: (DerogationReason.FORCE_MAJEURE,),
    DerogationKind.REDUCTION: (
        DerogationReason.FORCE_MAJEURE,
        DerogationReason.AMENAGEMENT,
        DerogationReason.POSITIONNEMENT,
    ),
    DerogationKind.DISPENSE: tuple(DerogationReason.values),
}
"""The reasons that fit each kind (contract v1.1: a partial stage needs force majeure; a
reduction force majeure, a formation aménagée or a positionnement; a dispense any reason). A
catalogue rule may narrow them with its own ``reasons`` list."""


class DerogationStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Transmise au rectorat"
    GRANTED = "granted", "Accordée"
    REFUSED = "refused", "Refusée"
    WITHDRAWN = "withdrawn", "Retirée"


STATUS_BADGES: dict[str, str] = {
    DerogationStatus.DRAFT: "fr-badge--info",
    DerogationStatus.SUBMITTED: "fr-badge--new",
    DerogationStatus.GRANTED: "fr-badge--success",
    DerogationStatus.REFUSED: "fr-badge--error",
    DerogationStatus.WITHDRAWN: "",
}
