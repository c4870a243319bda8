"""The one place that answers "may this user do that to this object?".

Views fetch objects through the `visible_*` querysets (another establishment's object is a 404,
never a 403 that would confirm it exists), then ask `can(user, action, obj)` for the action (403
when refused). Templates ask the same through the `can` template filter. Nothing else in Milieu
decides who may do what.

Who sees what:
- school staff (chef d'établissement, DDFPT, secretariat) see their establishment;
- teachers see the cohorts they are in charge of, and their students;
- students see themselves;
- rectorat staff (exam service, recteur's delegate) see their académie, read-mostly;
- hosts, their sites and tutors are a shared directory of professional contacts that any school or
  rectorat account may read; school staff may add them. Only the managers of an establishment
  that works with one (a placement or a convention of one of its students, or added for it) may
  edit it: never a teacher, never another school that merely reads the directory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from milieu.people.enums import MANAGER_ROLES, RECTORAT_ROLES, STAFF_ROLES, Role


@dataclass(frozen=True)
class Scope:
    """What a user's memberships open: roles per establishment and per académie."""

    establishments: dict[int, frozenset[str]] = field(default_factory=dict)
    academies: dict[int, frozenset[str]] = field(default_factory=dict)
    user_id: int | None = None
    is_superuser: bool = False

    def roles_in(self, establishment_id: int) -> frozenset[str]:
        return self.establishments.get(establishment_id, frozenset())

    def manages(self, establishment_id: int) -> bool:
        return bool(self.roles_in(establishment_id) & MANAGER_ROLES)

    def is_head(self, establishment_id: int) -> bool:
        return Role.HEAD in self.roles_in(establishment_id)

    def is_staff_of(self, establishment_id: int) -> bool:
        return bool(self.roles_in(establishment_id) & STAFF_ROLES)

    def rectorat_of(self, academie_id: int) -> frozenset[str]:
        return self.academies.get(academie_id, frozenset())

    @property
    def is_school_staff(self) -> bool:
        return any(roles & STAFF_ROLES for roles in self.establishments.values())

    @property
    def is_rectorat(self) -> bool:
        return any(roles & RECTORAT_ROLES for roles in self.academies.values())

    @property
    def is_student(self) -> bool:
        return any(Role.STUDENT in roles for roles in self.establishments.values())

    @property
    def managed_establishments(self) -> list[int]:
        return [e for e, roles in self.establishments.items() if roles & MANAGER_ROLES]

    @property
    def staff_establishments(self) -> list[int]:
        return [e for e, roles in self.establishments.items() if roles & STAFF_ROLES]


_EMPTY = Scope()


def scope_of(user: Any) -> Scope:
    """The user's scope, read once per request (cached on the user object)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return _EMPTY
    cached: Scope | None = getattr(user, "_milieu_scope", None)
    if cached is not None:
        return cached
    from milieu.people.models import Membership

    establishments: dict[int, set[str]] = {}
    academies: dict[int, set[str]] = {}
    for role, establishment_id, academie_id in Membership.objects.filter(user=user).values_list(
        "role", "establishment_id", "academie_id"
    ):
        if establishment_id is not None:
            establishments.setdefault(establishment_id, set()).add(role)
        if academie_id is not None:
            academies.setdefault(academie_id, set()).add(role)
    scope = Scope(
        establishments={k: frozenset(v) for k, v in establishments.items()},
        academies={k: frozenset(v) for k, v in academies.items()},
        user_id=user.pk,
        is_superuser=user.is_superuser,
    )
    user._milieu_scope = scope
    return scope


# --- what a user may see ------------------------------------------------------------------


def visible_academies(user: Any) -> QuerySet[Any]:
    """The académies whose rectorat the user belongs to."""
    from milieu.establishments.models import Academie

    return Academie.objects.filter(pk__in=list(scope_of(user).academies))


def visible_establishments(user: Any) -> QuerySet[Any]:
    from milieu.establishments.models import Establishment

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
    from milieu.establishments.models import Cohort

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
    from milieu.students.models import Student

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
    from milieu.establishments.models import Cohort

    ids = _visible_cohort_ids(scope_of(user))
    if ids is None:
        return Cohort.objects.none()
    return Cohort.objects.filter(pk__in=ids).select_related(
        "establishment", "establishment__academie"
    )


def visible_students(user: Any) -> QuerySet[Any]:
    from milieu.students.models import Student

    ids = _visible_student_ids(scope_of(user))
    if ids is None:
        return Student.objects.none()
    return Student.objects.filter(pk__in=ids).select_related("cohort", "cohort__establishment")


def visible_student_values(user: Any, column: str, *conditions: Any) -> QuerySet[Any]:
    """`column` of the visible students that meet `conditions` (e.g. the cohorts of those who
    have a convention), as a subquery that reads no student outside the user's scope."""
    from milieu.students.models import Student

    found = _visible_student_ids(scope_of(user), column, *conditions)
    return Student.objects.none().values(column) if found is None else found


