"""The report's conformity pronounced by the exam service (seed 001 §4), for the diplomas of
`milieu.rules.references.CONFORMITY_PRONOUNCED` (`bts-metiers-de-la-mesure`).

The automatic analysis proposes (`milieu.reports`, with a teacher's corrections of its figures,
`milieu.reports.corrections`); the exam service pronounces « conforme » or « non conforme »
(mention « non validé ») per candidate or for several at once (`pronounce`), with its reason;
each pronouncement is a `ReportConformity` row (actor, time, address) and an audit entry.

The contract (``shared/spec/dossier.md``) has no field for a person's decision on the report:
the decision is carried by the report's own fields (`with_conformity`, applied by
`build_dossier`), so that the engine's findings on the report are exactly what was pronounced:

- « conforme »: every required section present, no figure left to judge (no page count, as for
  a scan no teacher has measured, `corrections.unjudged_figures`), endorsed by the host, and
  deposited on time (``deadline`` at least ``submitted_on``): no REPORT_* finding;
- « non conforme », absence de dépôt: ``submitted_on`` null (REPORT_MISSING, the deadline
  being past);
- « non conforme », dépôt au-delà de la date fixée: ``submitted_on`` is the day the service
  received the report, after the deadline (REPORT_LATE), the content as for « conforme »;
- « non conforme », dossier non conforme aux attendus: the sections the service found absent
  are left out (REPORT_SECTION_MISSING) and/or the visa is absent (REPORT_NOT_ENDORSED), the
  rest as for « conforme ».

The latest pronouncement stands until the service pronounces again (a version deposited after
it does not undo it: the control happens after the date fixed, before the interrogation).

A pronouncement is refused when the dossier would not say it (a « non conforme » for absence of
deposit before the deadline, a late receipt dated before it, a « conforme » without a deposit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.changes import verdict_inputs_changed
from milieu.exams.models import ReportConformity
from milieu.permissions import require
from milieu.rules import get_catalogue
from milieu.rules.references import CONFORMITY_PRONOUNCED
from milieu.validators import text_problem

Ground = ReportConformity.Ground
REASON_MAX_LENGTH = 2000
REPORT_CODES = frozenset(
    {
        "REPORT_MISSING",
        "REPORT_LATE",
        "REPORT_TOO_LONG",
        "REPORT_SECTION_MISSING",
        "REPORT_SECTION_LENGTH",
        "REPORT_ENGLISH_DOCUMENTS",
        "REPORT_FORMAT_TOO_LARGE",
        "REPORT_NOT_ENDORSED",
    }
)


class ConformityRefused(Exception):
    """A pronouncement refused, with a French message for the page."""


@dataclass(frozen=True)
class Pronouncement:
    """What the exam service pronounces: « conforme », or « non conforme » on a ground."""

    conforming: bool
    reason: str
    ground: str = ""
    received_on: date | None = None
    missing_sections: Sequence[str] = field(default_factory=tuple)
    not_endorsed: bool = False


def required_sections(diploma_id: str, pathway_key: str) -> list[str]:
    """The report's required sections for the diploma and pathway (the catalogue's
    `report-sections` rules)."""
    diploma = get_catalogue().get(diploma_id)
    if diploma is None or pathway_key not in diploma.plans:
        return []
    sections: list[str] = []
    for rule in diploma.plan(pathway_key).get("report-sections", ()):
        sections += [str(key) for key in rule.params["sections"] if key not in sections]
    return sections


def latest_conformity(student: Any) -> ReportConformity | None:
    """The exam service's latest pronouncement on the student's report (one query, none for a
    diploma whose conformity nobody pronounces)."""
    if str(student.cohort.diploma) not in CONFORMITY_PRONOUNCED:
        return None
    return (
        ReportConformity.objects.filter(student_id=student.pk)
        .order_by("-decided_at", "-pk")
        .first()
    )


def latest_conformities(student_ids: Any) -> dict[int, ReportConformity]:
    """`latest_conformity` of many students at once (one query): a student without a
    pronouncement, or of a diploma whose conformity nobody pronounces, is absent."""
    latest: dict[int, ReportConformity] = {}
    for decision in ReportConformity.objects.filter(
        student_id__in=student_ids,
        student__cohort__diploma__in=sorted(CONFORMITY_PRONOUNCED),
    ).order_by("student_id", "-decided_at", "-pk"):
        latest.setdefault(decision.student_id, decision)
    return latest


def with_conformity(
    report: dict[str, Any] | None, decision: Any, sections: list[str]
) -> dict[str, Any] | None:
    """The contract's `report` carrying the exam service's `decision` (see the module's
    docstring); unchanged without a decision. Pure: `decision` needs `conforming`, `ground`,
    `received_on`, `missing_sections`, `not_endorsed`."""
    if decision is None:
        return report
    deadline = (report or {}).get("deadline")
    submitted = (report or {}).get("submitted_on")
    if not decision.conforming and decision.ground == Ground.MISSING:
        return {"submitted_on": None, "deadline": deadline}
    if decision.ground == Ground.LATE and decision.received_on is not None:
        submitted = decision.received_on.isoformat()
    elif submitted is None:
        return report  # nothing deposited: a content decision has nothing to stand on
    elif deadline is None or str(submitted) > str(deadline):
        deadline = submitted  # the service accepted the deposit's date
    missing = (
        set(decision.missing_sections or ()) if decision.ground == Ground.EXPECTATIONS else set()
    )
    return {
        "submitted_on": submitted,
        "deadline": deadline,
        "pages": 0,
        "annex_pages": 0,
        "page_format": "A4",
        "sections": [key for key in sections if key not in missing],
        "section_pages": {},
        "english_documents": [],
        "endorsed_by_host": not (decision.ground == Ground.EXPECTATIONS and decision.not_endorsed),
        "parts": {},
    }


def _checked(student: Any, p: Pronouncement) -> Pronouncement:
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


def _verify(student: Any, row: ReportConformity, today: date) -> None:
    """The dossier with the pronouncement must say it: refused otherwise (see the module)."""
    from milieu.exams.dossier import build_dossier
    from milieu.rules import evaluate

    dossier = build_dossier(student, as_of=today)
    result = evaluate(dossier)
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
    students: Iterable[Any], p: Pronouncement, *, by: Any, ip: str | None = None
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
            require(by, "report_conformity.pronounce", student)
            checked = _checked(student, p)
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
            _verify(student, row, today)
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
