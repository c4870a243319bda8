"""Creating and changing a cohort: permission, optimistic locking, audit rows.

The teachers of a cohort see its students (`milieu.permissions`): who gains or loses that
access is recorded apart (`COHORT_TEACHERS_CHANGED`, with the accounts added and removed), beside
the edit itself (`COHORT_EDITED`, field by field). A PFMP window added or changed is a
`PERIOD_EDITED` row: the dates the conventions and the board rely on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.forms import ModelForm

from milieu import editlock
from milieu.audit.enums import AuditAction
from milieu.audit.journal import diff, record, snapshot
from milieu.establishments.models import Cohort, CohortPeriod, Establishment
from milieu.permissions import Action, require

if TYPE_CHECKING:
    from milieu.people.models import User

EDITED_FIELDS = ("name", "diploma", "school_year", "training_start", "session")
PERIOD_FIELDS = ("label", "start", "end")
TEACHERS = "teachers"
NOUN = "Cette promotion"


def label(name: str) -> str:
    """The French name of a recorded field."""
    return str(getattr(Cohort._meta.get_field(name), "verbose_name", name)).capitalize()


def _teachers(cohort: Cohort) -> dict[int, str]:
    return {
        user.pk: f"{user.get_full_name() or user.email} <{user.email}>".strip()
        for user in cohort.teachers.order_by("last_name", "first_name", "pk")
    }


def _record_teachers(
    cohort: Cohort, before: dict[int, str], after: dict[int, str], *, by: User, ip: str | None
) -> dict[str, list[Any]]:
    """One `COHORT_TEACHERS_CHANGED` row when the teachers (and so access to the students)
    changed; returns the teachers' diff for the edit row."""
    added = [after[pk] for pk in after if pk not in before]
    removed = [before[pk] for pk in before if pk not in after]
    if not added and not removed:
        return {}
    record(
        AuditAction.COHORT_TEACHERS_CHANGED,
        actor=by,
        obj=cohort,
        establishment=cohort.establishment,
        ip=ip,
        changes={
            "added": added,
            "removed": removed,
            "added_ids": [pk for pk in after if pk not in before],
            "removed_ids": [pk for pk in before if pk not in after],
        },
    )
    return {TEACHERS: [sorted(before.values()), sorted(after.values())]}


def create_cohort(form: ModelForm[Cohort], *, by: User, ip: str | None = None) -> Cohort:
    """Save a new cohort from its valid form; its teachers gain access to its students."""
    with transaction.atomic():
        cohort = form.save(commit=False)
        require(by, Action.COHORT_CREATE, cohort.establishment)
        cohort.save()
        form.save_m2m()
        _record_teachers(cohort, {}, _teachers(cohort), by=by, ip=ip)
    return cohort


def update_cohort(
    form: ModelForm[Cohort], *, version: int, by: User, ip: str | None = None
) -> Cohort:
    """Save the valid `form` of a cohort still at `version`, else `editlock.EditConflict` and
    nothing saved; an audit row for the edit and one for the teachers who gain or lose access."""
    cohort = form.instance
    require(by, Action.COHORT_CHANGE, cohort)
    with transaction.atomic():
        if not editlock.claim(Cohort, cohort.pk, version):
            current = Cohort.objects.get(pk=cohort.pk)
            others = editlock.changes_since(
                current, AuditAction.COHORT_EDITED, version, label_with_teachers
            ) or editlock.saved_differences(current, form.cleaned_data, EDITED_FIELDS, label)
            raise editlock.EditConflict(current, version, others, noun=NOUN)
        saved = Cohort.objects.get(pk=cohort.pk)
        before = snapshot(saved, EDITED_FIELDS)
        teachers_before = _teachers(saved)
        cohort.version = version  # saved as version + 1
        form.save()
        changes: dict[str, Any] = diff(before, snapshot(cohort, EDITED_FIELDS))
        changes.update(_record_teachers(cohort, teachers_before, _teachers(cohort), by=by, ip=ip))
        changes["version"] = [version, cohort.version]
        record(
            AuditAction.COHORT_EDITED,
            actor=by,
            obj=cohort,
            establishment=cohort.establishment,
            ip=ip,
            changes=changes,
        )
    return cohort


def label_with_teachers(name: str) -> str:
    return "Enseignants responsables" if name == TEACHERS else label(name)


def save_period(form: ModelForm[CohortPeriod], *, by: User, ip: str | None = None) -> CohortPeriod:
    """Save a cohort's new or changed PFMP window from its valid form; one audit row with the
    fields changed (nothing written when nothing changed)."""
    period = form.instance
    require(by, Action.COHORT_CHANGE, period.cohort)
    with transaction.atomic():
        before: dict[str, Any] = {}
        if period.pk is not None:
            before = snapshot(CohortPeriod.objects.get(pk=period.pk), PERIOD_FIELDS)
        form.save()
        changes = diff(before, snapshot(period, PERIOD_FIELDS))
        if changes:
            record(
                AuditAction.PERIOD_EDITED,
                actor=by,
                obj=period,
                establishment=period.cohort.establishment,
                ip=ip,
                changes=changes,
            )
    return period


def update_settings(
    form: ModelForm[Establishment], *, by: User, ip: str | None = None
) -> Establishment:
    """Save the establishment's team settings from their valid form (issue 13 §17); one audit
    row with the settings changed."""
    establishment = form.instance
    require(by, Action.ESTABLISHMENT_SETTINGS, establishment)
    fields = list(form.Meta.fields)  # type: ignore[attr-defined]
    with transaction.atomic():
        before = snapshot(Establishment.objects.get(pk=establishment.pk), fields)
        form.save()
        record(
            AuditAction.OTHER,
            actor=by,
            obj=establishment,
            establishment=establishment,
            ip=ip,
            changes=diff(before, snapshot(establishment, fields)),
        )
    return establishment