def visible_hosts(user: Any) -> QuerySet[Any]:
    from milieu.hosts.models import Host

    s = scope_of(user)
    if s.is_school_staff or s.is_rectorat or s.is_student:
        return Host.objects.all()
    return Host.objects.none()


def visible_tutors(user: Any) -> QuerySet[Any]:
    """Tutors are professional contacts: school staff and rectorat read them, students do not."""
    from milieu.hosts.models import Tutor

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
    from milieu.people.models import Membership

    creators = Membership.objects.filter(
        establishment_id__in=establishment_ids, role__in=sorted(STAFF_ROLES)
    ).values("user_id")
    return Q(created_in_id__in=establishment_ids) | Q(
        created_in__isnull=True, created_by_id__in=creators
    )


def _hosts_worked_with(establishment_ids: list[int]) -> Q:
    from milieu.conventions.models import Convention
    from milieu.hosts.models import Placement

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


def _tutors_worked_with(establishment_ids: list[int]) -> Q:
    from milieu.conventions.models import Amendment, Convention
    from milieu.hosts.models import Placement

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
    from milieu.hosts.models import Host

    managed = scope_of(user).managed_establishments
    if not managed:
        return Host.objects.none()
    return Host.objects.filter(_hosts_worked_with(managed))


def editable_tutors(user: Any) -> QuerySet[Any]:
    """The tutors the user may edit: those an establishment they manage works with."""
    from milieu.hosts.models import Tutor

    managed = scope_of(user).managed_establishments
    if not managed:
        return Tutor.objects.none()
    return Tutor.objects.filter(_tutors_worked_with(managed))


def editable_tutors_condition(user: Any) -> Q | None:
    """The condition of `editable_tutors` on the Tutor table, to annotate a list with (None when
    the user may edit no tutor)."""
    managed = scope_of(user).managed_establishments
    return _tutors_worked_with(managed) if managed else None


def establishments_working_with(obj: Any) -> list[int]:
    """The establishments that work with a host or a tutor (as above): the audit rows of its
    edits are addressed to each of them, so that their heads see who changed it."""
    from milieu.conventions.models import Amendment, Convention
    from milieu.hosts.models import Host, Placement
    from milieu.people.models import Membership

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
    from milieu.conventions.models import Convention

    ids = _visible_student_ids(scope_of(user))
    if ids is None:
        return Convention.objects.none().with_parties()
    return Convention.objects.filter(student_id__in=ids).with_parties()


def visible_placements(user: Any) -> QuerySet[Any]:
    from milieu.hosts.models import Placement

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
    from milieu.imports.models import ImportJob

    return ImportJob.objects.filter(
        establishment__in=visible_establishments(user).values("pk")
    ).select_related("establishment", "cohort", "created_by")


# --- what a user may do -------------------------------------------------------------------

Check = Callable[[Scope, Any], bool]


def _cohort_teacher(s: Scope, cohort: Any) -> bool:
    return s.is_staff_of(cohort.establishment_id) and cohort.teachers.filter(pk=s.user_id).exists()


def _establishment_view(s: Scope, e: Any) -> bool:
    return s.is_staff_of(e.pk) or bool(s.rectorat_of(e.academie_id))


def _cohort_view(s: Scope, c: Any) -> bool:
    e = c.establishment
    return s.manages(e.pk) or bool(s.rectorat_of(e.academie_id)) or _cohort_teacher(s, c)


def _student_view(s: Scope, st: Any) -> bool:
    return (st.user_id is not None and st.user_id == s.user_id) or _cohort_view(s, st.cohort)


def _student_change(s: Scope, st: Any) -> bool:
    return s.manages(st.cohort.establishment_id)


def _placement_propose(s: Scope, st: Any) -> bool:
    """A student proposes a host for themselves; staff of the cohort for any of its students."""
    own = st.user_id is not None and st.user_id == s.user_id
    return own or s.manages(st.cohort.establishment_id) or _cohort_teacher(s, st.cohort)


