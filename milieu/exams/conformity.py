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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from milieu.exams.models import ReportConformity
from milieu.refusals import Refused
from milieu.rules import get_catalogue
from milieu.rules.references import CONFORMITY_PRONOUNCED

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


class ConformityRefused(Refused):
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
