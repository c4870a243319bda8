from django.apps import AppConfig


class CheckerConfig(AppConfig):
    name = "milieu.checker"
    verbose_name = "Vérification des dossiers de stage"
