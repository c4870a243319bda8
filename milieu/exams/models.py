"""Exam sessions fixed by the rectorat, and the derogations the recteur decides.

An `ExamSession` (académie × diploma × session year) holds the exam date and the report /
dossier deadline the rectorat fixes (seed 001 §4, 004 §1 and §4) and the transmission procedure
(seed 001 §4: « selon une procédure mise en place par l'académie pilote »); each change is an
`ExamSessionChange` row (who, when, before and after).

A `DerogationRequest` is asked by the school for one student: a reduction of the stage's
duration, a dispense, or the authorisation to sit the exam after a partial stage (seed 001 §3 and
§4, 002 §C, 003 §3, 000 §1). Draft → submitted → granted | refused, or withdrawn; each change is
a `DerogationTransition` row (actor, time, address, comment). A granted request has one
`DerogationDecision`: the recteur's decision as a PDF, rendered once, stored with its SHA-256.
Only granted requests reach the dossier, as derogations ``decided_by: "recteur"``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from milieu.audit.models import StateLog
from milieu.checker.enums import VerdictStatus
from milieu.establishments.models import validate_diploma
from milieu.exams.enums import DerogationKind, DerogationReason, DerogationStatus
from milieu.rules import get_catalogue
from milieu.sealed import SealedContent


class ExamSession(models.Model):
    academie = models.ForeignKey(
        "establishments.Academie",
        on_delete=models.PROTECT,
        related_name="exam_sessions",
        verbose_name="académie",
    )
    diploma = models.CharField("diplôme", max_length=64, validators=[validate_diploma])
    session = models.PositiveSmallIntegerField("session d'examen")
    exam_date = models.DateField("date de l'examen")
    report_deadline = models.DateField(
        "date limite de remise du rapport ou du dossier",
        null=True,
        blank=True,
        help_text="Fixée par le rectorat ; à défaut, la date de l'examen.",
    )
    transmission = models.TextField("procédure de transmission", blank=True)
    pilot_academie = models.CharField(
        "académie pilote",
        max_length=100,
        blank=True,
        help_text="À renseigner quand l'examen est piloté par une autre académie.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "session d'examen"
        verbose_name_plural = "sessions d'examen"
        ordering = ["-session", "diploma"]
        constraints = [
            models.UniqueConstraint(
                fields=["academie", "diploma", "session"],
                name="exam_session_unique",
                violation_error_message="Cette session existe déjà pour ce diplôme dans l'académie.",
            ),
            models.CheckConstraint(
                name="exam_session_deadline_before_exam",
                condition=Q(report_deadline__isnull=True) | Q(report_deadline__lte=F("exam_date")),
                violation_error_message="La date limite de remise suit la date de l'examen.",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.session} — {self.diploma_title}"

    @property
    def diploma_title(self) -> str:
        diploma = get_catalogue().get(self.diploma)
        return diploma.title if diploma else self.diploma


class ExamSessionChange(models.Model):
    """One creation or change of an exam session: who, when, and each field before → after."""

    exam_session = models.ForeignKey(
        ExamSession, on_delete=models.CASCADE, related_name="changes", verbose_name="session"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("le", auto_now_add=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    changes = models.JSONField("modifications", default=dict)

    class Meta:
        verbose_name = "modification d'une session d'examen"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.exam_session} modifiée le {self.at:%d/%m/%Y %H:%M}"


class DerogationRequest(models.Model):
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="derogation_requests",
        verbose_name="candidat",
    )
    kind = models.CharField("nature", max_length=16, choices=DerogationKind.choices)
    reason = models.CharField("motif", max_length=16, choices=DerogationReason.choices)
    weeks = models.DecimalField(
        "durée réduite (semaines)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    units = models.JSONField("unités dispensées", default=list, blank=True)
    justification = models.TextField("justification")
    status = models.CharField(
        "état", max_length=16, choices=DerogationStatus.choices, default=DerogationStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    submitted_at = models.DateTimeField("transmise le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decision_comment = models.TextField("motif de la décision", blank=True)

    class Meta:
        verbose_name = "demande de dérogation"
        verbose_name_plural = "demandes de dérogation"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="derogation_queue")]
        constraints = [
            models.CheckConstraint(
                name="derogation_known_kind",
                condition=Q(kind__in=DerogationKind.values),
                violation_error_message="Nature de dérogation inconnue.",
            ),
            models.CheckConstraint(
                name="derogation_known_reason",
                condition=Q(reason__in=DerogationReason.values),
                violation_error_message="Motif de dérogation inconnu.",
            ),
            models.CheckConstraint(
                name="derogation_known_status",
                condition=Q(status__in=DerogationStatus.values),
                violation_error_message="État de demande inconnu.",
            ),
            models.CheckConstraint(
                name="derogation_weeks_only_for_reduction",
                condition=(Q(kind=DerogationKind.REDUCTION.value) & Q(weeks__gt=0))
                | (~Q(kind=DerogationKind.REDUCTION.value) & Q(weeks__isnull=True)),
                violation_error_message="Seule une réduction indique une durée, positive.",
            ),
            models.CheckConstraint(
                name="derogation_decided_fields",
                condition=~Q(status__in=[DerogationStatus.GRANTED, DerogationStatus.REFUSED])
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                violation_error_message="Une décision porte son auteur et sa date.",
            ),
        ]

    def __str__(self) -> str:
        return f"Demande n° {self.pk} — {self.get_kind_display()} — {self.student}"

    @property
    def establishment(self) -> Any:
        return self.student.cohort.establishment

    def contract_derogation(self) -> dict[str, Any]:
        """The contract's derogation object for this granted request."""
        derogation: dict[str, Any] = {
            "kind": str(self.kind),
            "reason": str(self.reason),
            "decided_by": "recteur",
        }
        if self.weeks is not None:
            weeks = self.weeks.normalize()
            derogation["weeks"] = int(weeks) if weeks == weeks.to_integral() else float(weeks)
        if self.units:
            derogation["units"] = [str(unit) for unit in self.units]
        return derogation


