"""The evaluation grid (*fiche d'appréciation*): the tutor fills it through their link, the
pedagogical team adjusts it and co-signs it at the end of the stage (then it is frozen)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from milieu.conventions.documents import render_pdf
from milieu.conventions.models import Convention
from milieu.followup.enums import EvaluationStatus
from milieu.followup.models import Evaluation, EvaluationTransition, FollowupAction, TutorAccess
from milieu.followup.operations.base import FollowupRefused, record_event, tutor_checks
from milieu.people.models import User
from milieu.permissions import Action, require
from milieu.workflow import Transition, Workflow

E = EvaluationStatus

# The grid's one transition table: the tutor drafts and sends it through their link (no
# account, no permission: the link is the credential), the team adjusts and co-signs it.
EVALUATION_FLOW: Workflow[Evaluation] = Workflow(
    model=Evaluation,
    log=EvaluationTransition,
    subject="evaluation",
    refused=FollowupRefused,
    noun="la grille d'évaluation",
    transitions={
        "draft": Transition({E.DRAFT}, E.DRAFT, None, "Enregistrer le brouillon (tuteur)"),
        "fill": Transition(
            {E.DRAFT, E.FILLED}, E.FILLED, None, "Transmettre à l'équipe pédagogique (tuteur)"
        ),
        "adjust": Transition(
            {E.FILLED}, E.FILLED, Action.EVALUATION_COSIGN, "Ajuster la grille (équipe pédagogique)"
        ),
        "cosign": Transition(
            {E.FILLED},
            E.COSIGNED,
            Action.EVALUATION_COSIGN,
            "Arrêter conjointement (équipe pédagogique)",
        ),
    },
)
EVALUATION_TRANSITIONS = EVALUATION_FLOW.transitions

# why a transition is not possible from a state, in the grid's own words
_EVALUATION_REFUSED = {
    E.DRAFT: "Le tuteur n'a pas encore transmis la grille d'évaluation.",
    E.FILLED: (
        "La grille est déjà transmise à l'équipe pédagogique : vos corrections se transmettent "
        "de nouveau."
    ),
    E.COSIGNED: "La grille d'évaluation est arrêtée conjointement : elle est figée.",
}


class GradedRecord(Protocol):
    """A grid with the evaluation's states (a stage's `Evaluation`, an apprentice's)."""

    status: str


def evaluation_step(evaluation: GradedRecord, name: str) -> str:
    """The state transition `name` leads `evaluation` to, or the refusal in the grid's words."""
    transition = EVALUATION_TRANSITIONS[name]
    if evaluation.status not in transition.sources:
        raise FollowupRefused(_EVALUATION_REFUSED[EvaluationStatus(evaluation.status)])
    return transition.target


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


def clean_levels(
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


def require_complete(grid: dict[str, Any], levels: dict[str, int], appreciation: str) -> None:
    missing = [item["code"] for item in grid["items"] if item["code"] not in levels]
    reasons = []
    if missing:
        reasons.append(f"Donnez un niveau pour chaque critère (manque : {', '.join(missing)})")
    if not appreciation.strip():
        reasons.append("rédigez l'appréciation proposée")
    if reasons:
        raise FollowupRefused(" ; ".join(reasons) + ".")


def changes_of(
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
    name = tutor_checks(access, None, tutor_name)
    convention = access.convention
    grid = _grid_or_refuse(convention)
    clean, notes = clean_levels(grid, levels, comments)
    if submit:
        require_complete(grid, clean, appreciation)
    with transaction.atomic():
        Convention.objects.select_for_update().filter(pk=convention.pk).first()
        evaluation = Evaluation.objects.select_for_update().filter(convention=convention).first()
        if evaluation is None:  # the row first, its text comes with its state below
            evaluation = Evaluation.objects.create(convention=convention, grid=grid)
        step = "fill" if submit else "draft"
        evaluation_step(evaluation, step)
        changes = changes_of(evaluation, clean, notes, appreciation)
        previous = evaluation.status
        # the text, saved with the state in one save by the table
        fields: dict[str, Any] = {
            "levels": clean,
            "comments": notes,
            "appreciation": appreciation.strip(),
            "tutor_name": name,
        }
        if submit:
            fields["filled_at"] = timezone.now()
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
        detail = what + (" : " + " ; ".join(changes) if changes else "") + "."
        return EVALUATION_FLOW.apply(
            evaluation,
            step,
            by=None,
            actor_label=name,
            ip=ip,
            comment=detail,
            effect=lambda _: record_event(
                convention, action, actor_label=name, ip=ip, detail=detail
            ),
            fields=fields,
        )


def adjust_evaluation(
    convention: Convention,
    *,
    by: User,
    levels: dict[str, int],
    comments: dict[str, str],
    appreciation: str,
    ip: str | None = None,
) -> Evaluation:
    """The pedagogical team adjusts the grid the tutor sent, before co-signing it; the event
    says who changed what."""
    require(by, Action.EVALUATION_COSIGN, convention)  # before reading the grid: 403 first
    grid = _grid_or_refuse(convention)
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().filter(convention=convention).first()
        if evaluation is None:
            raise FollowupRefused("Le tuteur n'a pas encore rempli la grille d'évaluation.")
        evaluation_step(evaluation, "adjust")
        clean, notes = clean_levels(evaluation.grid or grid, levels, comments)
        require_complete(evaluation.grid, clean, appreciation)
        changes = changes_of(evaluation, clean, notes, appreciation)
        if not changes:
            raise FollowupRefused("Aucune modification à enregistrer.")
        detail = "Ajustée par l'équipe pédagogique : " + " ; ".join(changes) + "."
        return EVALUATION_FLOW.apply(
            evaluation,
            "adjust",
            by=by,
            ip=ip,
            comment=detail,
            effect=lambda _: record_event(
                convention, FollowupAction.EVALUATION_CHANGED, by=by, ip=ip, detail=detail
            ),
            fields={"levels": clean, "comments": notes, "appreciation": appreciation.strip()},
        )


def last_day_of(convention: Convention) -> date | None:
    """The last day of the convention's last active period."""
    last: date | None = convention.periods.filter(active=True).aggregate(last=Max("end"))["last"]
    return last


def cosign_evaluation(convention: Convention, *, by: User, ip: str | None = None) -> Evaluation:
    """The pedagogical team co-signs the grid *au terme du stage* (the last active period has
    ended): the PDF is rendered once, stored with its SHA-256, and the grid is frozen."""
    require(by, Action.EVALUATION_COSIGN, convention)
    _grid_or_refuse(convention)
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().filter(convention=convention).first()
        if evaluation is None:
            raise FollowupRefused("Le tuteur n'a pas encore rempli la grille d'évaluation.")
        target = evaluation_step(evaluation, "cosign")
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
        # as the PDF states them; saved with the status by the table below
        evaluation.status = target
        evaluation.cosigned_by = by
        evaluation.cosigned_at = now
        student = convention.student
        content = render_pdf(
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
        sha256 = hashlib.sha256(content).hexdigest()  # as `Evaluation.save` computes it
        detail = (
            f"Grille arrêtée conjointement avec le tuteur ({evaluation.tutor_name}) ; "
            f"PDF SHA-256 {sha256}."
        )
        return EVALUATION_FLOW.apply(
            evaluation,
            "cosign",
            by=by,
            ip=ip,
            comment=detail,
            effect=lambda _: record_event(
                convention, FollowupAction.EVALUATION_COSIGNED, by=by, ip=ip, detail=detail
            ),
            fields={"cosigned_by": by, "cosigned_at": now, "content": content, "sha256": sha256},
        )
