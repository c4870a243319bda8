from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "milieu.evidence"
    label = "evidence"
    verbose_name = "Pièces justificatives"
