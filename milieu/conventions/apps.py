from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "milieu.conventions"
    label = "conventions"
    verbose_name = "Conventions de stage"
