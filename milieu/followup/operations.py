"""Follow-up operations, one function per business operation: issue and revoke a tutor's link,
declare an absence, confirm the intern's presence, issue a certificate, fill / adjust / co-sign
the evaluation grid, edit and sign bma-bijou's training contract and bilan.

Each operation checks who acts (a permission of `milieu.permissions`, or the tutor's link for
this very convention), runs in one transaction, locks the row it changes (`select_for_update`)
and writes one `FollowupEvent` in the same transaction. A refusal is a `FollowupRefused` with a
French message for the page.

Durations follow the dossier contract ("Counting the duration"): the scheduled days are the
days of the period whose weekday is a working day of the convention, minus the absences.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone

from milieu import storage
from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.changes import verdict_inputs_changed
from milieu.conventions.documents import render_pdf
from milieu.conventions.enums import SIGNED_STATUSES
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.models import (
    Absence,
    Bilan,
    Certificate,
    Evaluation,
    EvaluationStatus,
    FollowupAction,
    FollowupEvent,
    PeriodDocument,
    PresenceConfirmation,
    TrainingContract,
    TutorAccess,
)
from milieu.permissions import can, require
from milieu.refusals import Refused
from milieu.rules.calendar import DEFAULT_WORK_DAY_NAMES
from milieu.rules.dossier import WEEKDAY_INDEX, scheduled_days
from milieu.tokens import hash_token

LINK_LIFETIME = timedelta(days=120)  # kept for callers that pass their own lifetime


def link_expiry(convention: Convention, *, now: datetime | None = None) -> datetime:
    """Until when a tutor's link lives: the end of the convention's last active period plus
    `TUTOR_LINK_GRACE_DAYS` (the certificate and the grid come after the stage), and never less
    than that grace from now. A link issued before a future stage outlives the stage."""
    now = now or timezone.now()
    grace = timedelta(days=settings.TUTOR_LINK_GRACE_DAYS)
    last = convention.periods.filter(active=True).order_by("-end").values_list("end", flat=True)
    latest = now + grace
    if last:
        end_of_stage = timezone.make_aware(datetime.combine(last[0], time(23, 59, 59)))
        latest = max(latest, end_of_stage + grace)
    return latest


DEFAULT_WORK_DAYS = DEFAULT_WORK_DAY_NAMES


class FollowupRefused(Refused):
    """An operation refused, with a French message for the page."""


# --- the audit trail -------------------------------------------------------------------------


def _event(
    convention: Convention,
    action: FollowupAction,
    *,
    period: ConventionPeriod | None = None,
    by: Any = None,
    actor_label: str = "",
    ip: str | None = None,
    detail: str = "",
) -> FollowupEvent:
    """One row of the follow-up history; called inside the operation's transaction (the
    convention's student's stored verdict is refreshed once it commits)."""
    verdict_inputs_changed(convention.student_id)
    return FollowupEvent.objects.create(
        convention=convention,
        period=period,
        action=action,
        actor=by if getattr(by, "is_authenticated", False) else None,
        actor_label=actor_label[:200],
        ip=ip or None,
        detail=detail,
    )


# --- the counting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    scheduled_days: int
    absence_days: int
    presence_days: int
    weeks: Decimal


def work_days_of(convention: Convention) -> tuple[int, ...]:
    names = list(convention.work_days or []) or list(DEFAULT_WORK_DAYS)
    return tuple(sorted(WEEKDAY_INDEX[str(name)] for name in names))


def scheduled_days_of(period: ConventionPeriod) -> int:
    return scheduled_days(
        period.start.toordinal(), period.end.toordinal(), work_days_of(period.convention)
    )


def declared_absence_days(period: ConventionPeriod) -> int:
    return int(period.absences.aggregate(total=Sum("days"))["total"] or 0)


def figures(period: ConventionPeriod) -> Figures:
    """Scheduled days, absences (capped at the scheduled days), presence and weeks."""
    scheduled = scheduled_days_of(period)
    absences = min(declared_absence_days(period), scheduled)
    presence = scheduled - absences
    per_week = len(work_days_of(period.convention))
    weeks = (Decimal(presence) / Decimal(per_week)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Figures(scheduled, absences, presence, weeks)


# --- the tutor's link ------------------------------------------------------------------------


def issue_tutor_link(
    convention: Convention,
    *,
    by: Any,
    lifetime: timedelta | None = None,
    ip: str | None = None,
) -> str:
    """A new link for the convention's tutor, e-mailed on commit; returns the token. It lives
    until `link_expiry` (or for `lifetime` when given)."""
    require(by, "followup.manage", convention)
    if convention.status not in SIGNED_STATUSES:
        raise FollowupRefused("La convention doit être signée avant d'ouvrir l'accès au tuteur.")
    tutor = convention.tutor
    if tutor is None or not tutor.email:
        raise FollowupRefused("Renseignez le tuteur de la convention et son adresse électronique.")
    token = secrets.token_urlsafe(32)
    recipient = str(tutor.email)  # sent once, to this address: a later edit never redirects it
    with transaction.atomic():
        Convention.objects.select_for_update().filter(pk=convention.pk).first()
        access = TutorAccess.objects.create(
            convention=convention,
            token_hash=hash_token(token),
            expires_at=(
                timezone.now() + lifetime if lifetime is not None else link_expiry(convention)
            ),
            created_by=by,
            sent_to=recipient,
        )
        expires = timezone.localtime(access.expires_at)
        _event(
            convention,
            FollowupAction.LINK_ISSUED,
            by=by,
            ip=ip,
            detail=f"Lien n° {access.pk} envoyé à {recipient}, valable jusqu'au {expires:%d/%m/%Y}.",
        )
        url = settings.SITE_URL + reverse("followup:tutor", kwargs={"token": token})
        student = convention.student
        body = (
            f"Bonjour,\n\nVous êtes le tuteur de {student.full_name} "
            f"(convention n° {convention.pk}).\n"
            f"Ce lien personnel vous permet de déclarer ses absences, de confirmer sa présence, "
            f"de délivrer son attestation de stage et de remplir les documents de suivi du "
            f"stage, jusqu'au {expires:%d/%m/%Y} :\n"
            f"{url}\n\nNe le transmettez pas.\n"
        )
        transaction.on_commit(
            lambda: send_mail(f"Suivi du stage de {student.full_name}", body, None, [recipient])
        )
    return token


def renew_tutor_link(access: TutorAccess, *, by: Any, ip: str | None = None) -> TutorAccess:
    """Give the same link (the tutor keeps the e-mail they have) a new expiry, `link_expiry`
    from now: for a stage moved later by an avenant, or a certificate still to come."""
    require(by, "followup.manage", access.convention)
    with transaction.atomic():
        locked = TutorAccess.objects.select_for_update().get(pk=access.pk)
        if locked.revoked:
            raise FollowupRefused("Ce lien est révoqué : envoyez-en un nouveau au tuteur.")
        expires = link_expiry(access.convention)
        if expires <= locked.expires_at:
            raise FollowupRefused(
                "Action déjà effectuée : ce lien est déjà valable jusqu'au "
                f"{timezone.localtime(locked.expires_at):%d/%m/%Y}."
            )
        locked.expires_at = expires
        locked.save(update_fields=["expires_at"])
        _event(
            access.convention,
            FollowupAction.LINK_RENEWED,
            by=by,
            ip=ip,
            detail=f"Lien n° {access.pk} prolongé jusqu'au {timezone.localtime(expires):%d/%m/%Y}.",
        )
    return locked


def revoke_tutor_link(access: TutorAccess, *, by: Any, ip: str | None = None) -> None:
    require(by, "followup.manage", access.convention)
    with transaction.atomic():
        locked = TutorAccess.objects.select_for_update().get(pk=access.pk)
        if locked.revoked:
            raise FollowupRefused("Ce lien est déjà révoqué.")
        locked.revoked = True
        locked.save(update_fields=["revoked"])
        _event(
            access.convention,
            FollowupAction.LINK_REVOKED,
            by=by,
            ip=ip,
            detail=f"Lien n° {access.pk} révoqué.",
        )
    access.revoked = True


def resolve_access(token: str) -> TutorAccess:
    """The usable access behind `token`, or `FollowupRefused` with the reason in French."""
    access = (
        TutorAccess.objects.filter(token_hash=hash_token(token))
        .select_related(
            "convention",
            "convention__student",
            "convention__student__cohort",
            "convention__student__cohort__establishment",
            "convention__tutor",
            "convention__host",
        )
        .first()
    )
    if access is None:
        raise FollowupRefused("Ce lien n'est pas valide.")
    if access.revoked:
        raise FollowupRefused("Ce lien a été révoqué par l'établissement.")
    if access.expires_at <= timezone.now():
        raise FollowupRefused("Ce lien a expiré : demandez-en un nouveau à l'établissement.")
    if access.convention.status not in SIGNED_STATUSES:
        raise FollowupRefused("La convention de ce stage n'est plus en vigueur.")
    return access


def period_of(access: TutorAccess, period_pk: Any) -> ConventionPeriod:
    """One active period of the access's own convention (never another intern's)."""
    try:
        pk = int(period_pk)
    except (TypeError, ValueError):
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.") from None
    period = (
        ConventionPeriod.objects.filter(convention=access.convention, active=True, pk=pk)
        .select_related("convention")
        .first()
    )
    if period is None:
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.")
    return period


def _tutor_checks(access: TutorAccess, period: ConventionPeriod | None, name: str) -> str:
    """The access is still usable, the period is its own convention's; returns the name."""
    if not access.usable:
        raise FollowupRefused("Ce lien n'est plus utilisable : demandez-en un nouveau.")
    if period is not None and (period.convention_id != access.convention_id or not period.active):
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.")
    if not name.strip():
        raise FollowupRefused("Indiquez votre nom.")
    return name.strip()


