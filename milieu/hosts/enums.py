from django.db import models


class NafVersion(models.TextChoices):
    REV2 = "NAF-rev2", "NAF rév. 2 (2008)"
    NAF2025 = "NAF-2025", "NAF 2025 (à partir du 1er janvier 2027)"


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposé"
    VALIDATED = "validated", "Validé par l'équipe pédagogique"
    ARRETE = "arrete", "Arrêté par le chef d'établissement"
    REJECTED = "rejected", "Refusé"
    WITHDRAWN = "withdrawn", "Retiré"


OPEN_PLACEMENT_STATUSES = frozenset(
    {PlacementStatus.PROPOSED, PlacementStatus.VALIDATED, PlacementStatus.ARRETE}
)
