from django.db import models


class LivretStatus(models.TextChoices):
    QUEUED = "queued", "En attente de traitement"
    RUNNING = "running", "En cours de préparation"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"


RUNNING_STATUSES = frozenset({LivretStatus.QUEUED, LivretStatus.RUNNING})
"""The background task is (or should be) working: the page polls the progress."""
