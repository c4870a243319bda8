from django.db import models


class Pathway(models.TextChoices):
    SCOLAIRE = "scolaire", "Voie scolaire"
    APPRENTISSAGE = "apprentissage", "Apprentissage"
    FORMATION_CONTINUE = "formation-continue", "Formation continue"
    EXPERIENCE = "experience-professionnelle", "Expérience professionnelle"


class ContinuingSituation(models.TextChoices):
    PREMIERE_FORMATION = "premiere-formation", "Première formation"
    RECONVERSION = "reconversion", "Reconversion"
    PERFECTIONNEMENT = "perfectionnement", "Perfectionnement"


class RepeaterReport(models.TextChoices):
    REUSE = "reuse", "Présente le précédent rapport"
    MODIFIED = "modified", "Présente le précédent rapport modifié"
    NEW = "new", "Nouveau stage et nouveau rapport"


class RepeaterContract(models.TextChoices):
    """An apprentice repeater's contract (seed 001 §5, 002 §D, 003 §4; contract v1.1)."""

    EXTENDED = "extended", "Contrat initial prolongé d'un an"
    NEW_EMPLOYER = "new-employer", "Nouveau contrat avec un autre employeur"


class Relation(models.TextChoices):
    MOTHER = "mere", "Mère"
    FATHER = "pere", "Père"
    GUARDIAN = "tuteur-legal", "Tuteur légal"
    OTHER = "autre", "Autre"
