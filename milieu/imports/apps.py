from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "milieu.imports"
    label = "imports"
    verbose_name = "Imports de fichiers"
