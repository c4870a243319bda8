from django.apps import AppConfig


class EstablishmentsConfig(AppConfig):
    name = "milieu.establishments"
    label = "establishments"
    verbose_name = "Académies, établissements et promotions"
