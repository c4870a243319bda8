"""Apprenticeship operations, one function per business operation: record the apprenticeship,
send (or send again) and revoke the maître d'apprentissage's link, fill the evaluation grid
through it, co-sign the grid (pedagogical team), endorse the report through it.

Each operation checks who acts (a permission of `milieu.permissions`, or the link of this very
apprenticeship), runs in one transaction, locks the row it changes and writes one
`ApprenticeshipEvent`; e-mails leave once the transaction commits. A refusal is an
`ApprenticeshipRefused` with a French message (and, for a form, the message of each field).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from milieu.apprenticeships.models import (
    ApprenticeEvaluation,
    Apprenticeship,
    ApprenticeshipAction,
    ApprenticeshipEvent,
    EmployerAccess,
)
from milieu.changes import verdict_inputs_changed
from milieu.contracts.operations import ContractRefused, takes_special_contracts
from milieu.conventions.documents import render_pdf
from milieu.followup.enums import EvaluationStatus
from milieu.followup.operations import (
    FollowupRefused,
    access_by_token,
    changes_of,
    clean_levels,
    evaluation_step,
    require_complete,
    revoke_access,
)
from milieu.identifiers import siret_error
from milieu.people.models import User
from milieu.permissions import Action, require
from milieu.reports.models import ReportDeposit, ReportEndorsement
from milieu.reports.operations import expectation_of, record_endorsement
from milieu.students.enums import Pathway
from milieu.students.models import Student
from milieu.tokens import hash_token

# a link outlives the contract's end by this much (the grid and the visa may come late), and is
# never given for more than this from the day it is sent: a new one is sent after that
MAX_LINK_LIFETIME = timedelta(days=400)


class ApprenticeshipRefused(ContractRefused):
    """An operation refused, with a French message; `errors` maps fields to their message (an
    apprenticeship is a contract: its page records it as a contract's page does)."""


@dataclass(frozen=True)
class ApprenticeshipData:
    employer: str
    siret: str
    master_name: str
    master_email: str
    start: date
    end: date


def takes_employer_link(student: Student) -> bool:
    """Apprentices, and continuing-education candidates who may do their stage under a
    *contrat de travail de type particulier*."""
    return student.pathway == Pathway.APPRENTISSAGE or takes_special_contracts(student)


def apprenticeship_errors(data: ApprenticeshipData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.employer.strip():
        errors["employer"] = "Indiquez l'employeur."
    siret = siret_error(data.siret)
    if siret:
        errors["siret"] = siret
    if not data.master_name.strip():
        errors["master_name"] = "Indiquez le nom du maître d'apprentissage."
    try:
        validate_email(data.master_email.strip())
    except ValidationError:
        errors["master_email"] = (
            "Indiquez l'adresse électronique du maître d'apprentissage (ex. nom@entreprise.fr)."
        )
    if data.end < data.start:
        errors["end"] = "La fin du contrat précède son début."
    return errors


def _event(
    apprenticeship: Apprenticeship,
    action: ApprenticeshipAction,
    *,
    by: User | None = None,
    actor_label: str = "",
    ip: str | None = None,
    detail: str = "",
) -> ApprenticeshipEvent:
    """One row of the apprenticeship's history, in the operation's transaction (the student's
    stored verdict is refreshed once it commits)."""
    verdict_inputs_changed(apprenticeship.student_id)
    return ApprenticeshipEvent.objects.create(
        apprenticeship=apprenticeship,
        action=action,
        actor=by if getattr(by, "is_authenticated", False) else None,
        actor_label=actor_label[:200],
        ip=ip or None,
        detail=detail,
    )


def record_apprenticeship(
    student: Student, data: ApprenticeshipData, *, by: User, ip: str | None = None
) -> Apprenticeship:
    """The apprenticeship of an apprentice: employer, SIRET, maître d'apprentissage, dates.

    A continuing-education candidate whose stage is a *contrat de travail de type particulier*
    (001 §2.3.1, 003 §2.3.1) has no convention either: the same record gives their tutor in the
    company the same link, for the evaluation grid their pathway also requires (§2.1.4)."""
    require(by, Action.APPRENTICESHIP_MANAGE, student)
    if not takes_employer_link(student):
        raise ApprenticeshipRefused(
            "Seul un apprenti (ou un candidat de la formation continue sous contrat de travail "
            "de type particulier) a un employeur et un maître d'apprentissage ou tuteur."
        )
    errors = apprenticeship_errors(data)
    if errors:
        raise ApprenticeshipRefused(
            "Le contrat n'est pas enregistré : corrigez les champs signalés.", errors
        )
    with transaction.atomic():
        Student.objects.select_for_update().filter(pk=student.pk).first()
        apprenticeship = Apprenticeship.objects.create(
            student=student,
            employer=" ".join(data.employer.split()),
            siret="".join(data.siret.split()),
            master_name=" ".join(data.master_name.split()),
            master_email=data.master_email.strip(),
            start=data.start,
            end=data.end,
            recorded_by=by,
        )
        _event(
            apprenticeship,
            ApprenticeshipAction.RECORDED,
            by=by,
            ip=ip,
            detail=(
                f"{apprenticeship.employer} (SIRET {apprenticeship.siret}), maître "
                f"d'apprentissage {apprenticeship.master_name}, du {data.start:%d/%m/%Y} au "
                f"{data.end:%d/%m/%Y}."
            ),
        )
    return apprenticeship


# --- the maître d'apprentissage's link ---------------------------------------------------------


def link_expiry(apprenticeship: Apprenticeship, *, now: datetime | None = None) -> datetime:
    """Until when a link lives: the contract's end plus `TUTOR_LINK_GRACE_DAYS`, never less
    than that grace from now and never more than `MAX_LINK_LIFETIME` from now."""
    now = now or timezone.now()
    grace = timedelta(days=settings.TUTOR_LINK_GRACE_DAYS)
    end = timezone.make_aware(datetime.combine(apprenticeship.end, time(23, 59, 59)))
    return min(max(now + grace, end + grace), now + MAX_LINK_LIFETIME)


def issue_employer_link(
    apprenticeship: Apprenticeship, *, by: User, ip: str | None = None
) -> tuple[EmployerAccess, str]:
    """A new link for the maître d'apprentissage, e-mailed once the transaction commits; the
    links sent before are revoked (only the newest one works: « renvoyer le lien »). Returns
    the access and its token (never stored)."""
    student = apprenticeship.student
    require(by, Action.APPRENTICESHIP_MANAGE, student)
    token = secrets.token_urlsafe(32)
    recipient = str(apprenticeship.master_email)
    with transaction.atomic():
        Apprenticeship.objects.select_for_update().filter(pk=apprenticeship.pk).first()
        previous = list(
            EmployerAccess.objects.filter(apprenticeship=apprenticeship, revoked=False)
            .filter(expires_at__gt=timezone.now())
            .values_list("pk", flat=True)
        )
        EmployerAccess.objects.filter(pk__in=previous).update(revoked=True)
        access = EmployerAccess.objects.create(
            apprenticeship=apprenticeship,
            token_hash=hash_token(token),
            expires_at=link_expiry(apprenticeship),
            created_by=by,
            sent_to=recipient,
        )
        expires = timezone.localtime(access.expires_at)
        detail = f"Lien n° {access.pk} envoyé à {recipient}, valable jusqu'au {expires:%d/%m/%Y}"
        if previous:
            detail += " ; lien" + ("s" if len(previous) > 1 else "") + " précédent"
            detail += (
                ("s" if len(previous) > 1 else "") + " révoqué" + ("s" if len(previous) > 1 else "")
            )
            detail += " : n° " + ", ".join(str(pk) for pk in previous)
        _event(apprenticeship, ApprenticeshipAction.LINK_ISSUED, by=by, ip=ip, detail=detail + ".")
        url = settings.SITE_URL + reverse("apprenticeships:employer", kwargs={"token": token})
        body = (
            f"Bonjour,\n\nVous êtes le maître d'apprentissage (ou le tuteur) de {student.full_name} "
            f"({student.cohort.diploma_title}, {student.cohort.establishment.name}).\n"
            f"Ce lien personnel vous permet de remplir sa grille d'évaluation et de viser son "
            f"rapport lorsque le règlement du diplôme le demande, jusqu'au {expires:%d/%m/%Y} :\n"
            f"{url}\n\nNe le transmettez pas. Tout lien envoyé auparavant ne fonctionne plus.\n"
        )
        subject = f"Évaluation de {student.full_name}"
        transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))
    return access, token


