from django.db import models


class SpecialContractKind(models.TextChoices):
    """The *contrats de travail de type particulier* a continuing-education candidate may prepare
    the diploma under (seed 001 §2.3.1, 002 §B.3.a, 003 §2.3.1, 004 §3.a)."""

    PROFESSIONNALISATION = "professionnalisation", "Contrat de professionnalisation"
    CDD_INSERTION = "cdd-insertion", "Contrat à durée déterminée d'insertion"
    CUI = "cui", "Contrat unique d'insertion (parcours emploi compétences)"
    OTHER = "other", "Autre contrat de travail de type particulier"
