from django.apps import AppConfig


class LivretConfig(AppConfig):
    name = "milieu.livret"
    label = "livret"
    verbose_name = "Attestations jointes au livret scolaire"

    def ready(self) -> None:
        from milieu.health.recovery import recoverable
        from milieu.livret.processing import fail_job, requeue_job

        recoverable("milieu.livret.tasks.build_livret", back=requeue_job, failed=fail_job)