# --- absences, presence and certificate ------------------------------------------------------


def declare_absence(
    access: TutorAccess,
    period: ConventionPeriod,
    *,
    start: date,
    end: date,
    days: int,
    reason: str,
    declared_by: str,
    ip: str | None = None,
) -> Absence:
    if period.convention_id != access.convention_id:
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.")
    if hasattr(period, "certificate"):
        raise FollowupRefused("L'attestation de stage est délivrée : les absences sont closes.")
    if end < start:
        raise FollowupRefused("La fin de l'absence précède son début.")
    if start < period.start or end > period.end:
        raise FollowupRefused(
            f"L'absence doit se situer dans la période du {period.start:%d/%m/%Y} "
            f"au {period.end:%d/%m/%Y}."
        )
    if days < 1:
        raise FollowupRefused("Une absence compte au moins un jour.")
    if not reason.strip():
        raise FollowupRefused("Indiquez le motif de l'absence.")
    with transaction.atomic():
        ConventionPeriod.objects.select_for_update().filter(pk=period.pk).first()
        scheduled = scheduled_days_of(period)
        already = declared_absence_days(period)
        if already + days > scheduled:
            raise FollowupRefused(
                f"Les absences ({already + days} jours) dépasseraient les {scheduled} jours "
                "prévus de la période."
            )
        absence = Absence.objects.create(
            period=period,
            start=start,
            end=end,
            days=days,
            reason=reason.strip(),
            declared_by=declared_by,
        )
        _event(
            access.convention,
            FollowupAction.ABSENCE_DECLARED,
            period=period,
            actor_label=declared_by.strip(),
            ip=ip,
            detail=f"{absence} : {absence.reason}.",
        )
        return absence


