"""Visits made before the history existed get the steps whose author and time are known: the
planning (`planned_by`, `created_at`) and the report (the visiting teacher, `reported_at`)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Visit = apps.get_model("visits", "Visit")
    VisitEvent = apps.get_model("visits", "VisitEvent")
    events = []
    for visit in Visit.objects.filter(events__isnull=True).iterator():
        events.append(
            VisitEvent(
                visit_id=visit.pk,
                action="planned",
                actor_id=visit.planned_by_id,
                at=visit.created_at,
                detail="Étape reprise de l'historique antérieur.",
            )
        )
        if visit.reported_at is not None:
            events.append(
                VisitEvent(
                    visit_id=visit.pk,
                    action="reported",
                    actor_id=visit.teacher_id,
                    at=visit.reported_at,
                    detail="Étape reprise de l'historique antérieur.",
                )
            )
    VisitEvent.objects.bulk_create(events, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("visits", "0002_events_and_feeds")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
