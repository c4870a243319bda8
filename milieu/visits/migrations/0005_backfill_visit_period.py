"""Visits planned before they had a period get one: the convention's active period whose dates
contain the visit's day (`planned_at` in local time), else the active period nearest to it.

A cancelled convention has no active period left (its cancellation deactivates them all): its
visits take the nearest of all its periods. Every convention has at least one period (creating
or editing one refuses an empty list); a visit of a convention without any would be reported
here, by name, rather than by the NOT NULL of the next migration.
"""

from collections import defaultdict
from datetime import date

from django.db import migrations
from django.utils import timezone


def distance(day, start, end):
    """Days between `day` and the period [start, end]: 0 inside it."""
    if day < start:
        return (start - day).days
    if day > end:
        return (day - end).days
    return 0


def choose_period(day: date, periods):
    """The period of a visit made on `day`, among (pk, start, end, active) rows of its
    convention: an active one containing the day, else the nearest active one (the earlier on
    a tie), else the nearest of them all; None when there is none."""
    candidates = [p for p in periods if p[3]] or list(periods)
    if not candidates:
        return None
    return min(candidates, key=lambda p: (distance(day, p[1], p[2]), p[1], p[0]))[0]


def backfill(apps, schema_editor):
    Visit = apps.get_model("visits", "Visit")
    ConventionPeriod = apps.get_model("conventions", "ConventionPeriod")
    pending = list(Visit.objects.filter(period__isnull=True).order_by("pk"))
    if not pending:
        return
    periods = defaultdict(list)
    rows = ConventionPeriod.objects.filter(
        convention_id__in={visit.convention_id for visit in pending}
    ).values_list("convention_id", "pk", "start", "end", "active")
    for convention_id, *period in rows:
        periods[convention_id].append(tuple(period))
    orphans = []
    for visit in pending:
        day = timezone.localtime(visit.planned_at).date()
        visit.period_id = choose_period(day, periods[visit.convention_id])
        if visit.period_id is None:
            orphans.append(visit.pk)
    if orphans:
        raise RuntimeError(
            "Visites dont la convention n'a aucune période : "
            + ", ".join(f"n° {pk}" for pk in orphans)
            + ". Ajoutez-lui une période puis relancez la migration."
        )
    Visit.objects.bulk_update(pending, ["period"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0002_no_overlapping_periods"),
        ("visits", "0004_visit_period"),
    ]

    # a separate migration from the NOT NULL (0006): PostgreSQL refuses an ALTER TABLE in the
    # transaction that has just updated the rows it checks (pending deferred trigger events)
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
