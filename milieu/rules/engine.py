"""Judge a candidate's dossier against their diploma's catalogue (contract v1.1).

`evaluate` (or `judge`, the same typed) is the only entry point. The steps follow the regulation's logic: which pathway the
candidate is on (its *mode*), which derogations the recteur validly decided, what duration applies,
what was done, then the per-period documents, the pathway evidence and the report. Every finding
carries the `ref` of the catalogue rule that produced it; the rule's severity is the catalogue's.

Contract v1.1 adds periods worked under a *contrat de travail de type particulier*, the periods a
*perfectionnement* candidate may show, the fit between a derogation's reason and its kind, the
jewellery stage's spread over two years, late conventions and repeaters' evidence: each is a
catalogue rule of its own kind, so a diploma without it keeps its v1 verdicts.

Where each step lives (each function takes the `Judgement` first and records findings on it):

- `dossier` (with `fields`, `records`): the dossier read and checked, the engine's input;
- `judgement`: the state of one judgement and `Judgement.add`, how findings merge;
- `derogations`: the recteur's derogations, dispense, reduced duration, repeater's credit;
- `durations`: weeks from days (`weeks_from_days`, used by all Milieu) and the duration judged;
- `structure`: overlaps, first-year block, summer rest, recommended phases, spread;
- `documents`: the periods judged (special contracts), convention, certificate, bilan, grid;
- `evidence`: pathways without a stage (apprenticeship, work certificates, experience);
- `report`: the report's deposit, length, sections, English documents, format, endorsement;
- `verdicts`: the output's types; `output`: its one canonical text.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from milieu.rules.catalogue import Catalogue, get_catalogue
from milieu.rules.counting import units_of
from milieu.rules.derogations import derogations, repeater_credit, requirement
from milieu.rules.documents import judge_evaluation, judge_period_documents, judged_periods
from milieu.rules.durations import judge_duration, weeks_figure
from milieu.rules.evidence import judge_pathway_evidence
from milieu.rules.judgement import Judgement, labels
from milieu.rules.output import fr_date, json_number
from milieu.rules.parsing import DossierError, dossier_id, parse_dossier, printable
from milieu.rules.report import judge_report
from milieu.rules.structure import OVERLAPS_LISTED, judge_overlap, judge_spread, judge_structure
from milieu.rules.verdicts import Status, Verdict

__all__ = ["OVERLAPS_LISTED", "evaluate", "judge"]

STAGE_KINDS = frozenset(
    {
        "duration",
        "overlap",
        "first-year-block",
        "summer-rest",
        "phases",
        "convention",
        "certificate",
        "training-contract",
        "bilan",
        "evaluation",
    }
)


def judge(raw: Any, *, today: date | None = None, catalogue: Catalogue | None = None) -> Verdict:
    """The verdict of one dossier, or its error object. Never raises for a bad dossier."""
    catalogue = catalogue or get_catalogue()
    today_ordinal = (today or date.today()).toordinal()
    try:
        dossier = parse_dossier(raw, catalogue, today_ordinal)
    except DossierError as error:
        return {
            "id": dossier_id(raw),
            "error": {"field": printable(error.field), "message": printable(error.message)},
        }
    return verdict(Judgement(dossier))


# `evaluate` is `judge` itself (no extra call on the hot path), declared to return a plain dict
# for the many callers that store, reshape or pass the verdict on as one; `judge` says `Verdict`.
if TYPE_CHECKING:

    def evaluate(
        raw: Any, *, today: date | None = None, catalogue: Catalogue | None = None
    ) -> dict[str, Any]:
        """The verdict of one dossier (a `Verdict`), or its error object. Never raises."""
        ...

else:
    evaluate = judge


def verdict(j: Judgement) -> Verdict:
    d = j.d
    as_of = d.as_of
    periods = judged_periods(j)
    unfinished = [p for p in periods if p.end > as_of]

    certificate_rule = j.firsts.get("certificate")
    certificate_counts = bool(
        certificate_rule and certificate_rule.params["counts_toward_duration"]
    )
    completed = [p for p in periods if p.end <= as_of and (p.certificate or not certificate_counts)]
    completed_units = units_of(completed)
    projected_units = units_of(completed + unfinished) if unfinished else completed_units

    dispensed, factor = derogations(j)
    stage_mode = j.mode == "stage" and not dispensed
    credit = repeater_credit(j)

    weeks_min: float = 0
    weeks_max: float | None = None
    if stage_mode:
        weeks_min, weeks_max = requirement(j, factor)
        if not credit:
            judge_duration(
                j, weeks_min, weeks_max, completed_units, projected_units, bool(unfinished)
            )
            judge_structure(j, periods)
        judge_period_documents(j, periods, unfinished)
        judge_evaluation(j, periods, unfinished)
    elif not dispensed:
        judge_pathway_evidence(j, periods, projected_units, unfinished)
        if j.mode == "apprenticeship":
            judge_evaluation(j, periods, unfinished)
    if not dispensed:
        judge_overlap(j, periods)
        judge_spread(j, periods)
        judge_report(j)

    if unfinished:
        j.pending = True
        j.findings["PERIOD_NOT_FINISHED"] = {
            "code": "PERIOD_NOT_FINISHED",
            "severity": "info",
            "message": (
                f"{'Période non terminée' if len(unfinished) == 1 else 'Périodes non terminées'} "
                f"au {fr_date(as_of)} : {labels(unfinished)} ; le dossier reste en attente."
            ),
            "ref": duration_ref(j),
            "detail": [p.index for p in unfinished],
        }

    findings = list(j.findings.values())
    status: Status
    if any(f["severity"] == "blocking" for f in findings):
        status = "non-compliant"
    elif j.pending:
        status = "pending"
    else:
        status = "compliant"
    return {
        "id": d.id,
        "diploma": j.diploma.id,
        "pathway": d.pathway,
        "status": status,
        "weeks_completed": weeks_figure(completed_units),
        "weeks_required": {"min": json_number(weeks_min), "max": json_number(weeks_max)},
        "findings": findings,
    }


def duration_ref(j: Judgement) -> str:
    rule = j.firsts.get("duration") or j.diploma.rules[0]
    return rule.ref
