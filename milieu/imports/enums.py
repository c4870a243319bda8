from django.db import models


class ImportKind(models.TextChoices):
    STUDENTS = "eleves", "Élèves"
    HOSTS = "organismes", "Organismes d’accueil"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "En attente de vérification"
    VALIDATING = "validating", "Vérification en cours"
    READY = "ready", "Vérifié, en attente de confirmation"
    APPLYING = "applying", "Import en cours"
    DONE = "done", "Importé"
    FAILED = "failed", "Fichier refusé"
    CANCELLED = "cancelled", "Abandonné"


RUNNING_STATUSES = frozenset({ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.APPLYING})
"""The background task is (or should be) working: the page polls the progress."""

FINISHED_STATUSES = frozenset({ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED})


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = (
        "tout-ou-rien",
        "Tout ou rien : importer seulement si aucune ligne n’est en erreur",
    )
    VALID_ONLY = (
        "lignes-valides",
        "Importer seulement les lignes valides (les lignes en erreur sont ignorées)",
    )


class RowStatus(models.TextChoices):
    CREATE = "create", "Création"
    UPDATE = "update", "Mise à jour"
    ERROR = "error", "Erreur"
