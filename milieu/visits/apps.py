from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "milieu.visits"
    label = "visits"
    verbose_name = "Visites des enseignants"
