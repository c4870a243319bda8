"""The follow-up's choices: what the history tells, the evaluation grid's states, the kinds of
pedagogical session (importable from `milieu.followup.models` too)."""

from django.db import models


class FollowupAction(models.TextChoices):
    LINK_ISSUED = "link-issued", "Lien de suivi envoyé au tuteur"
    LINK_REVOKED = "link-revoked", "Lien de suivi révoqué"
    ABSENCE_DECLARED = "absence-declared", "Absence déclarée"
    PRESENCE_CONFIRMED = "presence-confirmed", "Présence du stagiaire confirmée"
    CERTIFICATE_ISSUED = "certificate-issued", "Attestation de stage délivrée"
    EVALUATION_FILLED = "evaluation-filled", "Grille d'évaluation remplie par le tuteur"
    EVALUATION_CHANGED = "evaluation-changed", "Grille d'évaluation modifiée"
    EVALUATION_COSIGNED = "evaluation-cosigned", "Grille d'évaluation arrêtée conjointement"
    CONTRACT_EDITED = "contract-edited", "Contrat individuel de formation modifié"
    CONTRACT_SIGNED = "contract-signed", "Contrat individuel de formation signé"
    BILAN_EDITED = "bilan-edited", "Bilan individuel modifié"
    BILAN_SIGNED = "bilan-signed", "Bilan individuel signé"
    LINK_RENEWED = "link-renewed", "Lien de suivi prolongé"
    PAPER_CERTIFICATE = "paper-certificate", "Attestation de stage papier enregistrée"
    PEDAGOGY_RECORDED = "pedagogy-recorded", "Préparation ou exploitation pédagogique enregistrée"


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    FILLED = "filled", "Remplie par le tuteur"
    COSIGNED = "cosigned", "Arrêtée conjointement"


class PedagogyKind(models.TextChoices):
    PREPARATION = "preparation", "Préparation"
    EXPLOITATION = "exploitation", "Exploitation pédagogique"
