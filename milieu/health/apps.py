from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "milieu.health"
    verbose_name = "Santé du service"
