from django.apps import AppConfig


class RegulationConfig(AppConfig):
    name = "milieu.regulation"
    verbose_name = "Réglementation"
