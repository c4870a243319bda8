from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """`migrate` also creates the table of the database cache (``CACHE_URL=db://``), so that no
    deployment forgets ``createcachetable``; nothing happens with any other cache."""
    from django.conf import settings
    from django.core.management import call_command

    if any(
        cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
        for cache in settings.CACHES.values()
    ):
        call_command("createcachetable", database=using, verbosity=0)


class PeopleConfig(AppConfig):
    name = "milieu.people"
    label = "people"
    verbose_name = "Personnes et rôles"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from milieu.middleware import start_idle_clock

        post_migrate.connect(_create_cache_table, sender=self)
        user_logged_in.connect(start_idle_clock, dispatch_uid="milieu-idle-clock")
