"""The periods judged and their documents: special-contract and evidenced periods, convention,
training contract, certificate, bilan, and the evaluation grid."""

from __future__ import annotations

from milieu.rules.judgement import Judgement, labels, period_label
from milieu.rules.output import fr_date
from milieu.rules.records import Period
from milieu.rules.report import report_deadline


def judged_periods(j: Judgement) -> list[Period]:
    """The periods the judgement sees: a special-contract period counts as a conventioned,
    certified stage period where a `special-contract` rule applies and the team states its
    activities fit, else it is left out entirely; where an `evidenced-periods` rule applies
    (perfectionnement), a stage period without both convention and certificate is left out."""
    periods = j.d.periods
    special = j.firsts.get("special-contract")
    evidenced = j.firsts.get("evidenced-periods")
    if evidenced is None and all(p.kind == "stage" for p in periods):
        return periods
    kept: list[Period] = []
    unconfirmed: list[Period] = []
    for p in periods:
        if p.kind == "special-contract":
            if special is None:
                continue
            if p.activities_fit:
                kept.append(as_conventioned(p))
            else:
                unconfirmed.append(p)
        elif evidenced is None or (p.convention_signed and p.certificate):
            kept.append(p)
    if unconfirmed and special is not None:
        j.add(
            "SPECIAL_CONTRACT_NOT_CONFIRMED",
            special,
            "Période sous contrat de travail de type particulier non comptée, faute de "
            "l'attestation de l'équipe pédagogique que ses activités sont en cohérence avec "
            f"le référentiel du diplôme : {labels(unconfirmed)}",
            detail=[p.index for p in unconfirmed],
        )
    return kept


# --- derogations ---------------------------------------------------------------------


def as_conventioned(p: Period) -> Period:
    """A special-contract period whose activities fit, as the duration counts it: like a
    conventioned, certified stage period (its own contract stands for both)."""
    return Period(
        p.start,
        p.end,
        p.absence_days,
        p.work_days,
        p.scheduled_days,
        True,
        True,
        p.training_contract,
        p.bilan,
        p.host_name,
        p.country,
        p.index,
        p.kind,
        True,
        None,
    )


def missing_for_periods(
    j: Judgement, code: str, kind: str, missing: list[Period], what: str
) -> None:
    rule = j.rule(kind)
    if rule is None or not missing:
        return
    started = [p for p in missing if p.start <= j.d.as_of]
    j.add(
        code,
        rule,
        f"{what} : {labels(missing)}" + ("" if started else " ; à régler avant le premier jour"),
        severity=None if started else "warning",
        detail=[p.index for p in missing],
    )


def judge_period_documents(j: Judgement, periods: list[Period], unfinished: list[Period]) -> None:
    as_of = j.d.as_of
    missing_for_periods(
        j,
        "CONVENTION_MISSING",
        "convention",
        [p for p in periods if not p.convention_signed],
        "Convention non signée",
    )
    timing = j.firsts.get("convention-timing")
    if timing is not None and "convention" in j.firsts:
        late = [
            p
            for p in periods
            if p.kind == "stage"
            and p.convention_signed_on is not None
            and p.convention_signed_on > p.start
        ]
        if late:
            j.add(
                "CONVENTION_SIGNED_LATE",
                timing,
                "Convention signée après le premier jour de la période : "
                + ", ".join(
                    f"{period_label(p)}, signée le {fr_date(p.convention_signed_on)}"
                    for p in late
                    if p.convention_signed_on is not None
                ),
                detail=[p.index for p in late],
            )
    missing_for_periods(
        j,
        "TRAINING_CONTRACT_MISSING",
        "training-contract",
        [p for p in periods if not p.training_contract],
        "Contrat individuel de formation absent",
    )
    finished = [p for p in periods if p.end <= as_of]
    certificate = j.firsts.get("certificate")
    if certificate is not None:
        missing = [p for p in finished if not p.certificate]
        if missing:
            note = (
                " ; ces périodes ne comptent pas dans la durée"
                if certificate.params["counts_toward_duration"]
                else ""
            )
            j.add(
                "CERTIFICATE_MISSING",
                certificate,
                f"Certificat ou attestation de stage absent : {labels(missing)}{note}",
                detail=[p.index for p in missing],
            )
    bilan = j.firsts.get("bilan")
    if bilan is not None:
        missing = [p for p in finished if not p.bilan]
        if missing:
            j.add(
                "BILAN_MISSING",
                bilan,
                f"Bilan individuel absent : {labels(missing)}",
                detail=[p.index for p in missing],
            )


def judge_evaluation(j: Judgement, periods: list[Period], unfinished: list[Period]) -> None:
    rule = j.firsts.get("evaluation")
    if rule is None or j.d.evaluation:
        return
    kept = j.firsts.get("repeater-evaluation")
    if (
        kept is not None
        and j.d.repeater_previous_evaluation
        and j.d.repeater_report in kept.params["reports"]
    ):
        return  # the previous session's grid goes with the previous report
    due = (bool(periods) and not unfinished) or j.d.as_of > report_deadline(j)
    if due:
        j.add(
            "EVALUATION_MISSING",
            rule,
            "La grille d'évaluation / fiche d'appréciation remplie par les professeurs et le tuteur n'est pas au dossier",
        )
