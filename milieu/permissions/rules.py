"""What a user may do: one predicate per action (`RULES`), asked through `can` and `require`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from milieu.hosts.models import Host, Tutor
from milieu.people.enums import RECTORAT_ROLES, Role
from milieu.permissions.actions import Action
from milieu.permissions.scope import DEROGATION_REQUESTERS, Scope, scope_of
from milieu.permissions.visibility import hosts_worked_with, tutors_worked_with, visible_students

if TYPE_CHECKING:
    from milieu.students.models import Student

M = TypeVar("M", bound=Model)

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
    managed = s.managed_establishments
    return bool(managed) and Host.objects.filter(hosts_worked_with(managed), pk=h.pk).exists()


def _tutor_change(s: Scope, t: Any) -> bool:
    """A manager of an establishment that works with the tutor (see `editable_tutors`)."""
    managed = s.managed_establishments
    return bool(managed) and Tutor.objects.filter(tutors_worked_with(managed), pk=t.pk).exists()


def _own_student(s: Scope, st: Any) -> bool:
    return st.user_id is not None and st.user_id == s.user_id


def _cohort_staff(s: Scope, cohort: Any) -> bool:
    """The managers of the cohort's establishment and the cohort's teachers."""
    return s.manages(cohort.establishment_id) or _cohort_teacher(s, cohort)


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


RULES: dict[Action, Check] = {
    Action.ACADEMIE_VIEW: lambda s, a: bool(s.rectorat_of(a.pk)),
    Action.ESTABLISHMENT_VIEW: _establishment_view,
    Action.ESTABLISHMENT_MANAGE: lambda s, e: s.manages(e.pk),
    Action.ESTABLISHMENT_IMPORT: lambda s, e: s.manages(e.pk),
    Action.COHORT_LIST: lambda s, _: s.is_school_staff or s.is_rectorat,
    Action.COHORT_CREATE: lambda s, e: s.manages(e.pk),
    Action.COHORT_VIEW: _cohort_view,
    Action.COHORT_CHANGE: lambda s, c: s.manages(c.establishment_id),
    Action.STUDENT_VIEW: _student_view,
    Action.STUDENT_CHANGE: _student_change,
    Action.STUDENT_EXPORT: _student_view,
    # the managers invite students without an account to join (obj: the student, the cohort)
    Action.STUDENT_INVITE: lambda s, st: s.manages(st.cohort.establishment_id),
    Action.COHORT_INVITE: lambda s, c: s.manages(c.establishment_id),
    Action.PLACEMENT_PROPOSE: _placement_propose,
    Action.PLACEMENT_VALIDATE: _placement_validate,
    Action.PLACEMENT_REJECT: _placement_validate,
    Action.PLACEMENT_ARRETE: _placement_arrete,
    Action.PLACEMENT_WITHDRAW: _placement_withdraw,
    Action.HOST_VIEW: lambda s, h: s.is_school_staff or s.is_rectorat or s.is_student,
    # the shared directory: any school staff adds a host or a tutor (obj: the host); editing one
    # (and adding a site to a host) is for the managers of a school that works with it
    Action.HOST_CHANGE: _host_change,
    Action.HOST_CREATE: lambda s, _: s.is_school_staff,
    Action.TUTOR_VIEW: lambda s, t: s.is_school_staff or s.is_rectorat,
    Action.TUTOR_CREATE: lambda s, _: s.is_school_staff,
    Action.TUTOR_CHANGE: _tutor_change,
    Action.CONVENTION_LIST: lambda s, _: s.is_school_staff or s.is_rectorat or s.is_student,
    Action.CONVENTION_VIEW: _convention_view,
    Action.CONVENTION_CREATE: _convention_create,
    Action.CONVENTION_CHANGE: _convention_edit,
    Action.CONVENTION_SUBMIT: _convention_edit,
    Action.CONVENTION_VALIDATE: _convention_validate,
    Action.CONVENTION_APPROVE: lambda s, c: s.is_head(c.student.cohort.establishment_id),
    Action.CONVENTION_SEND: lambda s, c: s.manages(c.student.cohort.establishment_id),
    Action.CONVENTION_CANCEL: lambda s, c: s.manages(c.student.cohort.establishment_id),
    Action.CONVENTION_AMEND: lambda s, c: s.manages(c.student.cohort.establishment_id),
    # teachers' visits (seeds 000, 004): the pedagogical team plans; the visitor reports
    Action.VISIT_PLAN: _convention_validate,
    Action.VISIT_REPORT: lambda s, v: (
        v.teacher_id == s.user_id and s.is_staff_of(v.convention.student.cohort.establishment_id)
    ),
    Action.VISIT_CANCEL: lambda s, v: (
        v.teacher_id == s.user_id or _convention_validate(s, v.convention)
    ),
    Action.VISIT_ALERTS: lambda s, _: s.is_school_staff or s.is_rectorat,
    # follow-up (tutor's link, absences, certificate): the cohort's staff; the rectorat reads
    Action.FOLLOWUP_VIEW: lambda s, c: (
        _followup_manage(s, c) or bool(s.rectorat_of(c.student.cohort.establishment.academie_id))
    ),
    Action.FOLLOWUP_MANAGE: lambda s, c: _followup_manage(s, c),
    # the evaluation grid / fiche d'appréciation (seeds 001 §2.1.4, 003 §2.1.4): the tutor fills
    # it through their link, the pedagogical team co-signs it (obj: the convention)
    Action.EVALUATION_COSIGN: _convention_validate,
    # bma-bijou's training contract and bilan (seed 004 §1): tutor (link), team and candidate
    Action.FOLLOWUP_TEAM_SIGN: _convention_validate,
    Action.FOLLOWUP_CANDIDATE_SIGN: lambda s, c: _own_student(s, c.student),
    # BEP: the préparation and exploitation pédagogique of each period (seed 000 §1), recorded
    # by the cohort's teachers and the managers (obj: the convention)
    Action.FOLLOWUP_PEDAGOGY: lambda s, c: _followup_manage(s, c),
    # reports (obj: the student, or the cohort for the deadline and the list)
    # the student, or the cohort's staff on behalf of a student who handed it on paper or by
    # e-mail (the deposit records who did it: `ReportDeposit.uploaded_by`)
    Action.REPORT_DEPOSIT: lambda s, st: _own_student(s, st) or _cohort_staff(s, st.cohort),
    Action.REPORT_VIEW: lambda s, st: _student_view(s, st),
    Action.REPORT_LIST: _cohort_view,
    Action.REPORT_SET_DEADLINE: _cohort_staff,
    # a teacher of the cohort corrects a figure the analyser got wrong (issue 12)
    Action.REPORT_CORRECT: lambda s, st: _cohort_teacher(s, st.cohort),
    # evidence replacing the certificate (apprentices, continuing education; obj: the student)
    Action.EVIDENCE_DEPOSIT: lambda s, st: _own_student(s, st) or _cohort_staff(s, st.cohort),
    Action.EVIDENCE_VIEW: lambda s, st: _student_view(s, st),
    Action.EVIDENCE_REVIEW: lambda s, st: s.manages(st.cohort.establishment_id),
    # an apprentice's apprenticeship record and the maître d'apprentissage's link (obj: the
    # student): the managers and the cohort's teachers record it and send the link; the
    # pedagogical team (head, DDFPT, the cohort's teachers) co-signs the grid (001 §2.2)
    Action.APPRENTICESHIP_VIEW: lambda s, st: _student_view(s, st),
    Action.APPRENTICESHIP_MANAGE: lambda s, st: _cohort_staff(s, st.cohort),
    Action.APPRENTICESHIP_COSIGN: lambda s, st: _convention_validate(s, _AsConvention(st)),
    # BEP: the attestation joined to the livret scolaire (seed 000; obj: the cohort)
    Action.LIVRET_EXPORT: _cohort_staff,
    # a teacher's own visit calendar feed (no object)
    Action.VISIT_FEED: lambda s, _: s.is_school_staff,
    # the establishment's audit journal (obj: the establishment): its head, who answers for
    # the processing of its data; not the DDFPT nor the rectorat, whose actions it records
    Action.AUDIT_VIEW: lambda s, e: s.is_head(e.pk),
    # the exam side (milieu.exams): sessions are the rectorat's (obj: the académie); the school's
    # head and DDFPT ask the recteur for derogations (obj: the student, then the request), only
    # the recteur's delegate of the student's académie decides (seed 001 §3: « le recteur est
    # seul autorisé »)
    Action.EXAM_SESSION_LIST: lambda s, _: s.is_rectorat,
    Action.EXAM_SESSION_MANAGE: lambda s, a: bool(s.rectorat_of(a.pk) & RECTORAT_ROLES),
    Action.DEROGATION_LIST: lambda s, _: _derogation_requester_anywhere(s) or s.is_rectorat,
    Action.DEROGATION_QUEUE: lambda s, _: s.is_rectorat,
    Action.DEROGATION_REQUEST: lambda s, st: _derogation_requester(s, st.cohort.establishment_id),
    Action.DEROGATION_VIEW: _derogation_view,
    Action.DEROGATION_CHANGE: lambda s, r: _derogation_requester(
        s, r.student.cohort.establishment_id
    ),
    Action.DEROGATION_DECIDE: lambda s, r: (
        Role.RECTEUR_DELEGATE in s.rectorat_of(r.student.cohort.establishment.academie_id)
    ),
    # issue 13: the establishment's team settings (head, DDFPT); a signature reminder from the
    # convention's page (the managers, as sending); the header's student search (school staff)
    Action.ESTABLISHMENT_SETTINGS: lambda s, e: bool(s.roles_in(e.pk) & {Role.HEAD, Role.DDFPT}),
    Action.CONVENTION_REMIND: lambda s, c: s.manages(c.student.cohort.establishment_id),
    Action.STUDENT_SEARCH: lambda s, _: s.is_school_staff or s.is_rectorat,
    # the jury's information (obj: the exam session): issued and read by the académie's rectorat;
    # the transmission to the exam service (obj: the establishment): its head and DDFPT, or the
    # rectorat of its académie
    Action.JURY_VIEW: lambda s, es: bool(s.rectorat_of(es.academie_id)),
    Action.JURY_ISSUE: lambda s, es: bool(s.rectorat_of(es.academie_id)),
    Action.TRANSMISSION_LIST: lambda s, _: _derogation_requester_anywhere(s) or s.is_rectorat,
    Action.TRANSMISSION_DOWNLOAD: lambda s, e: (
        _derogation_requester(s, e.pk) or bool(s.rectorat_of(e.academie_id))
    ),
    # the académie board of stored verdicts and its exports (milieu.exams.board): the rectorat
    Action.ELIGIBILITY_BOARD: lambda s, _: s.is_rectorat,
    # the exam service's API keys (obj: the académie): created and revoked by its rectorat
    Action.API_TOKEN_LIST: lambda s, _: s.is_rectorat,
    Action.API_TOKEN_MANAGE: lambda s, a: bool(s.rectorat_of(a.pk) & RECTORAT_ROLES),
    # the establishment board of stored verdicts (obj: the establishment): its head and DDFPT
    Action.ELIGIBILITY_SCHOOL_BOARD: lambda s, e: _derogation_requester(s, e.pk),
    # the report's conformity (seed 001 §4, obj: the student): the exam service of its académie
    Action.REPORT_CONFORMITY_LIST: lambda s, _: any(
        Role.EXAM_SERVICE in roles for roles in s.academies.values()
    ),
    Action.REPORT_CONFORMITY_PRONOUNCE: lambda s, st: (
        Role.EXAM_SERVICE in s.rectorat_of(st.cohort.establishment.academie_id)
    ),
    # --- conventions: an avenant is sent or cancelled by its convention's managers ---
    Action.AMENDMENT_VIEW: lambda s, a: _convention_view(s, a.convention),
    Action.AMENDMENT_SEND: lambda s, a: s.manages(a.convention.student.cohort.establishment_id),
    Action.AMENDMENT_CANCEL: lambda s, a: s.manages(a.convention.student.cohort.establishment_id),
    # followup (issue 16): a period's contract or bilan (obj: the convention) is read by whoever
    # follows the stage or is one of its signing parties (the team, the candidate)
    Action.FOLLOWUP_DOCUMENT_READ: lambda s, c: any(
        RULES[action](s, c)
        for action in (
            Action.FOLLOWUP_VIEW,
            Action.FOLLOWUP_TEAM_SIGN,
            Action.FOLLOWUP_CANDIDATE_SIGN,
        )
    ),
    # --- evidence (work-docs): who sees a document sees its student's; the managers review it; only its depositor withdraws
    # it, while still allowed to deposit for the student; the queue is the managers'
    Action.EVIDENCE_DOCUMENT_VIEW: lambda s, d: RULES[Action.EVIDENCE_VIEW](s, d.student),
    Action.EVIDENCE_DOCUMENT_REVIEW: lambda s, d: RULES[Action.EVIDENCE_REVIEW](s, d.student),
    Action.EVIDENCE_WITHDRAW: lambda s, d: (
        d.deposited_by_id == s.user_id and RULES[Action.EVIDENCE_DEPOSIT](s, d.student)
    ),
    Action.EVIDENCE_QUEUE: lambda s, _: bool(s.managed_establishments),
    # --- school area (students, cohorts, hosts): the « Historique » of a record's page (obj: a
    # student, a cohort or a host): the managers of its establishment; a host's, the managers of
    # any school (each reads the rows written for its own establishments)
    Action.RECORD_HISTORY: lambda s, o: (
        s.manages(o.cohort.establishment_id)
        if hasattr(o, "cohort_id")
        else s.manages(o.establishment_id)
        if hasattr(o, "establishment_id")
        else bool(s.managed_establishments)
    ),
}


def can(user: Any, action: Action | str, obj: Any = None) -> bool:
    """May `user` do `action` (e.g. `Action.STUDENT_VIEW`) to `obj`? Unknown actions raise."""
    try:
        check = RULES[Action(action)]
    except ValueError:
        raise KeyError(f"unknown action {action!r}") from None
    s = scope_of(user)
    if s.user_id is None:
        return False
    return bool(check(s, obj))


def require(user: Any, action: Action | str, obj: Any = None) -> None:
    """`can`, or PermissionDenied (a 403 page with a French message)."""
    if not can(user, action, obj):
        raise PermissionDenied("Vous n'avez pas le droit d'effectuer cette action.")


def get_object_for(user: Any, queryset: QuerySet[M], pk: Any, action: Action | str) -> M:
    """The object `pk` of `queryset` as `user` may reach it: 404 when it is not among the
    user's visible records (never a 403 that would confirm it exists), 403 when it is visible
    but `action` is not allowed. `queryset` is already narrowed to what the user sees (a
    `visible_*` queryset, with the `select_related` the view needs)."""
    try:
        found = queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("Aucun objet ne correspond à cette adresse.") from None
    require(user, action, found)
    return found


def student_for(user: Any, pk: Any, action: Action | str) -> Student:
    """The student `pk` as `user` may reach them for `action`, with their cohort and its
    establishment: `get_object_for` over `visible_students` (404 when not visible, 403 when
    visible but refused). Every student page and form fetches its student here."""
    students: QuerySet[Student] = visible_students(user)
    return get_object_for(
        user,
        students.select_related("cohort", "cohort__establishment"),
        pk,
        action,
    )
