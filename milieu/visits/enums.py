from django.db import models

from milieu.conventions.enums import SIGNED_STATUSES, ConventionStatus


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    DONE = "done", "Effectuée"
    CANCELLED = "cancelled", "Annulée"


class TutorAnswer(models.TextChoices):
    """The tutor's answer to a planned visit, from their link (seed 004: « en accord avec le
    tuteur, organiser ses visites »)."""

    CONFIRMED = "confirmed", "Confirmée par le tuteur"
    OTHER_DATE = "other-date", "Autre date proposée par le tuteur"


# A convention in one of these states is a stage that a teacher should visit (seed 004): the
# signed ones (`SIGNED_STATUSES`) but the finished stage, which takes no visit any more. Visits
# are planned only then: before its signature a convention may go back to draft, whose periods
# are replaced (deleted) on every edit, and a visit protects its period.
VISITABLE_CONVENTION_STATUSES = SIGNED_STATUSES - {ConventionStatus.FINISHED}


class VisitAction(models.TextChoices):
    """What happened to a visit, as its history (`VisitEvent`) tells it."""

    PLANNED = "planned", "Planifiée"
    REPORTED = "reported", "Compte rendu"
    REPORT_CHANGED = "report-changed", "Compte rendu corrigé"
    CANCELLED = "cancelled", "Annulée"
    TUTOR_CONFIRMED = "tutor-confirmed", "Confirmée par le tuteur"
    TUTOR_PROPOSED = "tutor-proposed", "Autre date proposée par le tuteur"