def _convention_create(s: Scope, st: Any) -> bool:
    """The cohort's staff draft a convention; the student only where the establishment allows
    it (`Establishment.students_draft_conventions`, issue 13 §17)."""
    if s.manages(st.cohort.establishment_id) or _cohort_teacher(s, st.cohort):
        return True
    return _own_student(s, st) and bool(st.cohort.establishment.students_draft_conventions)


def _placement_validate(s: Scope, p: Any) -> bool:
    """The pedagogical team validates (seed 001 §2.1.2): teachers of the cohort and the DDFPT."""
    cohort = p.student.cohort
    roles = s.roles_in(cohort.establishment_id)
    return Role.DDFPT in roles or Role.HEAD in roles or _cohort_teacher(s, cohort)


def _placement_arrete(s: Scope, p: Any) -> bool:
    """The chef d'établissement *arrête* the choice (seed 001 §2.1.2)."""
    return s.is_head(p.student.cohort.establishment_id)


def _placement_withdraw(s: Scope, p: Any) -> bool:
    own = p.student.user_id is not None and p.student.user_id == s.user_id
    return own or _placement_validate(s, p)


def _convention_view(s: Scope, c: Any) -> bool:
    return _student_view(s, c.student)


def _convention_edit(s: Scope, c: Any) -> bool:
    """A draft is edited by the student it concerns, the managers and the cohort's teachers."""
    return _placement_propose(s, c.student)


def _convention_validate(s: Scope, c: Any) -> bool:
    """The pedagogical team validates: the cohort's teachers, the DDFPT, the head."""
    cohort = c.student.cohort
    roles = s.roles_in(cohort.establishment_id)
    return Role.DDFPT in roles or Role.HEAD in roles or _cohort_teacher(s, cohort)


@dataclass(frozen=True)
class _AsConvention:
    """A student seen as the pedagogical team sees a convention's (`_convention_validate`)."""

    student: Any


def _followup_manage(s: Scope, c: Any) -> bool:
    """The tutor's link is issued by the managers and the cohort's teachers."""
    return s.manages(c.student.cohort.establishment_id) or _cohort_teacher(s, c.student.cohort)


def _host_change(s: Scope, h: Any) -> bool:
    """A manager of an establishment that works with the host (see `editable_hosts`)."""
    from milieu.hosts.models import Host

    managed = s.managed_establishments
    return bool(managed) and Host.objects.filter(_hosts_worked_with(managed), pk=h.pk).exists()


def _tutor_change(s: Scope, t: Any) -> bool:
    """A manager of an establishment that works with the tutor (see `editable_tutors`)."""
    from milieu.hosts.models import Tutor

    managed = s.managed_establishments
    return bool(managed) and Tutor.objects.filter(_tutors_worked_with(managed), pk=t.pk).exists()


def _own_student(s: Scope, st: Any) -> bool:
    return st.user_id is not None and st.user_id == s.user_id


def _cohort_staff(s: Scope, cohort: Any) -> bool:
    """The managers of the cohort's establishment and the cohort's teachers."""
    return s.manages(cohort.establishment_id) or _cohort_teacher(s, cohort)


DEROGATION_REQUESTERS = frozenset({Role.HEAD, Role.DDFPT})


def _derogation_requester(s: Scope, establishment_id: int) -> bool:
    """The head and the DDFPT ask the recteur on behalf of their establishment."""
    return bool(s.roles_in(establishment_id) & DEROGATION_REQUESTERS)


def _derogation_requester_anywhere(s: Scope) -> bool:
    return any(roles & DEROGATION_REQUESTERS for roles in s.establishments.values())


def _derogation_view(s: Scope, r: Any) -> bool:
    """The requesting school sees its requests; the rectorat of the académie sees them once
    they are submitted (a draft stays the school's)."""
    establishment = r.student.cohort.establishment
    if _derogation_requester(s, establishment.pk):
        return True
    return r.status != "draft" and bool(s.rectorat_of(establishment.academie_id))


