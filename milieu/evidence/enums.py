from django.db import models


class EvidenceKind(models.TextChoices):
    """What replaces the stage certificate (seed 001 §2.2, §2.3.2, §2.5; seed 002 B.3.b, B.5)."""

    APPRENTICESHIP_CONTRACT = "apprenticeship-contract", "Copie du contrat d'apprentissage"
    EMPLOYER_ATTESTATION = "employer-attestation", "Attestation de l'employeur (statut d'apprenti)"
    WORK_CERTIFICATE = "work-certificate", "Certificat de travail"


class EvidenceStatus(models.TextChoices):
    DEPOSITED = "deposited", "Déposée"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"
    WITHDRAWN = "withdrawn", "Retirée"


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    PNG = "png", "Image PNG"
    JPEG = "jpeg", "Image JPEG"


APPRENTICESHIP_KINDS = frozenset(
    {EvidenceKind.APPRENTICESHIP_CONTRACT, EvidenceKind.EMPLOYER_ATTESTATION}
)

STATUS_BADGES: dict[str, str] = {
    EvidenceStatus.DEPOSITED: "fr-badge--info",
    EvidenceStatus.ACCEPTED: "fr-badge--success",
    EvidenceStatus.REFUSED: "fr-badge--error",
    EvidenceStatus.WITHDRAWN: "",
}
