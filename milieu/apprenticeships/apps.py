from django.apps import AppConfig


class ApprenticeshipsConfig(AppConfig):
    name = "milieu.apprenticeships"
    label = "apprenticeships"
    verbose_name = "Contrats d'apprentissage et maîtres d'apprentissage"
