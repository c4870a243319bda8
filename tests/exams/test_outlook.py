"""What the pages say a candidate has ahead (issue 13 §11, issue 12 §4), beside the engine's
verdict: a stage to come is planned, not « non conforme »; an unread scan is to be checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from milieu.checker.checking import CheckedDossier
from milieu.exams.outlook import outlook_of
from milieu.rules import Verdict

TODAY = date(2026, 12, 4)


@dataclass
class Window:
    label: str
    start: date
    end: date


NON_COMPLIANT: Verdict = {
    "id": None,
    "status": "non-compliant",
    "weeks_completed": 0.0,
    "weeks_required": {"min": 6, "max": 8},
    "findings": [
        {"code": "DURATION_BELOW_MINIMUM", "severity": "blocking", "message": "", "ref": ""}
    ],
}
DOSSIER = {"session": 2028, "report": None}


def test_a_stage_to_come_replaces_the_blocking_verdict_with_the_plan() -> None:
    outlook = outlook_of(
        DOSSIER, NON_COMPLIANT, [Window("PFMP 1", date(2027, 5, 31), date(2027, 7, 9))], TODAY
    )
    assert outlook.ahead and outlook.label == "Stage à venir"
    assert outlook.lines[0] == "PFMP 1 : du 31 mai 2027 au 9 juillet 2027 (prévue)"
    assert outlook.lines[1] == "De 6 à 8 semaines de stage requises d’ici l’examen du 1er juin 2028"
    checked = CheckedDossier(NON_COMPLIANT, outlook)
    assert checked.shown_label == "Stage à venir" and checked.status == "non-compliant"


def test_once_every_period_is_over_the_verdict_stands() -> None:
    outlook = outlook_of(
        DOSSIER, NON_COMPLIANT, [Window("PFMP 1", date(2026, 5, 4), date(2026, 6, 12))], TODAY
    )
    assert not outlook.ahead
    assert CheckedDossier(NON_COMPLIANT, outlook).shown_label == "Non conforme"


def test_a_pending_verdict_without_finding_says_what_is_due() -> None:
    pending: Verdict = {
        "id": None,
        "status": "pending",
        "weeks_required": {"min": 6, "max": 8},
        "findings": [],
    }
    dossier = {"session": 2027, "report": {"submitted_on": None, "deadline": "2027-04-30"}}
    outlook = outlook_of(dossier, pending, [], TODAY)
    assert "Rapport à déposer au plus tard le 30 avril 2027" in outlook.lines
    assert any("Rien ne bloque à ce jour" in line for line in outlook.lines)


def test_an_unread_scan_is_to_be_checked_never_conforme_on_that_basis() -> None:
    compliant: Verdict = {
        "id": None,
        "status": "compliant",
        "weeks_required": {"min": 6, "max": None},
        "findings": [],
    }
    outlook = outlook_of(DOSSIER, compliant, [], TODAY, report_to_check=True)
    checked = CheckedDossier(compliant, outlook)
    assert checked.ahead and checked.shown_label == "Rapport à vérifier"
    assert "un enseignant doit le vérifier" in outlook.lines[0]


def test_a_compliant_candidate_has_nothing_ahead() -> None:
    compliant: Verdict = {
        "id": None,
        "status": "compliant",
        "weeks_required": {"min": 6, "max": None},
        "findings": [],
    }
    assert outlook_of(DOSSIER, compliant, [], TODAY).lines == []


def test_a_candidate_who_owes_no_stage_has_no_stage_ahead() -> None:
    """An apprentice (no stage weeks required) keeps the engine's verdict: their missing
    contract copy does not wait for the cohort's PFMP."""
    apprentice: Verdict = {
        "id": None,
        "status": "non-compliant",
        "weeks_required": {"min": 0, "max": None},
        "findings": [
            {
                "code": "APPRENTICESHIP_EVIDENCE_MISSING",
                "severity": "blocking",
                "message": "",
                "ref": "",
            }
        ],
    }
    outlook = outlook_of(
        DOSSIER, apprentice, [Window("PFMP 1", date(2027, 5, 31), date(2027, 7, 9))], TODAY
    )
    assert not outlook.ahead
    assert CheckedDossier(apprentice, outlook).shown_label == "Non conforme"