def revoke_employer_link(access: EmployerAccess, *, by: User, ip: str | None = None) -> None:
    apprenticeship = access.apprenticeship
    require(by, Action.APPRENTICESHIP_MANAGE, apprenticeship.student)
    revoke_access(
        access,
        refused=ApprenticeshipRefused,
        already_message="Action déjà effectuée : ce lien est déjà révoqué.",
        record=lambda: _event(
            apprenticeship,
            ApprenticeshipAction.LINK_REVOKED,
            by=by,
            ip=ip,
            detail=f"Lien n° {access.pk} révoqué.",
        ),
    )


def resolve_employer_access(token: str) -> EmployerAccess:
    """The usable access behind `token`, or `ApprenticeshipRefused` with the reason."""
    return access_by_token(
        EmployerAccess.objects.select_related(
            "apprenticeship",
            "apprenticeship__student",
            "apprenticeship__student__cohort",
            "apprenticeship__student__cohort__establishment",
        ),
        token,
        refused=ApprenticeshipRefused,
        revoked_message=(
            "Ce lien a été révoqué par l'établissement (un lien plus récent a pu vous être envoyé)."
        ),
    )


def _master_name(access: EmployerAccess, name: str) -> str:
    if not access.usable:
        raise ApprenticeshipRefused("Ce lien n'est plus utilisable : demandez-en un nouveau.")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ApprenticeshipRefused("Indiquez votre nom.")
    return cleaned[:200]


