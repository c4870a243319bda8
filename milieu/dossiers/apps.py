from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "milieu.dossiers"
    verbose_name = "Dossiers de stage"
