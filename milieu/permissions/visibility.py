"""What a user may see: one queryset per kind of record, each planned on its indexes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet

from milieu.conventions.models import Amendment, Convention
from milieu.establishments.models import Academie, Cohort, Establishment
from milieu.hosts.models import Host, Placement, Tutor
from milieu.imports.models import ImportJob
from milieu.people.enums import STAFF_ROLES
from milieu.people.models import Membership
from milieu.permissions.scope import Scope, scope_of
from milieu.students.models import Student

__all__ = [
    "editable_hosts",
    "editable_tutors",
    "editable_tutors_condition",
    "establishments_working_with",
    "hosts_worked_with",
    "own_establishment_ids",
    "own_establishment_placements",
    "tutors_worked_with",
    "union_of_pks",
    "visible_academies",
    "visible_cohorts",
    "visible_conventions",
    "visible_establishments",
    "visible_hosts",
    "visible_import_jobs",
    "visible_placements",
    "visible_student_values",
    "visible_students",
    "visible_tutors",
]


# --- what a user may see ------------------------------------------------------------------


def visible_academies(user: Any) -> QuerySet[Any]:
    """The académies whose rectorat the user belongs to."""
    return Academie.objects.filter(pk__in=list(scope_of(user).academies))


def visible_establishments(user: Any) -> QuerySet[Any]:
    s = scope_of(user)
    return Establishment.objects.filter(
        Q(pk__in=s.staff_establishments) | Q(academie_id__in=list(s.academies))
    ).select_related("academie")


def union_of_pks(branches: Sequence[QuerySet[Any]], column: str = "pk") -> QuerySet[Any] | None:
    """One pk subquery per branch, joined by UNION (None when no branch applies). An OR of
    subqueries (« cohort in (…) OR user = … ») keeps PostgreSQL from using any index: it scans
    the whole table and filters each row; a UNION lets it plan each branch on its own index, so
    a school's pages cost the same however many other schools the académie holds (issue 15)."""
    parts = [branch.order_by().values(column) for branch in branches]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return parts[0].union(*parts[1:])


def _visible_cohort_ids(s: Scope) -> QuerySet[Any] | None:
    """The pks of the cohorts the scope opens, one branch per kind of membership."""
    branches = []
    if s.managed_establishments:
        branches.append(Cohort.objects.filter(establishment_id__in=s.managed_establishments))
    if s.academies:
        branches.append(Cohort.objects.filter(establishment__academie_id__in=list(s.academies)))
    taught = _taught_establishments(s)
    if s.user_id and taught:
        branches.append(Cohort.objects.filter(teachers__pk=s.user_id, establishment_id__in=taught))
    return union_of_pks(branches)


def _taught_establishments(s: Scope) -> list[int]:
    """The establishments where the user sees only the cohorts they teach (staff, not manager:
    a manager's branch already opens every cohort of theirs)."""
    managed = set(s.managed_establishments)
    return [e for e in s.staff_establishments if e not in managed]


def _visible_student_ids(s: Scope, column: str = "pk", *conditions: Any) -> QuerySet[Any] | None:
    """The pks (or `column`) of the students the scope opens (and that meet `conditions`):
    those of its cohorts (one branch per kind of membership, joined on the indexed cohort) and
    the user's own record."""
    if not s.user_id:
        return None
    students = Student.objects.filter(*conditions)
    branches = [students.filter(user_id=s.user_id)]
    if s.managed_establishments:
        branches.append(students.filter(cohort__establishment_id__in=s.managed_establishments))
    if s.academies:
        branches.append(students.filter(cohort__establishment__academie_id__in=list(s.academies)))
    taught = _taught_establishments(s)
    if taught:
        branches.append(
            students.filter(cohort__teachers__pk=s.user_id, cohort__establishment_id__in=taught)
        )
    return union_of_pks(branches, column)


def visible_cohorts(user: Any) -> QuerySet[Any]:
    ids = _visible_cohort_ids(scope_of(user))
    if ids is None:
        return Cohort.objects.none()
    return Cohort.objects.filter(pk__in=ids).select_related(
        "establishment", "establishment__academie"
    )


def visible_students(user: Any) -> QuerySet[Any]:
    ids = _visible_student_ids(scope_of(user))
    if ids is None:
        return Student.objects.none()
    return Student.objects.filter(pk__in=ids).select_related("cohort", "cohort__establishment")


def visible_student_values(user: Any, column: str, *conditions: Any) -> QuerySet[Any]:
    """`column` of the visible students that meet `conditions` (e.g. the cohorts of those who
    have a convention), as a subquery that reads no student outside the user's scope."""
    found = _visible_student_ids(scope_of(user), column, *conditions)
    return Student.objects.none().values(column) if found is None else found


def visible_hosts(user: Any) -> QuerySet[Any]:
    s = scope_of(user)
    if s.is_school_staff or s.is_rectorat or s.is_student:
        return Host.objects.all()
    return Host.objects.none()


def visible_tutors(user: Any) -> QuerySet[Any]:
    """Tutors are professional contacts: school staff and rectorat read them, students do not."""
    s = scope_of(user)
    if s.is_school_staff or s.is_rectorat:
        return Tutor.objects.all()
    return Tutor.objects.none()


# --- the shared directory: who may change a host (and its sites) or a tutor ----------------
# A school works with a host or a tutor when one of its students has a placement there (not
# rejected or withdrawn), a convention (not cancelled) or an avenant naming the tutor, or when it
# was added for that school (or, for a record older than that field, by one of its staff).
# Working with a host does not open its tutors: each tutor is judged on its own, so that a school
# sharing a large company with another cannot redirect the other's tutor.

