from django.apps import AppConfig


class LivretConfig(AppConfig):
    name = "milieu.livret"
    label = "livret"
    verbose_name = "Attestations jointes au livret scolaire"