def confirm_presence(
    access: TutorAccess,
    period: ConventionPeriod,
    *,
    day: date,
    tutor_name: str,
    ip: str | None = None,
) -> PresenceConfirmation:
    """ "Je confirme la présence du stagiaire" on `day`: a day of the period, not in the future,
    not inside a declared absence, once."""
    name = _tutor_checks(access, period, tutor_name)
    if not period.start <= day <= period.end:
        raise FollowupRefused(
            f"Le jour confirmé doit se situer dans la période du {period.start:%d/%m/%Y} "
            f"au {period.end:%d/%m/%Y}."
        )
    if day > timezone.localdate():
        raise FollowupRefused("On ne confirme pas une présence à venir : choisissez un jour passé.")
    with transaction.atomic():
        locked = (
            ConventionPeriod.objects.select_for_update()
            .select_related("convention")
            .get(pk=period.pk)
        )
        if Certificate.objects.filter(period=locked).exists():
            raise FollowupRefused(
                "L'attestation de stage est délivrée : la présence n'est plus à confirmer."
            )
        if locked.absences.filter(start__lte=day, end__gte=day).exists():
            raise FollowupRefused(f"Une absence est déclarée le {day:%d/%m/%Y}.")
        if PresenceConfirmation.objects.filter(period=locked, day=day).exists():
            raise FollowupRefused(f"La présence du {day:%d/%m/%Y} est déjà confirmée.")
        confirmation = PresenceConfirmation.objects.create(period=locked, day=day, tutor_name=name)
        _event(
            access.convention,
            FollowupAction.PRESENCE_CONFIRMED,
            period=locked,
            actor_label=name,
            ip=ip,
            detail=f"Présence du stagiaire confirmée le {day:%d/%m/%Y}.",
        )
        return confirmation


def refuse_unfinished(period: ConventionPeriod) -> None:
    """A certificate attests a period done: none before its last day (issue 11; seed 001 §4:
    « En fin de stage […] un certificat attestant de la présence »)."""
    if period.end > timezone.localdate():
        raise FollowupRefused(
            "L'attestation de stage se délivre à la fin de la période : celle-ci s'achève le "
            f"{period.end:%d/%m/%Y}."
        )