_CLOSED_PLACEMENTS = ("rejected", "withdrawn")
_CANCELLED = "cancelled"


def _created_for(establishment_ids: list[int]) -> Q:
    creators = Membership.objects.filter(
        establishment_id__in=establishment_ids, role__in=sorted(STAFF_ROLES)
    ).values("user_id")
    return Q(created_in_id__in=establishment_ids) | Q(
        created_in__isnull=True, created_by_id__in=creators
    )


def hosts_worked_with(establishment_ids: list[int]) -> Q:
    placements = (
        Placement.objects.filter(student__cohort__establishment_id__in=establishment_ids)
        .exclude(status__in=_CLOSED_PLACEMENTS)
        .values("host_id")
    )
    conventions = (
        Convention.objects.filter(student__cohort__establishment_id__in=establishment_ids)
        .exclude(status=_CANCELLED)
        .values("host_id")
    )
    return Q(pk__in=placements) | Q(pk__in=conventions) | _created_for(establishment_ids)


def tutors_worked_with(establishment_ids: list[int]) -> Q:
    placements = (
        Placement.objects.filter(
            student__cohort__establishment_id__in=establishment_ids, tutor__isnull=False
        )
        .exclude(status__in=_CLOSED_PLACEMENTS)
        .values("tutor_id")
    )
    conventions = (
        Convention.objects.filter(
            student__cohort__establishment_id__in=establishment_ids, tutor__isnull=False
        )
        .exclude(status=_CANCELLED)
        .values("tutor_id")
    )
    amendments = (
        Amendment.objects.filter(
            convention__student__cohort__establishment_id__in=establishment_ids,
            new_tutor__isnull=False,
        )
        .exclude(status=_CANCELLED)
        .values("new_tutor_id")
    )
    return (
        Q(pk__in=placements)
        | Q(pk__in=conventions)
        | Q(pk__in=amendments)
        | _created_for(establishment_ids)
    )


def editable_hosts(user: Any) -> QuerySet[Any]:
    """The hosts (and so their sites) the user may edit: those an establishment they manage
    works with. Teachers, students and the rectorat edit none."""
    managed = scope_of(user).managed_establishments
    if not managed:
        return Host.objects.none()
    return Host.objects.filter(hosts_worked_with(managed))


def editable_tutors(user: Any) -> QuerySet[Any]:
    """The tutors the user may edit: those an establishment they manage works with."""
    managed = scope_of(user).managed_establishments
    if not managed:
        return Tutor.objects.none()
    return Tutor.objects.filter(tutors_worked_with(managed))


def editable_tutors_condition(user: Any) -> Q | None:
    """The condition of `editable_tutors` on the Tutor table, to annotate a list with (None when
    the user may edit no tutor)."""
    managed = scope_of(user).managed_establishments
    return tutors_worked_with(managed) if managed else None


def establishments_working_with(obj: Any) -> list[int]:
    """The establishments that work with a host or a tutor (as above): the audit rows of its
    edits are addressed to each of them, so that their heads see who changed it."""
    field = "host" if isinstance(obj, Host) else "tutor"
    found: set[int] = set(
        Placement.objects.filter(**{field: obj})
        .exclude(status__in=_CLOSED_PLACEMENTS)
        .values_list("student__cohort__establishment_id", flat=True)
    )
    found |= set(
        Convention.objects.filter(**{field: obj})
        .exclude(status=_CANCELLED)
        .values_list("student__cohort__establishment_id", flat=True)
    )
    if field == "tutor":
        found |= set(
            Amendment.objects.filter(new_tutor=obj)
            .exclude(status=_CANCELLED)
            .values_list("convention__student__cohort__establishment_id", flat=True)
        )
    if obj.created_in_id is not None:
        found.add(obj.created_in_id)
    elif obj.created_by_id is not None:
        found |= set(
            Membership.objects.filter(
                user_id=obj.created_by_id,
                role__in=sorted(STAFF_ROLES),
                establishment__isnull=False,
            ).values_list("establishment_id", flat=True)
        )
    return sorted(found)


def visible_conventions(user: Any) -> QuerySet[Any]:
    ids = _visible_student_ids(scope_of(user))
    if ids is None:
        return Convention.objects.none().with_parties()
    return Convention.objects.filter(student_id__in=ids).with_parties()


def visible_placements(user: Any) -> QuerySet[Any]:
    ids = _visible_student_ids(scope_of(user))
    if ids is None:
        return Placement.objects.none()
    return Placement.objects.filter(student_id__in=ids).select_related(
        "student", "host", "tutor", "cohort_period"
    )


def own_establishment_placements(user: Any) -> QuerySet[Any]:
    """The visible placements of students of the user's own establishment(s), as a host's page
    lists them: never another school's students, not even for a rectorat account."""
    s = scope_of(user)
    return visible_placements(user).filter(
        student__cohort__establishment_id__in=list(s.establishments)
    )


def own_establishment_ids(user: Any) -> list[int]:
    """The establishments whose staff the user is (a tutor's students are counted for them)."""
    return scope_of(user).staff_establishments


def visible_import_jobs(user: Any) -> QuerySet[Any]:
    """File imports of the establishments the user sees; importing itself needs
    `establishment.import` on the job's establishment."""
    return ImportJob.objects.filter(
        establishment__in=visible_establishments(user).values("pk")
    ).select_related("establishment", "cohort", "created_by")