RULES: dict[str, Check] = {
    "academie.view": lambda s, a: bool(s.rectorat_of(a.pk)),
    "establishment.view": _establishment_view,
    "establishment.manage": lambda s, e: s.manages(e.pk),
    "establishment.import": lambda s, e: s.manages(e.pk),
    "cohort.list": lambda s, _: s.is_school_staff or s.is_rectorat,
    "cohort.create": lambda s, e: s.manages(e.pk),
    "cohort.view": _cohort_view,
    "cohort.change": lambda s, c: s.manages(c.establishment_id),
    "student.view": _student_view,
    "student.change": _student_change,
    "student.export": _student_view,
    # the managers invite students without an account to join (obj: the student, the cohort)
    "student.invite": lambda s, st: s.manages(st.cohort.establishment_id),
    "cohort.invite": lambda s, c: s.manages(c.establishment_id),
    "placement.propose": _placement_propose,
    "placement.validate": _placement_validate,
    "placement.reject": _placement_validate,
    "placement.arrete": _placement_arrete,
    "placement.withdraw": _placement_withdraw,
    "host.view": lambda s, h: s.is_school_staff or s.is_rectorat or s.is_student,
    # the shared directory: any school staff adds a host or a tutor (obj: the host); editing one
    # (and adding a site to a host) is for the managers of a school that works with it
    "host.change": _host_change,
    "host.create": lambda s, _: s.is_school_staff,
    "tutor.view": lambda s, t: s.is_school_staff or s.is_rectorat,
    "tutor.create": lambda s, _: s.is_school_staff,
    "tutor.change": _tutor_change,
    "convention.list": lambda s, _: s.is_school_staff or s.is_rectorat or s.is_student,
    "convention.view": _convention_view,
    "convention.create": _convention_create,
    "convention.change": _convention_edit,
    "convention.submit": _convention_edit,
    "convention.validate": _convention_validate,
    "convention.approve": lambda s, c: s.is_head(c.student.cohort.establishment_id),
    "convention.send": lambda s, c: s.manages(c.student.cohort.establishment_id),
    "convention.cancel": lambda s, c: s.manages(c.student.cohort.establishment_id),
    "convention.amend": lambda s, c: s.manages(c.student.cohort.establishment_id),
    # teachers' visits (seeds 000, 004): the pedagogical team plans; the visitor reports
    "visit.plan": _convention_validate,
    "visit.report": lambda s, v: (
        v.teacher_id == s.user_id and s.is_staff_of(v.convention.student.cohort.establishment_id)
    ),
    "visit.cancel": lambda s, v: v.teacher_id == s.user_id or _convention_validate(s, v.convention),
    "visit.alerts": lambda s, _: s.is_school_staff or s.is_rectorat,
    # follow-up (tutor's link, absences, certificate): the cohort's staff; the rectorat reads
    "followup.view": lambda s, c: (
        _followup_manage(s, c) or bool(s.rectorat_of(c.student.cohort.establishment.academie_id))
    ),
    "followup.manage": lambda s, c: _followup_manage(s, c),
    # the evaluation grid / fiche d'appréciation (seeds 001 §2.1.4, 003 §2.1.4): the tutor fills
    # it through their link, the pedagogical team co-signs it (obj: the convention)
    "evaluation.cosign": _convention_validate,
    # bma-bijou's training contract and bilan (seed 004 §1): tutor (link), team and candidate
    "followup.team_sign": _convention_validate,
    "followup.candidate_sign": lambda s, c: _own_student(s, c.student),
    # BEP: the préparation and exploitation pédagogique of each period (seed 000 §1), recorded
    # by the cohort's teachers and the managers (obj: the convention)
    "followup.pedagogy": lambda s, c: _followup_manage(s, c),
    # reports (obj: the student, or the cohort for the deadline and the list)
    # the student, or the cohort's staff on behalf of a student who handed it on paper or by
    # e-mail (the deposit records who did it: `ReportDeposit.uploaded_by`)
    "report.deposit": lambda s, st: _own_student(s, st) or _cohort_staff(s, st.cohort),
    "report.view": lambda s, st: _student_view(s, st),
    "report.list": _cohort_view,
    "report.set_deadline": _cohort_staff,
    # a teacher of the cohort corrects a figure the analyser got wrong (issue 12)
    "report.correct": lambda s, st: _cohort_teacher(s, st.cohort),
    # evidence replacing the certificate (apprentices, continuing education; obj: the student)
    "evidence.deposit": lambda s, st: _own_student(s, st) or _cohort_staff(s, st.cohort),
    "evidence.view": lambda s, st: _student_view(s, st),
    "evidence.review": lambda s, st: s.manages(st.cohort.establishment_id),
    # an apprentice's apprenticeship record and the maître d'apprentissage's link (obj: the
    # student): the managers and the cohort's teachers record it and send the link; the
    # pedagogical team (head, DDFPT, the cohort's teachers) co-signs the grid (001 §2.2)
    "apprenticeship.view": lambda s, st: _student_view(s, st),
    "apprenticeship.manage": lambda s, st: _cohort_staff(s, st.cohort),
    "apprenticeship.cosign": lambda s, st: _convention_validate(s, _AsConvention(st)),
    # BEP: the attestation joined to the livret scolaire (seed 000; obj: the cohort)
    "livret.export": _cohort_staff,
    # a teacher's own visit calendar feed (no object)
    "visit.feed": lambda s, _: s.is_school_staff,
    # the establishment's audit journal (obj: the establishment): its head, who answers for
    # the processing of its data; not the DDFPT nor the rectorat, whose actions it records
    "audit.view": lambda s, e: s.is_head(e.pk),
    # the exam side (milieu.exams): sessions are the rectorat's (obj: the académie); the school's
    # head and DDFPT ask the recteur for derogations (obj: the student, then the request), only
    # the recteur's delegate of the student's académie decides (seed 001 §3: « le recteur est
    # seul autorisé »)
    "exam_session.list": lambda s, _: s.is_rectorat,
    "exam_session.manage": lambda s, a: bool(s.rectorat_of(a.pk) & RECTORAT_ROLES),
    "derogation.list": lambda s, _: _derogation_requester_anywhere(s) or s.is_rectorat,
    "derogation.queue": lambda s, _: s.is_rectorat,
    "derogation.request": lambda s, st: _derogation_requester(s, st.cohort.establishment_id),
    "derogation.view": _derogation_view,
    "derogation.change": lambda s, r: _derogation_requester(s, r.student.cohort.establishment_id),
    "derogation.decide": lambda s, r: (
        Role.RECTEUR_DELEGATE in s.rectorat_of(r.student.cohort.establishment.academie_id)
    ),
    # issue 13: the establishment's team settings (head, DDFPT); a signature reminder from the
    # convention's page (the managers, as sending); the header's student search (school staff)
    "establishment.settings": lambda s, e: bool(s.roles_in(e.pk) & {Role.HEAD, Role.DDFPT}),
    "convention.remind": lambda s, c: s.manages(c.student.cohort.establishment_id),
    "student.search": lambda s, _: s.is_school_staff or s.is_rectorat,
    # the jury's information (obj: the exam session): issued and read by the académie's rectorat;
    # the transmission to the exam service (obj: the establishment): its head and DDFPT, or the
    # rectorat of its académie
    "jury.view": lambda s, es: bool(s.rectorat_of(es.academie_id)),
    "jury.issue": lambda s, es: bool(s.rectorat_of(es.academie_id)),
    "transmission.list": lambda s, _: _derogation_requester_anywhere(s) or s.is_rectorat,
    "transmission.download": lambda s, e: (
        _derogation_requester(s, e.pk) or bool(s.rectorat_of(e.academie_id))
    ),
    # the académie board of stored verdicts and its exports (milieu.exams.board): the rectorat
    "eligibility.board": lambda s, _: s.is_rectorat,
    # the exam service's API keys (obj: the académie): created and revoked by its rectorat
    "api_token.list": lambda s, _: s.is_rectorat,
    "api_token.manage": lambda s, a: bool(s.rectorat_of(a.pk) & RECTORAT_ROLES),
    # the establishment board of stored verdicts (obj: the establishment): its head and DDFPT
    "eligibility.school_board": lambda s, e: _derogation_requester(s, e.pk),
    # the report's conformity (seed 001 §4, obj: the student): the exam service of its académie
    "report_conformity.list": lambda s, _: any(
        Role.EXAM_SERVICE in roles for roles in s.academies.values()
    ),
    "report_conformity.pronounce": lambda s, st: (
        Role.EXAM_SERVICE in s.rectorat_of(st.cohort.establishment.academie_id)
    ),
}


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May `user` do `action` (e.g. "student.view") to `obj`? Unknown actions are refused."""
    check = RULES.get(action)
    if check is None:
        raise KeyError(f"unknown action {action!r}")
    s = scope_of(user)
    if s.user_id is None:
        return False
    return bool(check(s, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied("Vous n'avez pas le droit d'effectuer cette action.")
