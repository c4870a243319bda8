from django.db import models


class ConventionStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Soumise à l'équipe pédagogique"
    VALIDATED = "validated", "Validée par l'équipe pédagogique"
    APPROVED = "approved", "Approuvée par le chef d'établissement"
    SIGNING = "signing", "En signature"
    SIGNED = "signed", "Signée"
    IN_PROGRESS = "in-progress", "Stage en cours"
    FINISHED = "finished", "Stage terminé"
    CANCELLED = "cancelled", "Annulée"


OPEN_STATUSES = frozenset(
    {
        ConventionStatus.DRAFT,
        ConventionStatus.SUBMITTED,
        ConventionStatus.VALIDATED,
        ConventionStatus.APPROVED,
        ConventionStatus.SIGNING,
        ConventionStatus.SIGNED,
        ConventionStatus.IN_PROGRESS,
    }
)
SIGNED_STATUSES = frozenset(
    {ConventionStatus.SIGNED, ConventionStatus.IN_PROGRESS, ConventionStatus.FINISHED}
)


class SignatoryRole(models.TextChoices):
    STUDENT = "student", "Élève ou étudiant"
    LEGAL_REPRESENTATIVE = "legal-representative", "Représentant légal"
    HOST = "host", "Représentant de l'organisme d'accueil"
    TUTOR = "tutor", "Tuteur"
    HEAD = "head", "Chef d'établissement ou son délégué"


class SignatureMethod(models.TextChoices):
    ONLINE = "online", "En ligne (lien et code à usage unique)"
    PAPER = "paper", "Sur papier (scan déposé)"


class SignatureState(models.TextChoices):
    PENDING = "pending", "En attente"
    SIGNED = "signed", "Signé"
    REFUSED = "refused", "Refusé"


class AmendmentStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SIGNING = "signing", "En signature"
    SIGNED = "signed", "Signé"
    CANCELLED = "cancelled", "Annulé"
