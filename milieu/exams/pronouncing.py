"""Pronouncing the report's conformity (`milieu.exams.conformity` says what it means): checked,
written (a `ReportConformity` row and an audit entry each, all or none), and verified against
the dossier it makes (`build_dossier`): refused when the dossier would not say it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.changes import verdict_inputs_changed
from milieu.exams.assembly import build_dossier
from milieu.exams.conformity import (
    REASON_MAX_LENGTH,
    REPORT_CODES,
    ConformityRefused,
    Ground,
    Pronouncement,
    required_sections,
)
from milieu.exams.models import ReportConformity
from milieu.people.models import User
from milieu.permissions import Action, require
from milieu.rules import judge
from milieu.rules.references import CONFORMITY_PRONOUNCED
from milieu.validators import text_problem


def checked_pronouncement(student: Any, p: Pronouncement) -> Pronouncement:
    reason = p.reason.strip()
    if not reason:
        raise ConformityRefused("Indiquez les observations du service des examens.")
    if len(reason) > REASON_MAX_LENGTH:
        raise ConformityRefused(f"Les observations tiennent en {REASON_MAX_LENGTH} caractères.")
    problem = text_problem(reason)
    if problem:
        raise ConformityRefused("Observations : " + problem)
    if str(student.cohort.diploma) not in CONFORMITY_PRONOUNCED:
        raise ConformityRefused(
            f"La conformité du rapport de {student} n'est pas prononcée par le service des "
            "examens pour ce diplôme."
        )
    if p.conforming:
        return Pronouncement(True, reason)
    if p.ground not in Ground.values:
        raise ConformityRefused("Choisissez le motif de la non-conformité.")
    sections = required_sections(str(student.cohort.diploma), student.pathway_key)
    if p.ground == Ground.LATE:
        if p.received_on is None:
            raise ConformityRefused("Indiquez la date à laquelle le rapport a été reçu.")
        return Pronouncement(False, reason, p.ground, received_on=p.received_on)
    if p.ground == Ground.EXPECTATIONS:
        missing = [key for key in sections if key in set(p.missing_sections)]
        if not missing and not p.not_endorsed:
            raise ConformityRefused(
                "Dites ce qui manque au regard des attendus : une partie absente ou le visa "
                "de l'organisme d'accueil."
            )
        return Pronouncement(
            False, reason, p.ground, missing_sections=missing, not_endorsed=p.not_endorsed
        )
    return Pronouncement(False, reason, p.ground)


def verify(student: Any, row: ReportConformity, today: date) -> None:
    """The dossier with the pronouncement must say it: refused otherwise (see the module)."""
    dossier = build_dossier(student, as_of=today)
    result = judge(dossier)
    if "error" in result:
        raise ConformityRefused(f"Le dossier de {student} ne peut pas être jugé.")
    deposited = (dossier.get("report") or {}).get("submitted_on") is not None
    if (row.conforming or row.ground == Ground.EXPECTATIONS) and not deposited:
        raise ConformityRefused(
            f"{student} n'a déposé aucun rapport : rien à juger sur ses attendus."
        )
    if row.conforming:
        return
    codes = {f["code"] for f in result.get("findings", []) if f.get("severity") == "blocking"}
    if codes & REPORT_CODES:
        return
    if row.ground == Ground.MISSING:
        raise ConformityRefused(
            f"{student} : la date limite de remise n'est pas passée, l'absence de dépôt ne "
            "peut pas encore être constatée."
        )
    raise ConformityRefused(
        f"{student} : la date de réception indiquée ne suit pas la date limite de remise."
    )


def pronounce(
    students: Iterable[Any], p: Pronouncement, *, by: User, ip: str | None = None
) -> list[ReportConformity]:
    """Pronounce `p` on each student's report, all or none (one transaction): a row and an audit
    entry each; their stored verdicts follow on commit (`milieu.changes`)."""
    students = list(students)
    if not students:
        raise ConformityRefused("Choisissez au moins un candidat.")
    today = timezone.localdate()
    rows = []
    with transaction.atomic():
        for student in students:
            require(by, Action.REPORT_CONFORMITY_PRONOUNCE, student)
            checked = checked_pronouncement(student, p)
            row = ReportConformity.objects.create(
                student=student,
                conforming=checked.conforming,
                ground=checked.ground,
                received_on=checked.received_on,
                missing_sections=list(checked.missing_sections),
                not_endorsed=checked.not_endorsed,
                reason=checked.reason,
                decided_by=by,
                ip=ip or None,
            )
            verify(student, row, today)
            record(
                AuditAction.REPORT_CONFORMITY,
                actor=by,
                obj=student,
                establishment=student.cohort.establishment,
                ip=ip,
                changes={
                    "conforme": row.conforming,
                    "mention": row.mention,
                    "motif": row.get_ground_display() if row.ground else "",
                    "observations": row.reason,
                },
            )
            verdict_inputs_changed(student.pk)
            rows.append(row)
    return rows
