from django.apps import AppConfig


class HostsConfig(AppConfig):
    name = "milieu.hosts"
    label = "hosts"
    verbose_name = "Organismes d'accueil et tuteurs"
