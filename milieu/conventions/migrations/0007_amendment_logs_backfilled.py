"""Each avenant created before its own log (0005) gets one row: its creation, by its author, at
its creation time, to the status it has now (its earlier steps stay in the convention's
history, as comments)."""

from typing import Any

from django.db import migrations


def backfill(apps: Any, schema_editor: Any) -> None:
    Amendment = apps.get_model("conventions", "Amendment")
    AmendmentTransition = apps.get_model("conventions", "AmendmentTransition")
    AmendmentTransition.objects.bulk_create(
        AmendmentTransition(
            amendment_id=amendment.pk,
            from_status="",
            to_status=amendment.status,
            actor_id=amendment.created_by_id,
            at=amendment.created_at,
            comment="Étapes antérieures : voir l'historique de la convention.",
        )
        for amendment in Amendment.objects.filter(transitions__isnull=True)
    )


class Migration(migrations.Migration):
    dependencies = [("conventions", "0006_declared_constraints")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
