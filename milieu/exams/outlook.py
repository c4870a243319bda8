"""What a candidate still has ahead, in words: for a stage that has not started (or not ended),
the pages say what is planned and what is due when, instead of a blocking verdict.

The engine judges the dossier as of today (contract: a first-year student without a period yet
is « non conforme », 0 weeks). That verdict stays what the exports, the API and the command line
give; the pages add this outlook while the cohort still has a PFMP period to come, and explain a
« pending » verdict that has no finding (a report not yet due).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from milieu.formats import fr_date, weeks


@dataclass(frozen=True)
class Outlook:
    ahead: bool  # a PFMP period of the cohort is still to come or under way
    lines: list[str] = field(default_factory=list)  # what is planned and due, in French
    report_to_check: bool = False  # a report without readable text no teacher has checked

    @property
    def label(self) -> str:
        if self.ahead:
            return "Stage à venir"
        return "Rapport à vérifier" if self.report_to_check else ""

    @property
    def replaces_verdict(self) -> bool:
        """The pages show `label` instead of the engine's status: a stage to come, or a
        report nobody could read yet (never « conforme » nor « non conforme » on that basis)."""
        return self.ahead or self.report_to_check


def _weeks_required(result: Mapping[str, Any]) -> str:
    required = result.get("weeks_required") or {}
    low, high = required.get("min"), required.get("max")
    if low is None:
        return ""
    if not low and high is None:
        return ""
    if high is None or high == low:
        return (
            f"{weeks(low)} semaine{'s' if low > 1 else ''} de stage requise{'s' if low > 1 else ''}"
        )
    return f"de {weeks(low)} à {weeks(high)} semaines de stage requises"


def outlook_of(
    dossier: dict[str, Any],
    result: Mapping[str, Any],
    planned: Iterable[Any],
    today: date,
    *,
    report_to_check: bool = False,
) -> Outlook:
    """`result`: the engine's `Verdict`, or a stored verdict read back (`board.stored_result`);
    `planned`: the cohort's PFMP windows (objects with `label`, `start`, `end`);
    `report_to_check`: the latest report is a file without readable text not yet checked."""
    if "error" in result:
        return Outlook(ahead=False)
    if report_to_check:
        return Outlook(
            ahead=False,
            lines=[
                "Le rapport déposé ne contient pas de texte lisible (un scan) : un enseignant "
                "doit le vérifier et saisir ses figures ; d’ici là, elles ne sont pas jugées."
            ],
            report_to_check=True,
        )
    if result.get("status") == "compliant":
        return Outlook(ahead=False)
    required = (result.get("weeks_required") or {}).get("min") or 0
    # the cohort's PFMP windows concern a candidate who owes a stage (not an apprentice, whose
    # time in the company is their contract, nor a dispensed candidate)
    to_come = (
        sorted((p for p in planned if p.end >= today), key=lambda p: p.start)
        if required > 0
        else []
    )
    lines: list[str] = []
    exam = dossier.get("exam_date") or (
        f"{dossier['session']}-06-01" if dossier.get("session") else None
    )
    report = dossier.get("report") or {}
    deadline = report.get("deadline") or exam
    if to_come:
        for period in to_come:
            state = "en cours" if period.start <= today else "prévue"
            lines.append(
                f"{period.label} : du {fr_date(period.start)} au {fr_date(period.end)} ({state})"
            )
        if required := _weeks_required(result):
            lines.append(
                f"{required[:1].upper()}{required[1:]} d’ici l’examen"
                + (f" du {fr_date(exam)}" if exam else "")
            )
    if not report.get("submitted_on") and deadline and str(deadline) >= today.isoformat():
        lines.append(f"Rapport à déposer au plus tard le {fr_date(deadline)}")
    if not to_come and result.get("status") == "pending" and not result.get("findings"):
        lines.append("Rien ne bloque à ce jour : le verdict sera définitif à l’échéance.")
    return Outlook(ahead=bool(to_come), lines=lines)
