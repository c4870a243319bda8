from django.apps import AppConfig


class OidcConfig(AppConfig):
    name = "milieu.oidc"
    label = "oidc"
    verbose_name = "Connexion par ProConnect et ÉduConnect"
