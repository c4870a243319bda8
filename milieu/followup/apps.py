from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "milieu.followup"
    label = "followup"
    verbose_name = "Suivi du stage : tuteurs, absences, attestations"
