"""Documents that replace the stage certificate, and the log of their review.

Apprentices replace it with a copy of their contract or their employer's attestation of apprentice
status (seed 001 §2.2, seed 003 §2.2); continuing-education candidates *en perfectionnement* and
candidates on their professional experience with work certificates giving the dates, full or part
time and the sector of the job (seed 001 §2.3.2 and §2.5, seed 002 B.3.b and B.5). A document is
deposited, then accepted or refused (with a reason) by the establishment's managers; only accepted
documents reach the dossier (`milieu.evidence.queries.evidence_fields`). Every change of status is
an `EvidenceTransition` row with its actor. The file itself lives under ``PRIVATE_FILES_ROOT``
(`milieu.storage`), named by a random identifier.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from milieu.audit.models import StateLog
from milieu.evidence.enums import EvidenceKind, EvidenceStatus, FileKind

_WORK_CERTIFICATE = EvidenceKind.WORK_CERTIFICATE.value


class EvidenceDocumentQuerySet(models.QuerySet["EvidenceDocument"]):
    def pending(self) -> EvidenceDocumentQuerySet:
        return self.filter(status=EvidenceStatus.DEPOSITED)

    def accepted(self) -> EvidenceDocumentQuerySet:
        return self.filter(status=EvidenceStatus.ACCEPTED)


class EvidenceDocument(models.Model):
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="evidence_documents",
        verbose_name="élève",
    )
    kind = models.CharField("nature", max_length=32, choices=EvidenceKind.choices)
    status = models.CharField(
        "état", max_length=16, choices=EvidenceStatus.choices, default=EvidenceStatus.DEPOSITED
    )
    # the stored file (milieu.storage): path relative to PRIVATE_FILES_ROOT, never served directly
    file_path = models.CharField("fichier (chemin privé)", max_length=255)
    file_size = models.PositiveIntegerField("taille (octets)")
    file_sha256 = models.CharField("empreinte SHA-256", max_length=64)
    file_kind = models.CharField("format", max_length=8, choices=FileKind.choices)
    original_name = models.CharField("nom du fichier déposé", max_length=200)
    # a work certificate says who employed the candidate, when, full or part time, in which sector
    employer = models.CharField("employeur", max_length=200, blank=True)
    start = models.DateField("début de l'emploi", null=True, blank=True)
    end = models.DateField("fin de l'emploi", null=True, blank=True)
    full_time = models.BooleanField("à temps plein", null=True, blank=True)
    in_sector = models.BooleanField("dans le secteur du diplôme", null=True, blank=True)
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="déposée par",
    )
    deposited_at = models.DateTimeField("déposée le", auto_now_add=True)

    objects = EvidenceDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "pièce justificative"
        verbose_name_plural = "pièces justificatives"
        ordering = ["-deposited_at", "-pk"]
        indexes = [models.Index(fields=["status", "student"], name="evidence_status_student")]
        constraints = [
            models.CheckConstraint(
                name="evidence_end_after_start",
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                violation_error_message="La fin de l'emploi attesté précède son début.",
            ),
            models.CheckConstraint(
                name="evidence_work_certificate_fields",
                condition=~Q(kind=_WORK_CERTIFICATE)
                | (
                    ~Q(employer="")
                    & Q(start__isnull=False)
                    & Q(end__isnull=False)
                    & Q(full_time__isnull=False)
                    & Q(in_sector__isnull=False)
                ),
                violation_error_message=(
                    "Un certificat de travail indique l'employeur, les dates de l'emploi, "
                    "le temps plein ou partiel et le secteur."
                ),
            ),
            models.CheckConstraint(
                name="evidence_period_only_for_work_certificate",
                condition=Q(kind=_WORK_CERTIFICATE)
                | (
                    Q(start__isnull=True)
                    & Q(end__isnull=True)
                    & Q(full_time__isnull=True)
                    & Q(in_sector__isnull=True)
                ),
                violation_error_message=(
                    "Seul un certificat de travail porte des dates d'emploi, un temps de travail "
                    "et un secteur."
                ),
            ),
            models.CheckConstraint(
                name="evidence_known_kind",
                condition=Q(kind__in=EvidenceKind.values),
                violation_error_message="Nature de pièce inconnue.",
            ),
            models.CheckConstraint(
                name="evidence_known_status",
                condition=Q(status__in=EvidenceStatus.values),
                violation_error_message="État de pièce inconnu.",
            ),
            models.CheckConstraint(
                name="evidence_known_file_kind",
                condition=Q(file_kind__in=FileKind.values),
                violation_error_message="Seuls les PDF et les images PNG ou JPEG sont acceptés.",
            ),
            models.CheckConstraint(
                name="evidence_file_not_empty",
                condition=Q(file_size__gt=0),
                violation_error_message="Le fichier est vide.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} de {self.student} ({self.get_status_display()})"

    @property
    def is_work_certificate(self) -> bool:
        return self.kind == EvidenceKind.WORK_CERTIFICATE

    @property
    def decision(self) -> EvidenceTransition | None:
        """The transition that accepted or refused the document (from the prefetched log)."""
        decided = [
            t
            for t in self.transitions.all()
            if t.to_status in (EvidenceStatus.ACCEPTED, EvidenceStatus.REFUSED)
        ]
        return decided[-1] if decided else None


class EvidenceTransition(StateLog):
    """A change of a document's status (`milieu.evidence.operations.EVIDENCE_FLOW`)."""

    document = models.ForeignKey(
        EvidenceDocument,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name="pièce",
    )
    from_status = models.CharField(
        "état de départ", max_length=16, choices=EvidenceStatus.choices, blank=True
    )
    to_status = models.CharField("état d'arrivée", max_length=16, choices=EvidenceStatus.choices)
    comment = models.TextField("commentaire ou motif", blank=True)

    class Meta(StateLog.Meta):
        verbose_name = "changement d'état d'une pièce justificative"
        verbose_name_plural = "changements d'état des pièces justificatives"

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status} par {self.actor_display}"
