"""The evidence of the pathways without a stage: apprenticeship contract, work certificates and
the sector's work experience."""

from __future__ import annotations

from milieu.rules.counting import UNITS_PER_WEEK, work_experience_days
from milieu.rules.judgement import Judgement
from milieu.rules.output import fr_date
from milieu.rules.records import Period


def judge_pathway_evidence(
    j: Judgement, periods: list[Period], projected_units: int, unfinished: list[Period]
) -> None:
    d = j.d
    rule = j.firsts.get("apprenticeship-evidence")
    repeater = j.firsts.get("repeater-contract")
    if (
        repeater is not None
        and d.repeater_previous_session is not None
        and d.repeater_contract is None
    ):
        j.add(
            "APPRENTICESHIP_EVIDENCE_MISSING",
            repeater,
            "Apprenti redoublant : ni le contrat d'apprentissage initial prorogé d'un an ni un "
            "nouveau contrat conclu avec un autre employeur n'est au dossier",
        )
    elif rule is not None and not d.apprenticeship_evidence:
        j.add(
            "APPRENTICESHIP_EVIDENCE_MISSING",
            rule,
            "Ni copie du contrat d'apprentissage ni attestation de l'employeur au dossier",
        )
    rule = j.firsts.get("work-certificates")
    if rule is not None and not d.work_certificates:
        j.add(
            "WORK_CERTIFICATES_MISSING",
            rule,
            "Aucun certificat de travail au dossier pour justifier la nature et la durée de l'emploi",
        )
    rule = j.firsts.get("work-experience")
    if rule is not None:
        p = rule.params
        full = work_experience_days(
            d.work_certificates, d.exam_date, p["full_time_window_days"], True
        )
        anytime = work_experience_days(
            d.work_certificates, d.exam_date, p["any_time_window_days"], False
        )
        if full >= p["full_time_days"] or anytime >= p["any_time_days"]:
            return
        duration = j.firsts.get("duration")
        if (
            p["stage_alternative"]
            and periods
            and duration is not None
            and projected_units >= duration.params["min"] * UNITS_PER_WEEK
        ):
            return  # a full, certified stage stands in for the work certificates
        j.add(
            "WORK_EXPERIENCE_INSUFFICIENT",
            rule,
            f"Certificats de travail dans le secteur : {full} jours à temps plein sur les {p['full_time_window_days']} jours "
            f"précédant l'examen du {fr_date(d.exam_date)} ({p['full_time_days']} requis), ou {anytime} jours "
            f"sur les {p['any_time_window_days']} jours ({p['any_time_days']} requis)",
            detail={"full_time_days": full, "any_time_days": anytime},
        )
