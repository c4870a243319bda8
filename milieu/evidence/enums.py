from django.db import models


class EvidenceKind(models.TextChoices):
    """What replaces the stage certificate (seed 001 §2.2, §2.3.2, §2.5; seed 002 B.3.b, B.5)."""

    APPRENTICESHIP_CONTRACT = "apprenticeship-contract", "Copie du contrat d'apprentissage"
    EMPLOYER_ATTESTATION = "employer-attestation", "Attestation de l'employeur (statut d'apprenti)"
    WORK_CERTIFICATE = "work-certificate", "Certificat de travail"
    # an apprentice repeater's contract for the next session (001 §5, 002 §D, 003 §4)
    CONTRACT_EXTENDED = (
        "contract-extended",
        "Contrat d'apprentissage initial prorogé d'un an (apprenti redoublant)",
    )
    NEW_EMPLOYER_CONTRACT = (
        "new-employer-contract",
        "Nouveau contrat d'apprentissage avec un autre employeur (apprenti redoublant)",
    )
    # a repeater presenting their previous report keeps their previous session's grid
    PREVIOUS_EVALUATION = (
        "previous-evaluation",
        "Grille d'évaluation de la session précédente (redoublant)",
    )


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
# the contract an apprentice repeater presents is also the proof of their apprentice status
REPEATER_CONTRACT_KINDS: dict[str, str] = {
    EvidenceKind.CONTRACT_EXTENDED: "extended",
    EvidenceKind.NEW_EMPLOYER_CONTRACT: "new-employer",
}
# documents kept only as PDF (a grid is a PDF the school produced)
PDF_ONLY_KINDS = frozenset({EvidenceKind.PREVIOUS_EVALUATION})

STATUS_BADGES: dict[str, str] = {
    EvidenceStatus.DEPOSITED: "fr-badge--info",
    EvidenceStatus.ACCEPTED: "fr-badge--success",
    EvidenceStatus.REFUSED: "fr-badge--error",
    EvidenceStatus.WITHDRAWN: "",
}
