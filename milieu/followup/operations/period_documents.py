"""bma-bijou's training contract and bilan, one per period: written by any of the three parties
(tutor, pedagogical team, candidate), agreed by each, frozen as a PDF once all three agreed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from milieu.conventions.documents import render_pdf
from milieu.conventions.enums import SIGNED_STATUSES
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.models import (
    Bilan,
    FollowupAction,
    PeriodDocument,
    TrainingContract,
    TutorAccess,
)
from milieu.followup.operations.base import FollowupRefused, record_event, tutor_checks
from milieu.people.models import User
from milieu.permissions import Action, can, require


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
    period: ConventionPeriod, *, by: User | None, access: TutorAccess | None, tutor_name: str
) -> tuple[str, str]:
    """Who acts on a period's document, and the name the history gives them."""
    convention = period.convention
    if access is not None:
        return TUTOR, tutor_checks(access, period, tutor_name)
    if can(by, Action.FOLLOWUP_TEAM_SIGN, convention):
        return TEAM, ""
    require(by, Action.FOLLOWUP_CANDIDATE_SIGN, convention)
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
    by: User | None = None,
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
        document.edited_by_label = name or (str(by.get_full_name() or by.email) if by else "")
        document.save()
        detail = f"Rubrique{'s' if len(changed) > 1 else ''} {', '.join(changed)} modifiée"
        detail += "s" if len(changed) > 1 else ""
        if cleared:
            detail += f" ; accord{'s' if len(cleared) > 1 else ''} effacé"
            detail += f"{'s' if len(cleared) > 1 else ''} : {', '.join(cleared)}"
        record_event(
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
    by: User | None = None,
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
        record_event(
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
