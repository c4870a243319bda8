from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "milieu.exams"
    label = "exams"
    verbose_name = "Examens (rectorat)"

    def ready(self) -> None:
        # The convention checks judge a planned dossier; they sit below this app and receive
        # the dossier builder here instead of importing it (no import cycle).
        from milieu.conventions import checks
        from milieu.exams.assembly import build_dossier

        checks.use_dossier_builder(build_dossier)

        # Every operation below this app that changes a dossier's input announces it
        # (`milieu.changes`); the stored verdict is refreshed once it commits.
        from milieu.changes import on_verdict_inputs_changed
        from milieu.exams.verdicts import refresh_soon

        on_verdict_inputs_changed(refresh_soon)
