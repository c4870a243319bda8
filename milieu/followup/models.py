"""Follow-up of a stage: the tutor's link (no account), declared absences and confirmed
presence, the certificate, the evaluation grid, bma-bijou's training contract and bilan, and the
audit trail of every operation (`FollowupEvent`).

The tutor reaches one intern's convention through a signed, expiring link: only the HMAC of its
token is stored. The certificate (*attestation de stage*), the co-signed evaluation grid and the
three-party contract and bilan are rendered once as a PDF and stored with their SHA-256; they
never change afterwards (their `save` refuses).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from milieu.followup.enums import EvaluationStatus, FollowupAction, PedagogyKind

__all__ = [
    "Absence",
    "Bilan",
    "Certificate",
    "Evaluation",
    "EvaluationStatus",
    "FollowupAction",
    "FollowupEvent",
    "PedagogyKind",
    "PedagogySession",
    "PeriodDocument",
    "PresenceConfirmation",
    "TrainingContract",
    "TutorAccess",
]


def _name(user: Any) -> str:
    """A user's name as the pages and the PDFs give it (their e-mail when it is unknown)."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.email)


class TutorAccess(models.Model):
    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.CASCADE,
        related_name="tutor_accesses",
        verbose_name="convention",
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
    # The address the link was sent to, once: editing the tutor later never sends it elsewhere.
    sent_to = models.EmailField("envoyé à", blank=True)

    class Meta:
        verbose_name = "accès du tuteur"
        verbose_name_plural = "accès des tuteurs"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Accès du tuteur à la convention n° {self.convention_id}"

    @property
    def usable(self) -> bool:
        return not self.revoked and self.expires_at > timezone.now()


class Absence(models.Model):
    period = models.ForeignKey(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="absences",
        verbose_name="période",
    )
    start = models.DateField("du")
    end = models.DateField("au")
    days = models.PositiveSmallIntegerField("jours d'absence")
    reason = models.CharField("motif", max_length=300)
    declared_by = models.CharField("déclarée par", max_length=200)
    created_at = models.DateTimeField("déclarée le", auto_now_add=True)

    class Meta:
        verbose_name = "absence"
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                name="absence_end_after_start",
                condition=Q(end__gte=F("start")),
                violation_error_message="La fin de l'absence précède son début.",
            ),
            models.CheckConstraint(
                name="absence_days_positive",
                condition=Q(days__gt=0),
                violation_error_message="Une absence compte au moins un jour.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.days} j du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"


class Certificate(models.Model):
    """The *attestation de stage* of one period: figures frozen, PDF stored with its hash."""

    period = models.OneToOneField(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name="période",
    )
    start = models.DateField("du")
    end = models.DateField("au")
    scheduled_days = models.PositiveSmallIntegerField("jours prévus")
    absence_days = models.PositiveSmallIntegerField("jours d'absence")
    presence_days = models.PositiveSmallIntegerField("jours de présence")
    weeks = models.DecimalField("semaines effectuées", max_digits=5, decimal_places=2)
    gratification_paid = models.DecimalField(
        "gratification versée (€)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    tutor_name = models.CharField("tuteur", max_length=200)
    # a paper certificate (issue 11): the host would not use the link; the school records the
    # scan it received, the date the host signed it, and who recorded it
    paper = models.BooleanField("attestation papier (scan)", default=False)
    signed_on = models.DateField("signée par l'organisme le", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistrée par",
    )
    content = models.BinaryField("PDF")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField("délivrée le", auto_now_add=True)

    class Meta:
        verbose_name = "attestation de stage"
        verbose_name_plural = "attestations de stage"

    def __str__(self) -> str:
        return f"Attestation de stage {self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Une attestation de stage ne se modifie pas : elle est figée.")
        self.sha256 = hashlib.sha256(bytes(self.content)).hexdigest()
        super().save(*args, **kwargs)


# --- the audit trail ----------------------------------------------------------------------------


class FollowupEvent(models.Model):
    """One follow-up operation: who (an account, or the tutor's typed name), when, from where."""

    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.PROTECT,
        related_name="followup_events",
        verbose_name="convention",
    )
    period = models.ForeignKey(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followup_events",
        verbose_name="période",
    )
    action = models.CharField("opération", max_length=32, choices=FollowupAction.choices)
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
        verbose_name = "événement du suivi"
        verbose_name_plural = "événements du suivi"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — convention n° {self.convention_id}"

    @property
    def actor_name(self) -> str:
        return _name(self.actor) if self.actor is not None else self.actor_label


# --- the tutor's confirmation of presence -------------------------------------------------------


class PresenceConfirmation(models.Model):
    """ "Je confirme la présence du stagiaire": one day of one period, confirmed by the tutor."""

    period = models.ForeignKey(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="presence_confirmations",
        verbose_name="période",
    )
    day = models.DateField("jour de présence confirmé")
    tutor_name = models.CharField("confirmée par", max_length=200)
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "confirmation de présence"
        verbose_name_plural = "confirmations de présence"
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "day"],
                name="presence_once_per_day",
                violation_error_message="La présence de ce jour est déjà confirmée.",
            )
        ]

    def __str__(self) -> str:
        return f"Présence du {self.day:%d/%m/%Y} confirmée par {self.tutor_name}"


# --- the evaluation grid / fiche d'appréciation -------------------------------------------------


