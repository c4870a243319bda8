from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "milieu.imports"
    label = "imports"
    verbose_name = "Imports de fichiers"

    def ready(self) -> None:
        from milieu.health.recovery import nothing_to_put_back, recoverable
        from milieu.imports.processing import fail_job, requeue_validation

        recoverable(
            "milieu.imports.tasks.validate_import", back=requeue_validation, failed=fail_job
        )
        recoverable("milieu.imports.tasks.apply_import", back=nothing_to_put_back, failed=fail_job)
