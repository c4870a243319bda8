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

from django.db import models

from milieu.contracts.models import EmployerContract, end_after_start
from milieu.followup.models.evaluation import GridEvaluation
from milieu.followup.models.history import OperationEvent
from milieu.followup.models.links import AccessLink


class Apprenticeship(EmployerContract):
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="apprenticeships",
        verbose_name="apprenti",
    )
    master_name = models.CharField("maître d'apprentissage", max_length=200)
    master_email = models.EmailField("adresse électronique du maître d'apprentissage")

    class Meta(EmployerContract.Meta):
        verbose_name = "contrat d'apprentissage"
        verbose_name_plural = "contrats d'apprentissage"
        constraints = [end_after_start("apprenticeship_end_after_start")]

    def __str__(self) -> str:
        return f"Apprentissage chez {self.employer} ({self.start:%d/%m/%Y} – {self.end:%d/%m/%Y})"


class EmployerAccess(AccessLink):
    """The maître d'apprentissage's link to one apprenticeship (no account)."""

    apprenticeship = models.ForeignKey(
        Apprenticeship,
        on_delete=models.CASCADE,
        related_name="accesses",
        verbose_name="contrat d'apprentissage",
    )

    class Meta(AccessLink.Meta):
        verbose_name = "accès du maître d'apprentissage"
        verbose_name_plural = "accès des maîtres d'apprentissage"

    def __str__(self) -> str:
        return f"Lien n° {self.pk} du maître d'apprentissage ({self.sent_to})"


class ApprenticeEvaluation(GridEvaluation):
    """The evaluation grid of an apprentice: filled by the maître d'apprentissage through their
    link, reviewed and co-signed by the pedagogical team, then rendered once as a PDF and frozen
    (`GridEvaluation`)."""

    apprenticeship = models.OneToOneField(
        Apprenticeship,
        on_delete=models.PROTECT,
        related_name="evaluation",
        verbose_name="contrat d'apprentissage",
    )
    master_name = models.CharField("maître d'apprentissage", max_length=200, blank=True)

    class Meta:
        verbose_name = "grille d'évaluation d'un apprenti"
        verbose_name_plural = "grilles d'évaluation des apprentis"

    def __str__(self) -> str:
        return f"{self.grid.get('title', 'Grille')} — apprentissage n° {self.apprenticeship_id}"

    @property
    def tutor_name(self) -> str:
        """The name the shared grid helpers and templates call the evaluator by."""
        return self.master_name


class ApprenticeshipAction(models.TextChoices):
    RECORDED = "recorded", "Contrat d'apprentissage enregistré"
    LINK_ISSUED = "link-issued", "Lien envoyé au maître d'apprentissage"
    LINK_REVOKED = "link-revoked", "Lien du maître d'apprentissage révoqué"
    EVALUATION_FILLED = "evaluation-filled", "Grille remplie par le maître d'apprentissage"
    EVALUATION_CHANGED = "evaluation-changed", "Grille d'évaluation modifiée"
    EVALUATION_COSIGNED = "evaluation-cosigned", "Grille d'évaluation arrêtée conjointement"
    REPORT_ENDORSED = "report-endorsed", "Rapport visé par le maître d'apprentissage"


class ApprenticeshipEvent(OperationEvent):
    """One operation on an apprenticeship: who (an account, or the typed name of the maître
    d'apprentissage), when, from where, what."""

    apprenticeship = models.ForeignKey(
        Apprenticeship,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name="contrat d'apprentissage",
    )
    action = models.CharField("opération", max_length=32, choices=ApprenticeshipAction.choices)

    class Meta(OperationEvent.Meta):
        verbose_name = "événement d'un contrat d'apprentissage"
        verbose_name_plural = "événements des contrats d'apprentissage"

    def __str__(self) -> str:
        return f"{self.get_action_display()} — apprentissage n° {self.apprenticeship_id}"