class Evaluation(models.Model):
    """The grid of one convention (seeds 001 and 003 §2.1.4): the tutor fills it through their
    link, the pedagogical team reviews it, may adjust it, and co-signs it at the end of the
    stage; it is then rendered once as a PDF, stored with its SHA-256, and frozen.

    `grid` is the catalogue's grid as it was when the row was made (title, scale, items), so a
    later catalogue never changes a stored evaluation.
    """

    convention = models.OneToOneField(
        "conventions.Convention",
        on_delete=models.PROTECT,
        related_name="evaluation",
        verbose_name="convention",
    )
    status = models.CharField(
        "état", max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    grid = models.JSONField("grille")
    levels = models.JSONField("niveaux", default=dict)
    comments = models.JSONField("commentaires", default=dict)
    appreciation = models.TextField("appréciation proposée", blank=True)
    tutor_name = models.CharField("tuteur", max_length=200, blank=True)
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
        verbose_name = "grille d'évaluation"
        verbose_name_plural = "grilles d'évaluation"

    def __str__(self) -> str:
        return f"{self.grid.get('title', 'Grille')} — convention n° {self.convention_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and Evaluation.objects.filter(pk=self.pk, status=EvaluationStatus.COSIGNED).exists()
        ):
            raise ValueError("Une grille d'évaluation arrêtée conjointement est figée.")
        if self.content:
            self.sha256 = hashlib.sha256(bytes(self.content)).hexdigest()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.frozen:
            raise ValueError("Une grille d'évaluation arrêtée conjointement est figée.")
        return super().delete(*args, **kwargs)

    @property
    def frozen(self) -> bool:
        return self.status == EvaluationStatus.COSIGNED

    @property
    def cosigner_name(self) -> str:
        return _name(self.cosigned_by)

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


# --- bma-bijou: the individual training contract and the individual review ---------------------


class PeriodDocument(models.Model):
    """A text per item, agreed by three parties: the tutor (through their link), the
    pedagogical team and the candidate. The third agreement renders the PDF and freezes it.

    `items` are the catalogue's items as they were when the row was made.
    """

    items = models.JSONField("rubriques")
    answers = models.JSONField("réponses", default=list)
    edited_by_label = models.CharField("dernière modification par", max_length=200, blank=True)
    tutor_name = models.CharField("tuteur", max_length=200, blank=True)
    tutor_signed_at = models.DateTimeField("accord du tuteur le", null=True, blank=True)
    team_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="accord de l'équipe pédagogique par",
    )
    team_signed_at = models.DateTimeField(
        "accord de l'équipe pédagogique le", null=True, blank=True
    )
    candidate_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="accord du candidat par",
    )
    candidate_signed_at = models.DateTimeField("accord du candidat le", null=True, blank=True)
    completed_at = models.DateTimeField("établi le", null=True, blank=True)
    content = models.BinaryField("PDF", null=True, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and type(self)._default_manager.filter(pk=self.pk, completed_at__isnull=False).exists()
        ):
            raise ValueError(f"Ce document ({self._meta.verbose_name}) est signé et figé.")
        if self.content:
            self.sha256 = hashlib.sha256(bytes(self.content)).hexdigest()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.completed:
            raise ValueError(f"Ce document ({self._meta.verbose_name}) est signé et figé.")
        return super().delete(*args, **kwargs)

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    @property
    def team_name(self) -> str:
        return _name(self.team_signed_by)

    @property
    def candidate_name(self) -> str:
        return _name(self.candidate_signed_by)

    def pairs(self) -> list[tuple[str, str]]:
        answers = list(self.answers or [])
        return [
            (label, answers[i] if i < len(answers) else "") for i, label in enumerate(self.items)
        ]

    def signatures(self) -> list[tuple[str, Any]]:
        """(party, when) for the three parties, in order; `when` is None while pending."""
        return [
            ("tuteur", self.tutor_signed_at),
            ("équipe pédagogique", self.team_signed_at),
            ("candidat", self.candidate_signed_at),
        ]


class TrainingContract(PeriodDocument):
    """The *contrat individuel de formation* negotiated before one period (seed 004 §1)."""

    period = models.OneToOneField(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="training_contract",
        verbose_name="période",
    )

    class Meta:
        verbose_name = "contrat individuel de formation"
        verbose_name_plural = "contrats individuels de formation"

    def __str__(self) -> str:
        return f"Contrat individuel de formation, période n° {self.period_id}"

    @property
    def established_late(self) -> bool:
        """Completed after the first day of its period (it is to be negotiated before)."""
        if self.completed_at is None:
            return False
        return bool(timezone.localtime(self.completed_at).date() > self.period.start)


class Bilan(PeriodDocument):
    """The *bilan individuel* established after one period (seed 004 §1)."""

    period = models.OneToOneField(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="bilan",
        verbose_name="période",
    )

    class Meta:
        verbose_name = "bilan individuel"
        verbose_name_plural = "bilans individuels"

    def __str__(self) -> str:
        return f"Bilan individuel, période n° {self.period_id}"


# --- BEP: préparation and exploitation pédagogique of each period (seed 000 §1) -----------------


class PedagogySession(models.Model):
    """A session the pedagogical team held for one period: its *préparation* before it, its
    *exploitation pédagogique* in the establishment after it (« Chacune des deux périodes de stage
    fera l'objet d'une préparation, d'un suivi par un enseignant et, au retour, d'une exploitation
    pédagogique dans l'établissement », seed 000 §1). A pedagogical record: the contract (v1.1)
    has no field for it, so it raises alerts and never enters the verdict."""

    period = models.ForeignKey(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="pedagogy_sessions",
        verbose_name="période",
    )
    kind = models.CharField("nature", max_length=16, choices=PedagogyKind.choices)
    held_on = models.DateField("date")
    led_by = models.CharField("menée par", max_length=300)
    content = models.TextField("contenu")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="enregistrée par",
    )
    recorded_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "séance de préparation ou d'exploitation pédagogique"
        verbose_name_plural = "séances de préparation et d'exploitation pédagogique"
        ordering = ["held_on", "pk"]
        indexes = [models.Index(fields=["period", "kind"], name="pedagogy_period_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.held_on:%d/%m/%Y}"