# --- the evaluation grid -----------------------------------------------------------------------


def grid_of(apprenticeship: Apprenticeship) -> dict[str, Any] | None:
    """The catalogue's evaluation grid of the apprentice's diploma, or None (no grid)."""
    grid = apprenticeship.student.cohort.catalogue_extra.get("evaluation_grid")
    return grid if isinstance(grid, dict) and grid.get("items") else None


def _grid_or_refuse(apprenticeship: Apprenticeship) -> dict[str, Any]:
    grid = grid_of(apprenticeship)
    if grid is None:
        raise ApprenticeshipRefused(
            "Le diplôme de cet apprenti ne prévoit pas de grille d'évaluation."
        )
    return grid


def evaluation_of(apprenticeship: Apprenticeship) -> ApprenticeEvaluation | None:
    return ApprenticeEvaluation.objects.filter(apprenticeship=apprenticeship).first()


def _grid_step(evaluation: Any, name: str) -> str:
    try:
        return evaluation_step(evaluation, name)
    except FollowupRefused as refused:
        message = str(refused).replace("Le tuteur", "Le maître d'apprentissage")
        raise ApprenticeshipRefused(message) from None


def fill_apprentice_evaluation(
    access: EmployerAccess,
    *,
    levels: dict[str, int],
    comments: dict[str, str],
    appreciation: str,
    master_name: str,
    submit: bool = True,
    ip: str | None = None,
) -> ApprenticeEvaluation:
    """The maître d'apprentissage fills the grid through their link: a draft, or sent to the
    pedagogical team (`submit`: every item has a level and the appreciation is written)."""
    name = _master_name(access, master_name)
    apprenticeship = access.apprenticeship
    grid = _grid_or_refuse(apprenticeship)
    if apprenticeship.start > timezone.localdate():
        raise ApprenticeshipRefused(
            f"Le contrat commence le {apprenticeship.start:%d/%m/%Y} : la grille se remplit une "
            "fois l'apprenti dans l'entreprise."
        )
    try:
        clean, notes = clean_levels(grid, levels, comments)
        if submit:
            require_complete(grid, clean, appreciation)
    except FollowupRefused as refused:
        raise ApprenticeshipRefused(str(refused)) from None
    with transaction.atomic():
        Apprenticeship.objects.select_for_update().filter(pk=apprenticeship.pk).first()
        evaluation = (
            ApprenticeEvaluation.objects.select_for_update()
            .filter(apprenticeship=apprenticeship)
            .first()
        )
        if evaluation is None:
            evaluation = ApprenticeEvaluation(apprenticeship=apprenticeship, grid=grid)
        target = _grid_step(evaluation, "fill" if submit else "draft")
        changes = changes_of(evaluation, clean, notes, appreciation)  # type: ignore[arg-type]
        previous = evaluation.status
        evaluation.levels = clean
        evaluation.comments = notes
        evaluation.appreciation = appreciation.strip()
        evaluation.master_name = name
        evaluation.status = target
        if submit:
            evaluation.filled_at = timezone.now()
        evaluation.save()
        if submit:
            action = ApprenticeshipAction.EVALUATION_FILLED
            what = (
                "Grille corrigée et transmise de nouveau à l'équipe pédagogique"
                if previous == EvaluationStatus.FILLED
                else "Grille transmise à l'équipe pédagogique"
            )
        else:
            action = ApprenticeshipAction.EVALUATION_CHANGED
            what = "Brouillon de la grille enregistré par le maître d'apprentissage"
        _event(
            apprenticeship,
            action,
            actor_label=name,
            ip=ip,
            detail=what + (" : " + " ; ".join(changes) if changes else "") + ".",
        )
    return evaluation


