from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "milieu.reports"
    label = "reports"
    verbose_name = "Rapports de stage"