def issue_certificate(
    access: TutorAccess,
    period: ConventionPeriod,
    *,
    tutor_name: str,
    gratification_paid: Decimal | None = None,
    ip: str | None = None,
) -> Certificate:
    """The certificate of `period`, once: its PDF is rendered now and never again."""
    if period.convention_id != access.convention_id:
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.")
    if not tutor_name.strip():
        raise FollowupRefused("Indiquez votre nom.")
    if gratification_paid is not None and gratification_paid < 0:
        raise FollowupRefused("La gratification versée ne peut pas être négative.")
    refuse_unfinished(period)
    with transaction.atomic():
        ConventionPeriod.objects.select_for_update().filter(pk=period.pk).first()
        if Certificate.objects.filter(period=period).exists():
            raise FollowupRefused("L'attestation de cette période est déjà délivrée.")
        numbers = figures(period)
        convention = access.convention
        pdf = render_pdf(
            "followup/pdf/certificate.html",
            {
                "convention": convention,
                "student": convention.student,
                "school": convention.student.cohort.establishment,
                "host": convention.host,
                "period": period,
                "figures": numbers,
                "absences": list(period.absences.all()),
                "gratification_paid": gratification_paid,
                "tutor_name": tutor_name.strip(),
                "issued_on": timezone.localdate(),
            },
        )
        certificate = Certificate.objects.create(
            period=period,
            start=period.start,
            end=period.end,
            scheduled_days=numbers.scheduled_days,
            absence_days=numbers.absence_days,
            presence_days=numbers.presence_days,
            weeks=numbers.weeks,
            gratification_paid=gratification_paid,
            tutor_name=tutor_name.strip(),
            content=pdf,
        )
        _event(
            convention,
            FollowupAction.CERTIFICATE_ISSUED,
            period=period,
            actor_label=tutor_name.strip(),
            ip=ip,
            detail=(
                f"{numbers.presence_days} jours de présence sur {numbers.scheduled_days} prévus "
                f"({numbers.weeks} semaines) ; SHA-256 {certificate.sha256}."
            ),
        )
        return certificate