def cosign_apprentice_evaluation(
    apprenticeship: Apprenticeship, *, by: User, ip: str | None = None
) -> ApprenticeEvaluation:
    """The pedagogical team co-signs the grid the maître d'apprentissage sent (« déterminent
    conjointement l'appréciation », 001 §2.1.4 applied by §2.2): the PDF is rendered once,
    stored with its SHA-256, and the grid is frozen."""
    student = apprenticeship.student
    require(by, Action.APPRENTICESHIP_COSIGN, student)
    _grid_or_refuse(apprenticeship)
    with transaction.atomic():
        evaluation = (
            ApprenticeEvaluation.objects.select_for_update()
            .filter(apprenticeship=apprenticeship)
            .first()
        )
        if evaluation is None:
            raise ApprenticeshipRefused(
                "Le maître d'apprentissage n'a pas encore rempli la grille d'évaluation."
            )
        target = _grid_step(evaluation, "cosign")
        now = timezone.now()
        evaluation.status = target
        evaluation.cosigned_by = by
        evaluation.cosigned_at = now
        evaluation.content = render_pdf(
            "apprenticeships/pdf/evaluation.html",
            {
                "evaluation": evaluation,
                "grid": evaluation.grid,
                "rows": evaluation.rows(),
                "diploma": student.cohort.diploma_title,
                "student": student,
                "school": student.cohort.establishment,
                "apprenticeship": apprenticeship,
                "cosigner": evaluation.cosigner_name,
                "cosigned_at": timezone.localtime(now),
                "filled_at": timezone.localtime(evaluation.filled_at)
                if evaluation.filled_at
                else None,
            },
        )
        evaluation.save()
        _event(
            apprenticeship,
            ApprenticeshipAction.EVALUATION_COSIGNED,
            by=by,
            ip=ip,
            detail=(
                f"Grille arrêtée conjointement avec le maître d'apprentissage "
                f"({evaluation.master_name}) ; PDF SHA-256 {evaluation.sha256}."
            ),
        )
    return evaluation


# --- the report's visa -------------------------------------------------------------------------


def endorse_report_as_employer(
    access: EmployerAccess, deposit: ReportDeposit, *, master_name: str, ip: str | None = None
) -> ReportEndorsement:
    """The visa of the structure d'accueil on the latest version of the apprentice's report,
    given by the maître d'apprentissage (001 §2.1.3, applied to apprentices by §2.2)."""

    apprenticeship = access.apprenticeship
    student = apprenticeship.student
    if deposit.student_id != student.pk:
        raise ApprenticeshipRefused("Ce rapport n'est pas celui de votre apprenti.")
    if not expectation_of(student).endorsement_required:
        raise ApprenticeshipRefused("Le règlement de ce diplôme ne demande pas de visa du rapport.")
    name = _master_name(access, master_name)
    with transaction.atomic():
        endorsement = record_endorsement(
            student,
            deposit,
            refused=ApprenticeshipRefused,
            tutor_name=name,
            ip=ip,
            employer_access=access,
        )
        _event(
            apprenticeship,
            ApprenticeshipAction.REPORT_ENDORSED,
            actor_label=name,
            ip=ip,
            detail=f"Version {deposit.version} du rapport visée.",
        )
    return endorsement
