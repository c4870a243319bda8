from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "milieu.people"
    label = "people"
    verbose_name = "Personnes et rôles"