class DerogationAttachment(models.Model):
    """A supporting document (PDF) of a request, stored under ``PRIVATE_FILES_ROOT``."""

    request = models.ForeignKey(
        DerogationRequest,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="demande",
    )
    path = models.CharField("fichier (chemin privé)", max_length=255)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    original_name = models.CharField("nom du fichier déposé", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce à l'appui d'une demande"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class DerogationTransition(StateLog):
    """One change of a request's state (`milieu.workflow`): who, when, from where, and why."""

    request = models.ForeignKey(
        DerogationRequest,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name="demande",
    )
    from_status = models.CharField(
        "état de départ", max_length=16, choices=DerogationStatus.choices, blank=True
    )
    to_status = models.CharField("nouvel état", max_length=16, choices=DerogationStatus.choices)

    class Meta(StateLog.Meta):
        verbose_name = "changement d'état d'une demande de dérogation"

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class DerogationDecision(SealedContent):
    """The recteur's decision granting a request, as a PDF rendered once and never again."""

    request = models.OneToOneField(
        DerogationRequest,
        on_delete=models.PROTECT,
        related_name="decision",
        verbose_name="demande",
    )
    content = models.BinaryField("contenu")
    issued_at = models.DateTimeField("délivrée le", auto_now_add=True)

    frozen_message = "Une décision du recteur ne se modifie pas : elle est figée."

    class Meta:
        verbose_name = "décision du recteur"
        verbose_name_plural = "décisions du recteur"

    def __str__(self) -> str:
        return f"Décision du recteur — demande n° {self.request_id}"


class JuryNotice(SealedContent):
    """The jury's information for a session (seed 000 §1, 001 §4: « le président du jury sera
    informé »): the candidates authorised after a partial stage and every granted derogation,
    rendered once as a PDF when a rectorat user issues it, stored with its SHA-256. A new issue
    is a new row; an issued notice is never regenerated nor changed."""

    exam_session = models.ForeignKey(
        ExamSession,
        on_delete=models.PROTECT,
        related_name="jury_notices",
        verbose_name="session",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="émise par",
    )
    issued_at = models.DateTimeField("émise le", auto_now_add=True)
    content = models.BinaryField("PDF")

    frozen_message = "Une information du jury émise ne se modifie pas : émettez-en une autre."

    class Meta:
        verbose_name = "information du jury"
        verbose_name_plural = "informations du jury"
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"Information du jury n° {self.pk} — {self.exam_session}"


class StoredVerdict(models.Model):
    """The engine's verdict on one candidate's dossier, as last computed (`milieu.exams.verdicts`).

    The boards and exports read these rows instead of building every dossier; a row is refreshed
    on commit of each operation that changes one of the dossier's inputs and, for everyone, by
    ``milieu eligibility refresh`` (daily, as ``as_of`` moves). ``dossier_sha256`` is the SHA-256
    of the dossier's canonical JSON; ``finding_codes`` the codes between spaces (`` A B ``), for
    filtering on any database.
    """

    student = models.OneToOneField(
        "students.Student",
        on_delete=models.CASCADE,
        related_name="stored_verdict",
        verbose_name="candidat",
    )
    status = models.CharField("statut", max_length=16, choices=VerdictStatus.choices, blank=True)
    weeks_completed = models.FloatField("semaines effectuées", null=True, blank=True)
    weeks_min = models.FloatField("semaines requises (minimum)", null=True, blank=True)
    weeks_max = models.FloatField("semaines requises (maximum)", null=True, blank=True)
    findings = models.JSONField("constats", default=list, blank=True)
    finding_codes = models.CharField("codes des constats", max_length=1000, blank=True)
    error = models.JSONField("erreur", null=True, blank=True)
    dossier_sha256 = models.CharField("empreinte SHA-256 du dossier", max_length=64)
    as_of = models.DateField("jugé à la date du")
    computed_at = models.DateTimeField("calculé le")

    class Meta:
        verbose_name = "verdict enregistré"
        verbose_name_plural = "verdicts enregistrés"
        indexes = [models.Index(fields=["status"], name="stored_verdict_status")]

    def __str__(self) -> str:
        return f"Verdict de {self.student_id} : {self.status or 'erreur'}"


class ApiToken(models.Model):
    """A key of the exam service's API (``GET /api/v1/verdicts``) for one académie.

    A rectorat user creates it with a label; the key is shown once and only its SHA-256 is kept
    (``key_sha256``), with its first characters (``prefix``) to recognise it in the list. A
    revoked key is refused from then on; each use writes its time (``last_used_at``)."""

    academie = models.ForeignKey(
        "establishments.Academie",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="académie",
    )
    label = models.CharField("libellé", max_length=100)
    prefix = models.CharField("début de la clé", max_length=12)
    key_sha256 = models.CharField("empreinte SHA-256 de la clé", max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    class Meta:
        verbose_name = "clé d'accès à l'API"
        verbose_name_plural = "clés d'accès à l'API"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Clé « {self.label} » ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ReportConformity(models.Model):
    """The exam service's pronouncement on a candidate's report (seed 001 §4: « le contrôle de
    conformité du rapport est effectué selon des modalités définies par les autorités
    académiques » ; « la constatation de non-conformité du rapport entraîne l'attribution de la
    mention "non validé" »). Rows are never changed: a new pronouncement is a new row, the latest
    one counts (`milieu.exams.conformity`)."""

    class Ground(models.TextChoices):
        MISSING = "missing", "Absence de dépôt du rapport"
        LATE = "late", "Dépôt au-delà de la date fixée"
        EXPECTATIONS = "expectations", "Dossier non conforme aux attendus (annexe IV B)"

    student = models.ForeignKey(
        "students.Student",
        on_delete=models.CASCADE,
        related_name="report_conformities",
        verbose_name="candidat",
    )
    conforming = models.BooleanField("rapport conforme")
    ground = models.CharField(
        "motif de non-conformité", max_length=16, choices=Ground.choices, blank=True
    )
    received_on = models.DateField("reçu par le service le", null=True, blank=True)
    missing_sections = models.JSONField("parties absentes", default=list, blank=True)
    not_endorsed = models.BooleanField("rapport non visé", default=False)
    reason = models.TextField("observations")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("prononcée le", auto_now_add=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)

    class Meta:
        verbose_name = "conformité du rapport prononcée"
        verbose_name_plural = "conformités des rapports prononcées"
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="report_conformity_ground",
                condition=(Q(conforming=True) & Q(ground=""))
                | (Q(conforming=False) & Q(ground__in=["missing", "late", "expectations"])),
                violation_error_message="Une non-conformité porte son motif, une conformité aucun.",
            ),
        ]

    def __str__(self) -> str:
        return f"Rapport {'conforme' if self.conforming else 'non conforme'} — {self.student_id}"

    @property
    def mention(self) -> str:
        return "" if self.conforming else "non validé"