def record_paper_certificate(
    period: ConventionPeriod,
    *,
    by: Any,
    upload: Any,
    signed_by: str,
    signed_on: date,
    absence_days: int,
    ip: str | None = None,
) -> Certificate:
    """The certificate of `period` as the host signed it on paper (a host that will not use the
    link; issue 11): the scan is stored as the certificate's PDF, the figures counted from the
    absences the paper states; once, and only once the period has ended."""
    convention = period.convention
    require(by, "followup.manage", convention)
    if not period.active or convention.status not in SIGNED_STATUSES:
        raise FollowupRefused("Seule une période en vigueur d'une convention signée s'atteste.")
    refuse_unfinished(period)
    today = timezone.localdate()
    if signed_on < period.end or signed_on > today:
        raise FollowupRefused(
            "La date de l'attestation se situe entre la fin de la période "
            f"({period.end:%d/%m/%Y}) et aujourd'hui."
        )
    if not signed_by.strip():
        raise FollowupRefused("Indiquez qui a signé l'attestation pour l'organisme d'accueil.")
    scheduled = scheduled_days_of(period)
    if absence_days < 0 or absence_days > scheduled:
        raise FollowupRefused(
            f"Les jours d'absence vont de 0 aux {scheduled} jours prévus de la période."
        )
    content, _ = storage.read_upload(upload, kinds=("pdf",))
    with transaction.atomic():
        ConventionPeriod.objects.select_for_update().filter(pk=period.pk).first()
        if Certificate.objects.filter(period=period).exists():
            raise FollowupRefused("L'attestation de cette période est déjà délivrée.")
        presence = scheduled - absence_days
        per_week = len(work_days_of(convention))
        weeks = (Decimal(presence) / Decimal(per_week)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        certificate = Certificate.objects.create(
            period=period,
            start=period.start,
            end=period.end,
            scheduled_days=scheduled,
            absence_days=absence_days,
            presence_days=presence,
            weeks=weeks,
            tutor_name=signed_by.strip(),
            paper=True,
            signed_on=signed_on,
            recorded_by=by,
            content=content,
        )
        _event(
            convention,
            FollowupAction.PAPER_CERTIFICATE,
            period=period,
            by=by,
            ip=ip,
            detail=(
                f"Attestation papier signée le {signed_on:%d/%m/%Y} par {signed_by.strip()} : "
                f"{presence} jours de présence sur {scheduled} prévus ({weeks} semaines) ; "
                f"SHA-256 {certificate.sha256}."
            ),
        )
        record(
            AuditAction.PAPER_CERTIFICATE,
            actor=by,
            obj=certificate,
            establishment=convention.student.cohort.establishment,
            ip=ip,
            changes={"period": period.pk, "signed_on": signed_on.isoformat()},
        )
        return certificate


# --- the evaluation grid / fiche d'appréciation ----------------------------------------------


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str
    label: str


E = EvaluationStatus

# name -> the states it may start from, the state it leads to, what it is called
EVALUATION_TRANSITIONS: dict[str, Step] = {
    "draft": Step(frozenset({E.DRAFT}), E.DRAFT, "Enregistrer le brouillon (tuteur)"),
    "fill": Step(
        frozenset({E.DRAFT, E.FILLED}), E.FILLED, "Transmettre à l'équipe pédagogique (tuteur)"
    ),
    "adjust": Step(frozenset({E.FILLED}), E.FILLED, "Ajuster la grille (équipe pédagogique)"),
    "cosign": Step(frozenset({E.FILLED}), E.COSIGNED, "Arrêter conjointement (équipe pédagogique)"),
}

_EVALUATION_REFUSED = {
    E.DRAFT: "Le tuteur n'a pas encore transmis la grille d'évaluation.",
    E.FILLED: (
        "La grille est déjà transmise à l'équipe pédagogique : vos corrections se transmettent "
        "de nouveau."
    ),
    E.COSIGNED: "La grille d'évaluation est arrêtée conjointement : elle est figée.",
}


def _step(evaluation: Evaluation, name: str) -> str:
    step = EVALUATION_TRANSITIONS[name]
    if evaluation.status not in step.sources:
        raise FollowupRefused(_EVALUATION_REFUSED[EvaluationStatus(evaluation.status)])
    return step.target


def grid_of(convention: Convention) -> dict[str, Any] | None:
    """The catalogue's evaluation grid of the convention's diploma, or None (no grid)."""
    grid = convention.student.cohort.catalogue_extra.get("evaluation_grid")
    return grid if isinstance(grid, dict) and grid.get("items") else None


def _grid_or_refuse(convention: Convention) -> dict[str, Any]:
    grid = grid_of(convention)
    if grid is None:
        raise FollowupRefused("Le diplôme de ce stage ne prévoit pas de grille d'évaluation.")
    return grid


def _level_text(scale: list[str], level: Any) -> str:
    return f"« {scale[level]} »" if isinstance(level, int) else "non renseigné"


def _clean_levels(
    grid: dict[str, Any], levels: dict[str, int], comments: dict[str, str]
) -> tuple[dict[str, int], dict[str, str]]:
    codes = [item["code"] for item in grid["items"]]
    scale = list(grid["scale"])
    clean: dict[str, int] = {}
    for code, level in levels.items():
        if code not in codes:
            raise FollowupRefused(f"Le critère {code} ne fait pas partie de la grille.")
        if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level < len(scale):
            raise FollowupRefused(f"Niveau inconnu pour le critère {code}.")
        clean[code] = level
    notes = {}
    for code, text in comments.items():
        if code not in codes:
            raise FollowupRefused(f"Le critère {code} ne fait pas partie de la grille.")
        if text.strip():
            notes[code] = text.strip()
    return clean, notes


def _require_complete(grid: dict[str, Any], levels: dict[str, int], appreciation: str) -> None:
    missing = [item["code"] for item in grid["items"] if item["code"] not in levels]
    reasons = []
    if missing:
        reasons.append(f"Donnez un niveau pour chaque critère (manque : {', '.join(missing)})")
    if not appreciation.strip():
        reasons.append("rédigez l'appréciation proposée")
    if reasons:
        raise FollowupRefused(" ; ".join(reasons) + ".")


def _changes(
    evaluation: Evaluation, levels: dict[str, int], comments: dict[str, str], appreciation: str
) -> list[str]:
    """What an edit changes, item by item, in French (for the audit row)."""
    scale = list(evaluation.grid["scale"])
    before_levels = dict(evaluation.levels or {})
    before_comments = dict(evaluation.comments or {})
    changes = []
    for item in evaluation.grid["items"]:
        code = item["code"]
        old, new = before_levels.get(code), levels.get(code)
        if old != new:
            changes.append(f"{code} : {_level_text(scale, old)} → {_level_text(scale, new)}")
        if before_comments.get(code, "") != comments.get(code, ""):
            changes.append(f"commentaire {code} modifié")
    if (evaluation.appreciation or "").strip() != appreciation.strip():
        changes.append("appréciation proposée modifiée")
    return changes


def evaluation_of(convention: Convention) -> Evaluation | None:
    return Evaluation.objects.filter(convention=convention).first()


def fill_evaluation(
    access: TutorAccess,
    *,
    levels: dict[str, int],
    comments: dict[str, str],
    appreciation: str,
    tutor_name: str,
    submit: bool = True,
    ip: str | None = None,
) -> Evaluation:
    """The tutor fills the grid through their link: a draft, or sent to the team (`submit`:
    every item has a level and the appreciation is written)."""
    name = _tutor_checks(access, None, tutor_name)
    convention = access.convention
    grid = _grid_or_refuse(convention)
    clean, notes = _clean_levels(grid, levels, comments)
    if submit:
        _require_complete(grid, clean, appreciation)
    with transaction.atomic():
        Convention.objects.select_for_update().filter(pk=convention.pk).first()
        evaluation = Evaluation.objects.select_for_update().filter(convention=convention).first()
        if evaluation is None:
            evaluation = Evaluation(convention=convention, grid=grid)
        target = _step(evaluation, "fill" if submit else "draft")
        changes = _changes(evaluation, clean, notes, appreciation)
        previous = evaluation.status
        evaluation.levels = clean
        evaluation.comments = notes
        evaluation.appreciation = appreciation.strip()
        evaluation.tutor_name = name
        evaluation.status = target
        if submit:
            evaluation.filled_at = timezone.now()
        evaluation.save()
        if submit:
            action = FollowupAction.EVALUATION_FILLED
            what = (
                "Grille corrigée et transmise de nouveau à l'équipe pédagogique"
                if previous == E.FILLED
                else "Grille transmise à l'équipe pédagogique"
            )
        else:
            action = FollowupAction.EVALUATION_CHANGED
            what = "Brouillon de la grille enregistré par le tuteur"
        _event(
            convention,
            action,
            actor_label=name,
            ip=ip,
            detail=what + (" : " + " ; ".join(changes) if changes else "") + ".",
        )
        return evaluation


def adjust_evaluation(
    convention: Convention,
    *,
    by: Any,
    levels: dict[str, int],
    comments: dict[str, str],
    appreciation: str,
    ip: str | None = None,
) -> Evaluation:
    """The pedagogical team adjusts the grid the tutor sent, before co-signing it; the event
    says who changed what."""
    require(by, "evaluation.cosign", convention)
    grid = _grid_or_refuse(convention)
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().filter(convention=convention).first()
        if evaluation is None:
            raise FollowupRefused("Le tuteur n'a pas encore rempli la grille d'évaluation.")
        _step(evaluation, "adjust")
        clean, notes = _clean_levels(evaluation.grid or grid, levels, comments)
        _require_complete(evaluation.grid, clean, appreciation)
        changes = _changes(evaluation, clean, notes, appreciation)
        if not changes:
            raise FollowupRefused("Aucune modification à enregistrer.")
        evaluation.levels = clean
        evaluation.comments = notes
        evaluation.appreciation = appreciation.strip()
        evaluation.save()
        _event(
            convention,
            FollowupAction.EVALUATION_CHANGED,
            by=by,
            ip=ip,
            detail="Ajustée par l'équipe pédagogique : " + " ; ".join(changes) + ".",
        )
        return evaluation


def last_day_of(convention: Convention) -> date | None:
    """The last day of the convention's last active period."""
    last: date | None = convention.periods.filter(active=True).aggregate(last=Max("end"))["last"]
    return last


def cosign_evaluation(convention: Convention, *, by: Any, ip: str | None = None) -> Evaluation:
    """The pedagogical team co-signs the grid *au terme du stage* (the last active period has
    ended): the PDF is rendered once, stored with its SHA-256, and the grid is frozen."""
    require(by, "evaluation.cosign", convention)
    _grid_or_refuse(convention)
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().filter(convention=convention).first()
        if evaluation is None:
            raise FollowupRefused("Le tuteur n'a pas encore rempli la grille d'évaluation.")
        target = _step(evaluation, "cosign")
        today = timezone.localdate()
        last = last_day_of(convention)
        if last is None:
            raise FollowupRefused("La convention n'a aucune période en vigueur.")
        if last > today:
            raise FollowupRefused(
                "La grille s'arrête au terme du stage : la dernière période se termine le "
                f"{last:%d/%m/%Y}."
            )
        now = timezone.now()
        evaluation.status = target
        evaluation.cosigned_by = by
        evaluation.cosigned_at = now
        student = convention.student
        evaluation.content = render_pdf(
            "followup/pdf/evaluation.html",
            {
                "evaluation": evaluation,
                "grid": evaluation.grid,
                "rows": evaluation.rows(),
                "diploma": convention.student.cohort.diploma_title,
                "convention": convention,
                "student": student,
                "school": student.cohort.establishment,
                "host": convention.host,
                "periods": list(convention.periods.filter(active=True).order_by("start")),
                "cosigner": evaluation.cosigner_name,
                "cosigned_at": timezone.localtime(now),
                "filled_at": timezone.localtime(evaluation.filled_at)
                if evaluation.filled_at
                else None,
            },
        )
        evaluation.save()
        _event(
            convention,
            FollowupAction.EVALUATION_COSIGNED,
            by=by,
            ip=ip,
            detail=(
                f"Grille arrêtée conjointement avec le tuteur ({evaluation.tutor_name}) ; "
                f"PDF SHA-256 {evaluation.sha256}."
            ),
        )
        return evaluation


# --- bma-bijou: training contract and bilan, one per period ----------------------------------


@dataclass(frozen=True)
class DocumentKind:
    name: str
    model: type[TrainingContract] | type[Bilan]
    items_key: str
    title: str
    subject: str  # the title with its article, to start a sentence
    edited: FollowupAction
    signed: FollowupAction

    @property
    def related_name(self) -> str:
        """The period's attribute holding its document of this kind."""
        return str(self.model._meta.get_field("period").remote_field.related_name)


CONTRACT = DocumentKind(
    "contract",
    TrainingContract,
    "training_contract_items",
    "Contrat individuel de formation",
    "Le contrat individuel de formation",
    FollowupAction.CONTRACT_EDITED,
    FollowupAction.CONTRACT_SIGNED,
)
BILAN = DocumentKind(
    "bilan",
    Bilan,
    "bilan_items",
    "Bilan individuel",
    "Le bilan individuel",
    FollowupAction.BILAN_EDITED,
    FollowupAction.BILAN_SIGNED,
)
KINDS = {CONTRACT.name: CONTRACT, BILAN.name: BILAN}

TUTOR, TEAM, CANDIDATE = "tutor", "team", "candidate"
PARTY_LABELS = {TUTOR: "le tuteur", TEAM: "l'équipe pédagogique", CANDIDATE: "le candidat"}
OF_PARTY = {TUTOR: "du tuteur", TEAM: "de l'équipe pédagogique", CANDIDATE: "du candidat"}


def items_of(kind: DocumentKind, convention: Convention) -> list[str]:
    """The catalogue's items of `kind` for the convention's diploma (empty: not required)."""
    items = convention.student.cohort.catalogue_extra.get(kind.items_key)
    return [str(item) for item in items] if isinstance(items, list) else []


def _party(
    period: ConventionPeriod, *, by: Any, access: TutorAccess | None, tutor_name: str
) -> tuple[str, str]:
    """Who acts on a period's document, and the name the history gives them."""
    convention = period.convention
    if access is not None:
        return TUTOR, _tutor_checks(access, period, tutor_name)
    if can(by, "followup.team_sign", convention):
        return TEAM, ""
    require(by, "followup.candidate_sign", convention)
    return CANDIDATE, ""


def _document_checks(kind: DocumentKind, period: ConventionPeriod) -> list[str]:
    items = items_of(kind, period.convention)
    if not items:
        raise FollowupRefused(
            f"Le diplôme de ce stage ne prévoit pas de {kind.title.lower()} par période."
        )
    if not period.active or period.convention.status not in SIGNED_STATUSES:
        raise FollowupRefused("Cette période n'est pas celle d'une convention signée en vigueur.")
    return items


def edit_period_document(
    kind: DocumentKind,
    period: ConventionPeriod,
    answers: Iterable[str],
    *,
    by: Any = None,
    access: TutorAccess | None = None,
    tutor_name: str = "",
    ip: str | None = None,
) -> PeriodDocument:
    """Any of the three parties writes the text before all three have agreed; an edit clears
    the agreements already given (they were given to the previous text)."""
    party, name = _party(period, by=by, access=access, tutor_name=tutor_name)
    items = _document_checks(kind, period)
    texts = [str(text).strip() for text in answers]
    if len(texts) != len(items):
        raise FollowupRefused("Le texte ne correspond pas aux rubriques du document.")
    with transaction.atomic():
        locked = ConventionPeriod.objects.select_for_update().get(pk=period.pk)
        document = kind.model.objects.select_for_update().filter(period=locked).first()
        if document is None:
            document = kind.model(period=locked, items=items, answers=[""] * len(items))
        if document.completed:
            raise FollowupRefused(
                f"{kind.subject} est signé par les trois parties : il ne se modifie plus."
            )
        if list(document.answers or []) == texts:
            raise FollowupRefused("Aucune modification à enregistrer.")
        cleared = [
            PARTY_LABELS[who]
            for who, when in zip(
                (TUTOR, TEAM, CANDIDATE),
                (document.tutor_signed_at, document.team_signed_at, document.candidate_signed_at),
                strict=True,
            )
            if when is not None
        ]
        changed = [
            str(i + 1)
            for i, text in enumerate(texts)
            if i >= len(document.answers or []) or document.answers[i] != text
        ]
        document.answers = texts
        document.tutor_signed_at = None
        document.tutor_name = ""
        document.team_signed_at = None
        document.team_signed_by = None
        document.candidate_signed_at = None
        document.candidate_signed_by = None
        document.edited_by_label = name or str(by.get_full_name() or by.email)
        document.save()
        detail = f"Rubrique{'s' if len(changed) > 1 else ''} {', '.join(changed)} modifiée"
        detail += "s" if len(changed) > 1 else ""
        if cleared:
            detail += f" ; accord{'s' if len(cleared) > 1 else ''} effacé"
            detail += f"{'s' if len(cleared) > 1 else ''} : {', '.join(cleared)}"
        _event(
            period.convention,
            kind.edited,
            period=locked,
            by=by if party != TUTOR else None,
            actor_label=name,
            ip=ip,
            detail=f"Par {PARTY_LABELS[party]} : {detail}.",
        )
        return document


def sign_period_document(
    kind: DocumentKind,
    period: ConventionPeriod,
    *,
    by: Any = None,
    access: TutorAccess | None = None,
    tutor_name: str = "",
    ip: str | None = None,
) -> PeriodDocument:
    """One party's agreement; the third one renders the PDF, stores its SHA-256 and freezes
    the document. A bilan is established after its period: signed once the period has ended."""
    party, name = _party(period, by=by, access=access, tutor_name=tutor_name)
    _document_checks(kind, period)
    if kind is BILAN and period.end > timezone.localdate():
        raise FollowupRefused(
            "Le bilan individuel s'établit après la période : il pourra être signé à partir du "
            f"{period.end:%d/%m/%Y}."
        )
    with transaction.atomic():
        locked = (
            ConventionPeriod.objects.select_for_update()
            .select_related("convention")
            .get(pk=period.pk)
        )
        document = kind.model.objects.select_for_update().filter(period=locked).first()
        if document is None:
            raise FollowupRefused(f"{kind.subject} n'est pas encore rédigé.")
        if document.completed:
            raise FollowupRefused(f"{kind.subject} est déjà signé par les trois parties.")
        empty = [str(i + 1) for i, text in enumerate(document.answers or []) if not text.strip()]
        if empty:
            raise FollowupRefused(
                f"Renseignez chaque rubrique avant de signer (rubrique "
                f"{', '.join(empty)} vide{'s' if len(empty) > 1 else ''})."
            )
        now = timezone.now()
        if party == TUTOR:
            if document.tutor_signed_at is not None:
                raise FollowupRefused("Le tuteur a déjà donné son accord sur ce texte.")
            document.tutor_signed_at, document.tutor_name = now, name
        elif party == TEAM:
            if document.team_signed_at is not None:
                raise FollowupRefused("L'équipe pédagogique a déjà donné son accord sur ce texte.")
            document.team_signed_at, document.team_signed_by = now, by
        else:
            if document.candidate_signed_at is not None:
                raise FollowupRefused("Le candidat a déjà donné son accord sur ce texte.")
            document.candidate_signed_at, document.candidate_signed_by = now, by
        detail = f"Accord {OF_PARTY[party]}" + (f" ({name})" if name else "")
        if all(when is not None for _, when in document.signatures()):
            document.completed_at = now
            document.content = _render_document(kind, document, locked)
            document.save()
            detail += f" ; les trois parties ont signé : document figé, SHA-256 {document.sha256}"
            if isinstance(document, TrainingContract) and document.established_late:
                detail += " ; établi après le début de la période"
        else:
            document.save()
        _event(
            locked.convention,
            kind.signed,
            period=locked,
            by=by if party != TUTOR else None,
            actor_label=name,
            ip=ip,
            detail=detail + ".",
        )
        return document


def _render_document(
    kind: DocumentKind, document: PeriodDocument, period: ConventionPeriod
) -> bytes:
    convention = period.convention
    student = convention.student
    return render_pdf(
        "followup/pdf/period_document.html",
        {
            "title": kind.title,
            "kind": kind.name,
            "document": document,
            "pairs": document.pairs(),
            "period": period,
            "convention": convention,
            "student": student,
            "school": student.cohort.establishment,
            "host": convention.host,
            "tutor_name": document.tutor_name,
            "tutor_signed_at": timezone.localtime(document.tutor_signed_at),
            "team_name": document.team_name,
            "team_signed_at": timezone.localtime(document.team_signed_at),
            "candidate_name": student.full_name,
            "candidate_signed_at": timezone.localtime(document.candidate_signed_at),
            "completed_at": timezone.localtime(document.completed_at),
            "late": isinstance(document, TrainingContract) and document.established_late,
        },
    )
