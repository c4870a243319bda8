from django.db import models

from milieu.conventions.enums import ConventionStatus


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    DONE = "done", "Effectuée"
    CANCELLED = "cancelled", "Annulée"


# A convention in one of these states is a stage that a teacher should visit (seed 004).
VISITABLE_CONVENTION_STATUSES = frozenset({ConventionStatus.SIGNED, ConventionStatus.IN_PROGRESS})


class VisitAction(models.TextChoices):
    """What happened to a visit, as its history (`VisitEvent`) tells it."""

    PLANNED = "planned", "Planifiée"
    REPORTED = "reported", "Compte rendu"
    REPORT_CHANGED = "report-changed", "Compte rendu corrigé"
    CANCELLED = "cancelled", "Annulée"
