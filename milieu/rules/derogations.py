"""Derogations the recteur decided (contract v1.1): which are valid, whether the stage is
dispensed, and the duration that then applies; a repeater's credit."""

from __future__ import annotations

from milieu.rules.catalogue import Rule
from milieu.rules.judgement import Judgement
from milieu.rules.output import fr_weeks
from milieu.rules.records import Derogation

DEROGATION_LABEL = {
    "reduction": "réduction",
    "dispense": "dispense",
    "partial": "autorisation de stage partiel",
}
REASON_LABEL = {
    "force-majeure": "force majeure",
    "amenagement": "formation aménagée",
    "positionnement": "positionnement",
    "vae": "VAE",
    "other": "autre",
}


def derogations(j: Judgement) -> tuple[bool, float]:
    """Valid derogations: whether the stage is dispensed, and the duration factor."""
    d = j.d
    authority = j.firsts.get("derogation-authority")
    reason_rules = (
        {r.params["derogation"]: r for r in j.plan.get("derogation-reason", ())}
        if d.derogations
        else {}
    )
    valid = []
    ignored = []
    unfit: list[tuple[Derogation, Rule]] = []
    for g in d.derogations:
        usable = True
        if authority is not None and g.decided_by != authority.params["authority"]:
            ignored.append(g)
            usable = False
        reason_rule = reason_rules.get(g.kind)
        if reason_rule is not None and g.reason not in reason_rule.params["reasons"]:
            unfit.append((g, reason_rule))
            usable = False
        if usable:
            valid.append(g)
    for g, reason_rule in unfit:
        admitted = ", ".join(REASON_LABEL[r] for r in reason_rule.params["reasons"])
        j.add(
            "DEROGATION_REASON_NOT_APPLICABLE",
            reason_rule,
            f"Dérogation ignorée, son motif ne permet pas cette décision : "
            f"{DEROGATION_LABEL[g.kind]} pour motif « {REASON_LABEL[g.reason]} » "
            f"(motifs admis : {admitted})",
            detail=[g.index],
        )
    if ignored and authority is not None:
        names = {
            "chef-etablissement": "le chef d'établissement",
            "equipe-pedagogique": "l'équipe pédagogique",
            "other": "une autre autorité",
        }
        described = ", ".join(
            f"{DEROGATION_LABEL[g.kind]} décidée par {names.get(g.decided_by, g.decided_by)}"
            for g in ignored
        )
        j.add(
            "DEROGATION_NOT_BY_RECTEUR",
            authority,
            f"Dérogation ignorée, seul le recteur peut la décider : {described}",
            detail=[g.index for g in ignored],
        )
    j.valid_derogations = valid

    dispensed = False
    factor = 1.0
    dispense_rule = j.firsts.get("dispense")
    for g in valid:
        if g.kind != "dispense" or dispense_rule is None:
            continue
        covered = dispense_rule.params.get("units")
        if not covered or not g.units:
            dispensed = True
            continue
        hit = [unit for unit in covered if unit in g.units]
        if len(hit) == len(covered):
            dispensed = True
        elif hit:
            factor = min(factor, dispense_rule.params.get("one_unit_factor", 1.0))
            j.halved_by = hit
    experience = j.firsts.get("experience-dispense")
    if experience is not None and d.professional_experience_in_sector:
        j.add(
            "STAGE_DISPENSED",
            experience,
            "Stage non exigé : candidat de la formation continue justifiant d'une expérience professionnelle dans le secteur du diplôme",
        )
        dispensed = True
    if dispensed and dispense_rule is not None and any(g.kind == "dispense" for g in valid):
        j.add(
            "STAGE_DISPENSED",
            dispense_rule,
            "Stage non exigé : dispense décidée par le recteur",
        )
    return dispensed, factor


def requirement(j: Judgement, factor: float) -> tuple[float, float | None]:
    duration = j.firsts.get("duration")
    assert duration is not None  # the catalogue loader guarantees it for stage pathways
    weeks_min: float = duration.params["min"] * factor
    weeks_max: float | None = duration.params.get("max")
    if weeks_max is not None:
        weeks_max *= factor
    reduction = j.firsts.get("reduction")
    for g in j.valid_derogations:
        if g.kind != "reduction" or reduction is None or g.weeks is None:
            continue
        weeks = g.weeks
        floor = reduction.params.get("floor")
        if floor is not None and weeks < floor:
            j.add(
                "REDUCTION_BELOW_FLOOR",
                reduction,
                f"Réduction à {fr_weeks(weeks)} sous le plancher de {fr_weeks(floor)} : le plancher s'applique",
            )
            weeks = floor
        weeks_min = min(weeks_min, weeks)
    return weeks_min, weeks_max


def repeater_credit(j: Judgement) -> bool:
    rule = j.firsts.get("repeater")
    return bool(rule and j.d.repeater_report in rule.params["reports"])
