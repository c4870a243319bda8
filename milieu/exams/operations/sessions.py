"""The rectorat's exam sessions: created and changed by the exam service, each change logged
(`ExamSessionChange`: actor, time, address, each field before → after)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from milieu.audit.journal import diff, snapshot
from milieu.exams.models import ExamSession, ExamSessionChange
from milieu.exams.operations.refusals import ExamsInvalid, ExamsRefused
from milieu.people.models import User
from milieu.permissions import Action, require
from milieu.rules import get_catalogue

SESSION_FIELDS = (
    "diploma",
    "session",
    "exam_date",
    "report_deadline",
    "transmission",
    "pilot_academie",
)


@dataclass(frozen=True)
class SessionData:
    diploma: str
    session: int
    exam_date: date
    report_deadline: date | None = None
    transmission: str = ""
    pilot_academie: str = ""


def session_errors(data: SessionData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if get_catalogue().get(data.diploma) is None:
        errors["diploma"] = f"« {data.diploma} » n'est pas un diplôme du catalogue."
    if data.exam_date.year != data.session:
        errors["exam_date"] = (
            f"La date de l'examen de la session {data.session} tombe en {data.session}."
        )
    if data.report_deadline is not None and data.report_deadline > data.exam_date:
        errors["report_deadline"] = (
            "La date limite de remise du rapport ou du dossier doit précéder l'examen "
            f"({data.exam_date:%d/%m/%Y})."
        )
    elif data.report_deadline is not None and data.report_deadline.year < data.session - 1:
        errors["report_deadline"] = (
            "La date limite de remise du rapport ou du dossier tombe dans l'année de la session "
            f"{data.session} ou la précédente."
        )
    return errors


def save_exam_session(
    academie: Any,
    data: SessionData,
    *,
    by: User,
    instance: ExamSession | None = None,
    ip: str | None = None,
) -> ExamSession:
    """Create the session of `academie` (or change `instance`); the change is logged."""
    require(by, Action.EXAM_SESSION_MANAGE, academie)
    if instance is not None and instance.academie_id != academie.pk:
        raise ExamsRefused("Cette session appartient à une autre académie.")
    errors = session_errors(data)
    if errors:
        raise ExamsInvalid(errors)
    try:
        with transaction.atomic():
            if instance is None:
                exam_session = ExamSession(academie=academie)
                before: dict[str, Any] = {}
            else:
                exam_session = ExamSession.objects.select_for_update().get(pk=instance.pk)
                before = snapshot(exam_session, SESSION_FIELDS)
            for name in SESSION_FIELDS:
                setattr(exam_session, name, getattr(data, name))
            exam_session.transmission = data.transmission.strip()
            exam_session.pilot_academie = data.pilot_academie.strip()
            exam_session.updated_by = by
            changes = diff(before, snapshot(exam_session, SESSION_FIELDS))
            if instance is not None and not changes:
                return exam_session
            exam_session.save()
            ExamSessionChange.objects.create(
                exam_session=exam_session, actor=by, ip=ip, changes=changes
            )
    except IntegrityError as clash:
        raise ExamsInvalid(
            {"session": "Cette session existe déjà pour ce diplôme dans l'académie."}
        ) from clash
    return exam_session


def session_for(student: Any) -> ExamSession | None:
    """The exam session the student's cohort sits, in its académie (one query)."""
    cohort = student.cohort
    return ExamSession.objects.filter(
        academie_id=cohort.establishment.academie_id,
        diploma=cohort.diploma,
        session=cohort.session,
    ).first()
