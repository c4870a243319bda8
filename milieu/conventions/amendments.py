"""Avenants: changing a signed convention's dates, place, tutor or timetable, re-signed by its parties.

An avenant is created as a draft on a signed convention or a stage in progress (one open avenant
at a time), checked as if it applied (`amended_problems`: every blocking problem of
`check_convention` on the amended convention refuses the sending), then sent: its PDF is rendered
once from a snapshot and stored with its hash, and the parties who signed the convention (same
roles, names and e-mails) each receive a single-use link. A refusal cancels the avenant with its
reason. When the last party signs, the avenant is signed, its PDF sealed (the signed file kept
byte for byte, a signature page appended as an incremental update, then the establishment's
seal) and applied: replaced periods are deactivated (kept for history) before their replacements
are created, so that the PostgreSQL exclusion constraint never sees both. The convention's status
does not change; each step is written in its history (`ConventionTransition` with the same status
before and after, and a comment "Avenant n° N …").
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from milieu.changes import verdict_inputs_changed
from milieu.conventions.amendment_checks import period_reasons, same_timetable, timetable_reasons
from milieu.conventions.amendment_documents import (
    amendment_periods,
    build_amendment_snapshot,
    fr_date,
    original_parties,
    seal_amendment,
)
from milieu.conventions.calendar import WEEKDAYS
from milieu.conventions.checks import Problem, check_convention
from milieu.conventions.documents import render_pdf, store
from milieu.conventions.enums import (
    ConventionStatus,
    SignatureMethod,
    SignatureState,
)
from milieu.conventions.flow import (
    AMENDMENT_FLOW,
    CONVENTION_FLOW,
    OPEN_AMENDMENT_STATUSES,
    ConventionRefused,
    add_periods,
)
from milieu.conventions.links import IssuedLink, issue_link, mail_link
from milieu.conventions.mails import send_sealed_copies
from milieu.conventions.models import (
    Amendment,
    Convention,
    ConventionDocument,
    ConventionPeriod,
    Signatory,
    SignatureLink,
)
from milieu.hosts.models import HostSite, Tutor
from milieu.people.models import User
from milieu.permissions import Action, require

AMENDABLE_STATUSES = frozenset({ConventionStatus.SIGNED, ConventionStatus.IN_PROGRESS})
__all__ = [
    "AMENDABLE_STATUSES",
    "OPEN_AMENDMENT_STATUSES",
    "amended_problems",
    "cancel_amendment",
    "cancel_on_refusal",
    "complete_if_all_signed",
    "create_amendment",
    "send_amendment_for_signature",
]


# --- creating -----------------------------------------------------------------------------


def create_amendment(
    convention: Convention,
    *,
    by: User,
    reason: str,
    new_periods: list[tuple[date, date]] | None = None,
    early_end: date | None = None,
    new_site: HostSite | None = None,
    new_tutor: Tutor | None = None,
    new_timetable: dict[str, list[list[str]]] | None = None,
    new_weekly_hours: Decimal | None = None,
    ip: str | None = None,
) -> Amendment:
    """A draft avenant to a signed convention (or a stage in progress), numbered 1, 2, …

    A value equal to the convention's current one is not a change; at least one change is due.
    """
    require(by, Action.CONVENTION_AMEND, convention)
    with transaction.atomic():
        locked = Convention.objects.select_for_update().get(pk=convention.pk)
        if locked.status not in AMENDABLE_STATUSES:
            raise ConventionRefused(
                [
                    "Un avenant ne modifie qu'une convention signée ou un stage en cours ; "
                    f"la convention est « {locked.get_status_display()} »."
                ]
            )
        current = [(p.start, p.end) for p in locked.active_periods()]
        if new_periods is not None and sorted(new_periods) == current:
            new_periods = None
        if new_site is not None and new_site.pk == locked.site_id:
            new_site = None
        if new_tutor is not None and new_tutor.pk == locked.tutor_id:
            new_tutor = None
        if new_timetable is not None and same_timetable(new_timetable, locked.timetable):
            new_timetable = None
        if new_weekly_hours is not None and Decimal(new_weekly_hours) == locked.weekly_hours:
            new_weekly_hours = None
        reasons = []
        if not reason.strip():
            reasons.append("Indiquez l'objet de l'avenant.")
        if new_periods is not None and early_end is not None:
            reasons.append(
                "Un avenant donne soit de nouvelles périodes, soit une fin anticipée, pas les deux."
            )
        elif new_periods is not None:
            reasons += period_reasons(locked, new_periods)
        elif early_end is not None and current:
            first, last = current[0][0], current[-1][1]
            if not first <= early_end < last:
                reasons.append(
                    f"La fin anticipée tombe pendant le stage, entre le {fr_date(first)} et le "
                    f"{fr_date(last - timedelta(days=1))}."
                )
        if new_site is not None and new_site.host_id != locked.host_id:
            reasons.append("Le lieu choisi n'appartient pas à l'organisme d'accueil.")
        if new_tutor is not None and new_tutor.host_id != locked.host_id:
            reasons.append("Le tuteur choisi n'appartient pas à l'organisme d'accueil.")
        if new_timetable is not None:
            reasons += timetable_reasons(new_timetable)
        if new_weekly_hours is not None and not 0 < Decimal(new_weekly_hours) <= 48:
            reasons.append("La durée hebdomadaire est comprise entre 0 et 48 heures.")
        changes = (new_periods, early_end, new_site, new_tutor, new_timetable, new_weekly_hours)
        if all(value is None for value in changes):
            reasons.append(
                "Un avenant modifie au moins un élément : périodes, fin anticipée, lieu, tuteur, "
                "horaires ou durée hebdomadaire."
            )
        opened = locked.amendments.filter(status__in=list(OPEN_AMENDMENT_STATUSES)).first()
        if opened is not None:
            reasons.append(
                f"L'avenant n° {opened.number} est en cours : faites-le signer ou annulez-le "
                "avant d'en créer un autre."
            )
        if reasons:
            raise ConventionRefused(reasons)
        number = (
            locked.amendments.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        amendment = Amendment.objects.create(
            convention=locked,
            number=number,
            reason=reason.strip(),
            new_periods=[
                {"start": s.isoformat(), "end": e.isoformat()} for s, e in sorted(new_periods)
            ]
            if new_periods is not None
            else None,
            early_end=early_end,
            new_site=new_site,
            new_tutor=new_tutor,
            new_timetable=new_timetable,
            new_weekly_hours=new_weekly_hours,
            created_by=by,
        )
        AMENDMENT_FLOW.created(amendment, by=by, ip=ip, comment=amendment.reason)
        _log(locked, f"Avenant n° {number} créé : {amendment.reason}", by=by, ip=ip)
    return amendment


def _log(
    convention: Convention,
    comment: str,
    *,
    by: User | None = None,
    actor_label: str = "",
    ip: str | None = None,
) -> None:
    """A history row of the convention whose status does not change (the avenant's own steps
    are in its `AmendmentTransition` log)."""
    CONVENTION_FLOW.log_row(convention, by=by, actor_label=actor_label, ip=ip, comment=comment)


# --- applying -----------------------------------------------------------------------------


def _apply_changes(convention: Convention, amendment: Amendment) -> None:
    """Make the convention say what the avenant says. Replaced periods are deactivated first."""
    active = list(convention.periods.filter(active=True).order_by("start"))
    if amendment.new_periods:
        wanted = set(amendment_periods(amendment))
        kept = {(p.start, p.end) for p in active if (p.start, p.end) in wanted}
        replaced = [p.pk for p in active if (p.start, p.end) not in wanted]
        ConventionPeriod.objects.filter(pk__in=replaced).update(active=False)
        add_periods(convention, sorted(wanted - kept), amendment=amendment)
    elif amendment.early_end:
        cut = amendment.early_end
        ending = [p for p in active if p.end > cut]
        ConventionPeriod.objects.filter(pk__in=[p.pk for p in ending]).update(active=False)
        add_periods(
            convention, [(p.start, cut) for p in ending if p.start <= cut], amendment=amendment
        )
    fields = []
    if amendment.new_site_id:
        convention.site_id = amendment.new_site_id
        fields.append("site")
    if amendment.new_tutor_id:
        convention.tutor_id = amendment.new_tutor_id
        fields.append("tutor")
    if amendment.new_timetable:
        convention.timetable = amendment.new_timetable
        # the days worked are the days with hours
        convention.work_days = [d for d in WEEKDAYS if amendment.new_timetable.get(d)]
        fields += ["timetable", "work_days"]
    if amendment.new_weekly_hours is not None:
        convention.weekly_hours = amendment.new_weekly_hours
        fields.append("weekly_hours")
    if fields:
        convention.save(update_fields=[*fields, "updated_at"])
    verdict_inputs_changed(convention.student_id)


class _Rollback(Exception):
    pass


def amended_problems(amendment: Amendment) -> list[Problem]:
    """`check_convention` on the convention as the avenant would make it (nothing is kept)."""
    found: list[Problem] = []
    try:
        with transaction.atomic():
            convention = Convention.objects.with_parties().get(pk=amendment.convention_id)
            _apply_changes(convention, amendment)
            found = check_convention(convention)
            raise _Rollback
    except _Rollback:
        pass
    except ConventionRefused as refused:
        found = [Problem("PERIODS_OVERLAP", True, reason) for reason in refused.reasons]
    return found


# --- sending ------------------------------------------------------------------------------


def send_amendment_for_signature(
    amendment: Amendment, *, by: User, ip: str | None = None
) -> Amendment:
    """Render the avenant's PDF once and invite the convention's parties to sign it."""
    require(by, Action.AMENDMENT_SEND, amendment)
    issued: list[IssuedLink] = []
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=amendment.convention_id)
        parties = original_parties(convention)

        def guard(a: Amendment) -> list[str]:
            if convention.status not in AMENDABLE_STATUSES:
                return [
                    "Un avenant ne modifie qu'une convention signée ou un stage en cours ; "
                    f"la convention est « {convention.get_status_display()} »."
                ]
            reasons = [p.message for p in amended_problems(a) if p.blocking]
            if not parties:
                reasons.append("La convention n'a aucun signataire à qui soumettre l'avenant.")
            return reasons

        def effect(a: Amendment) -> None:
            pdf = render_pdf(
                "conventions/amendments/pdf/amendment.html",
                {"a": build_amendment_snapshot(a, convention), "final": False},
            )
            store(convention, ConventionDocument.Kind.AMENDMENT, pdf, amendment=a)
            for order, party in enumerate(parties):
                signatory = Signatory.objects.create(
                    convention=convention,
                    amendment=a,
                    version=convention.version,
                    role=party.role,
                    name=party.name,
                    email=party.email,
                    on_behalf_of=party.on_behalf_of,
                    user=party.user,
                    order=order,
                    method=SignatureMethod.ONLINE if party.email else SignatureMethod.PAPER,
                )
                if party.email:
                    issued.append(issue_link(signatory))
            _log(convention, f"Avenant n° {a.number} envoyé en signature", by=by, ip=ip)

        def mail_all() -> None:
            for link in issued:
                mail_link(link)

        AMENDMENT_FLOW.apply(
            amendment, "send", by=by, ip=ip, guard=guard, effect=effect, after_commit=[mail_all]
        )
    return amendment


# --- ending -------------------------------------------------------------------------------


def _close_links(amendment: Amendment) -> None:
    SignatureLink.objects.filter(signatory__amendment=amendment, used_at__isnull=True).update(
        used_at=timezone.now()
    )


def _notify_author(amendment: Amendment, subject: str, body: str) -> None:
    email = amendment.created_by.email
    if email:
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))


def cancel_amendment(
    amendment: Amendment, *, by: User, reason: str, ip: str | None = None
) -> Amendment:
    """The establishment gives up an avenant still in draft or in signature; its links close."""
    require(by, Action.AMENDMENT_CANCEL, amendment)
    if not reason.strip():
        raise ConventionRefused(["Indiquez le motif de l'annulation de l'avenant."])
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=amendment.convention_id)

        def effect(a: Amendment) -> None:
            _close_links(a)
            _log(convention, f"Avenant n° {a.number} annulé : {reason.strip()}", by=by, ip=ip)

        AMENDMENT_FLOW.apply(
            amendment, "cancel", by=by, ip=ip, comment=reason.strip(), effect=effect
        )
    return amendment


def cancel_on_refusal(signatory: Signatory, reason: str, *, ip: str | None) -> None:
    """A party refused to sign: the avenant is cancelled with the reason (called by
    `signatures.refuse_with_link`, inside its transaction)."""
    assert signatory.amendment_id is not None
    amendment = Amendment.objects.select_for_update(of=("self",)).get(pk=signatory.amendment_id)
    if not AMENDMENT_FLOW.may(amendment, "refuse"):
        return
    convention = Convention.objects.get(pk=amendment.convention_id)
    who = f"{signatory.name} ({signatory.get_role_display()})"

    def effect(a: Amendment) -> None:
        _close_links(a)
        _log(
            convention,
            f"Avenant n° {a.number} refusé par {who} : {reason.strip()}",
            actor_label=who,
            ip=ip,
        )
        _notify_author(
            a,
            f"Avenant n° {a.number} à la convention n° {convention.pk} refusé",
            f"Bonjour,\n\n{who} a refusé de signer l'avenant n° {a.number} à la convention "
            f"de stage n° {convention.pk}.\n\nMotif : {reason.strip()}\n\nL'avenant est "
            "annulé ; la convention reste telle qu'elle a été signée.\n",
        )

    AMENDMENT_FLOW.apply(
        amendment, "refuse", by=None, actor_label=who, ip=ip, comment=reason.strip(), effect=effect
    )


def complete_if_all_signed(amendment: Amendment, *, ip: str | None) -> None:
    """After a signature: when every party has signed, seal the avenant and apply it (called
    by `signatures.sign_with_link` and `sign_on_paper`, inside their transaction, with the
    convention's row locked)."""
    amendment = Amendment.objects.select_for_update(of=("self",)).get(pk=amendment.pk)
    if not AMENDMENT_FLOW.may(amendment, "complete"):
        return
    if amendment.signatories.exclude(state=SignatureState.SIGNED).exists():
        return
    convention = Convention.objects.select_for_update().get(pk=amendment.convention_id)

    def effect(a: Amendment) -> None:
        a.signed_at = timezone.now()
        a.save(update_fields=["signed_at"])
        seal_amendment(a, convention)
        try:
            _apply_changes(convention, a)
        except ConventionRefused as refused:
            raise ConventionRefused(
                [
                    f"L'avenant n° {a.number} ne peut plus s'appliquer : "
                    + " ".join(refused.reasons)
                    + " La signature n'est pas enregistrée ; l'établissement doit annuler "
                    "l'avenant."
                ]
            ) from None
        _log(
            convention,
            f"Avenant n° {a.number} signé",
            actor_label="Milieu (dernière signature)",
            ip=ip,
        )
        _notify_author(
            a,
            f"Avenant n° {a.number} à la convention n° {convention.pk} signé",
            f"Bonjour,\n\nToutes les parties ont signé l'avenant n° {a.number} à la "
            f"convention de stage n° {convention.pk}. Il est scellé et s'applique désormais.\n",
        )

    AMENDMENT_FLOW.apply(
        amendment,
        "complete",
        by=None,
        actor_label="Milieu (dernière signature)",
        ip=ip,
        effect=effect,
        after_commit=[partial(send_sealed_copies, convention.pk, amendment.pk)],
    )
