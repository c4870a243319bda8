"""The verdict's vocabulary (contract v1) with its French labels."""

from django.db import models

from milieu.students.enums import Pathway  # one vocabulary of pathways for the whole project

__all__ = [
    "SEVERITY_BADGES",
    "SEVERITY_ORDER",
    "STATUS_BADGES",
    "Pathway",
    "Severity",
    "VerdictStatus",
]


class VerdictStatus(models.TextChoices):
    COMPLIANT = "compliant", "Conforme"
    NON_COMPLIANT = "non-compliant", "Non conforme"
    PENDING = "pending", "En attente"


class Severity(models.TextChoices):
    BLOCKING = "blocking", "Bloquant"
    WARNING = "warning", "Avertissement"
    INFO = "info", "Information"


# DSFR badge modifiers, by status and by severity.
STATUS_BADGES: dict[str, str] = {
    VerdictStatus.COMPLIANT: "fr-badge--success",
    VerdictStatus.NON_COMPLIANT: "fr-badge--error",
    VerdictStatus.PENDING: "fr-badge--info",
}
SEVERITY_BADGES: dict[str, str] = {
    Severity.BLOCKING: "fr-badge--error",
    Severity.WARNING: "fr-badge--warning",
    Severity.INFO: "fr-badge--info",
}
# Findings are shown most serious first.
SEVERITY_ORDER: dict[str, int] = {Severity.BLOCKING: 0, Severity.WARNING: 1, Severity.INFO: 2}
