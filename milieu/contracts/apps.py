from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "milieu.contracts"
    label = "contracts"
    verbose_name = "Contrats de travail de type particulier"
