"""Judge a candidate's dossier against their diploma's catalogue (contract v1.1).

`evaluate` is the only entry point. The steps follow the regulation's logic: which pathway the
candidate is on (its *mode*), which derogations the recteur validly decided, what duration applies,
what was done, then the per-period documents, the pathway evidence and the report. Every finding
carries the `ref` of the catalogue rule that produced it; the rule's severity is the catalogue's.

Contract v1.1 adds periods worked under a *contrat de travail de type particulier*, the periods a
*perfectionnement* candidate may show, the fit between a derogation's reason and its kind, the
jewellery stage's spread over two years, late conventions and repeaters' evidence: each is a
catalogue rule of its own kind, so a diploma without it keeps its v1 verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from milieu.rules.catalogue import Catalogue, Diploma, Rule, get_catalogue
from milieu.rules.counting import (
    UNITS_PER_WEEK,
    anniversary,
    longest_free_runs,
    overlap_count,
    overlapping_pairs,
    units_of,
    work_experience_days,
)
from milieu.rules.dossier import (
    Derogation,
    Dossier,
    DossierError,
    Period,
    dossier_id,
    parse_dossier,
    printable,
)
from milieu.rules.output import fr_date, fr_number, fr_weeks, json_number

# PERIODS_OVERLAP names (and its detail lists) the first pairs only, then counts the others: the
# pairs of n periods can number n(n-1)/2, and a verdict's size must stay linear in its dossier.
OVERLAPS_LISTED = 50
# Likewise SUMMER_REST_NOT_RESPECTED names the first summers (its detail lists every year).
SUMMERS_LISTED = 10
SEVERITY_RANK = {"info": 0, "warning": 1, "blocking": 2}
FORMAT_RANK = {"A4": 0, "A3": 1, "larger": 2}
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


def evaluate(
    raw: Any, *, today: date | None = None, catalogue: Catalogue | None = None
) -> dict[str, Any]:
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
    return _Judgement(dossier).verdict()


def _period_label(p: Period) -> str:
    return f"période {p.index + 1} ({fr_date(p.start)} – {fr_date(p.end)})"


def _labels(periods: Sequence[Period]) -> str:
    return ", ".join(_period_label(p) for p in periods)


class _Judgement:
    def __init__(self, dossier: Dossier) -> None:
        self.d = dossier
        self.diploma: Diploma = dossier.diploma
        self.plan = self.diploma.plan(dossier.pathway_key)
        self.firsts = self.diploma.first_rules(dossier.pathway_key)
        self.mode = self.diploma.pathways[dossier.pathway_key].mode
        self.findings: dict[str, dict[str, Any]] = {}
        self.pending = False

    # --- findings ------------------------------------------------------------------------

    def rule(self, kind: str) -> Rule | None:
        return self.firsts.get(kind)

    def add(
        self,
        code: str,
        rule: Rule,
        message: str,
        *,
        severity: str | None = None,
        detail: Any = None,
    ) -> None:
        """Record a finding; a second one with the same code merges into the first."""
        severity = severity or rule.severity
        text = f"{message} ({self.diploma.source(rule.paragraph)})"
        existing = self.findings.get(code)
        if existing is None:
            finding: dict[str, Any] = {
                "code": code,
                "severity": severity,
                "message": text,
                "ref": rule.ref,
            }
            if detail is not None:
                finding["detail"] = detail
            self.findings[code] = finding
            return
        if SEVERITY_RANK[severity] > SEVERITY_RANK[existing["severity"]]:
            existing["severity"] = severity
        existing["message"] += " ; " + text
        if detail is not None:
            previous = existing.get("detail")
            if isinstance(previous, list) and isinstance(detail, list):
                previous.extend(item for item in detail if item not in previous)
            elif previous is None:
                existing["detail"] = detail

    # --- the verdict ---------------------------------------------------------------------

    def verdict(self) -> dict[str, Any]:
        d = self.d
        as_of = d.as_of
        periods = self.judged_periods()
        unfinished = [p for p in periods if p.end > as_of]

        certificate_rule = self.firsts.get("certificate")
        certificate_counts = bool(
            certificate_rule and certificate_rule.params["counts_toward_duration"]
        )
        completed = [
            p for p in periods if p.end <= as_of and (p.certificate or not certificate_counts)
        ]
        completed_units = units_of(completed)
        projected_units = units_of(completed + unfinished) if unfinished else completed_units

        dispensed, factor = self.derogations()
        stage_mode = self.mode == "stage" and not dispensed
        credit = self.repeater_credit()

        weeks_min: float = 0
        weeks_max: float | None = None
        if stage_mode:
            weeks_min, weeks_max = self.requirement(factor)
            if not credit:
                self.judge_duration(
                    weeks_min, weeks_max, completed_units, projected_units, bool(unfinished)
                )
                self.judge_structure(periods)
            self.judge_period_documents(periods, unfinished)
            self.judge_evaluation(periods, unfinished)
        elif not dispensed:
            self.judge_pathway_evidence(periods, projected_units, unfinished)
            if self.mode == "apprenticeship":
                self.judge_evaluation(periods, unfinished)
        if not dispensed:
            self.judge_overlap(periods)
            self.judge_spread(periods)
            self.judge_report()

        if unfinished:
            self.pending = True
            self.findings["PERIOD_NOT_FINISHED"] = {
                "code": "PERIOD_NOT_FINISHED",
                "severity": "info",
                "message": (
                    f"{'Période non terminée' if len(unfinished) == 1 else 'Périodes non terminées'} "
                    f"au {fr_date(as_of)} : {_labels(unfinished)} ; le dossier reste en attente."
                ),
                "ref": self._duration_ref(),
                "detail": [p.index for p in unfinished],
            }

        findings = list(self.findings.values())
        if any(f["severity"] == "blocking" for f in findings):
            status = "non-compliant"
        elif self.pending:
            status = "pending"
        else:
            status = "compliant"
        return {
            "id": d.id,
            "diploma": self.diploma.id,
            "pathway": d.pathway,
            "status": status,
            "weeks_completed": round(completed_units / UNITS_PER_WEEK, 2),
            "weeks_required": {"min": json_number(weeks_min), "max": json_number(weeks_max)},
            "findings": findings,
        }

    def _duration_ref(self) -> str:
        rule = self.firsts.get("duration") or self.diploma.rules[0]
        return rule.ref

    # --- the periods judged (v1.1) -------------------------------------------------------

    def judged_periods(self) -> list[Period]:
        """The periods the judgement sees: a special-contract period counts as a conventioned,
        certified stage period where a `special-contract` rule applies and the team states its
        activities fit, else it is left out entirely; where an `evidenced-periods` rule applies
        (perfectionnement), a stage period without both convention and certificate is left out."""
        periods = self.d.periods
        special = self.firsts.get("special-contract")
        evidenced = self.firsts.get("evidenced-periods")
        if evidenced is None and all(p.kind == "stage" for p in periods):
            return periods
        kept: list[Period] = []
        unconfirmed: list[Period] = []
        for p in periods:
            if p.kind == "special-contract":
                if special is None:
                    continue
                if p.activities_fit:
                    kept.append(_as_conventioned(p))
                else:
                    unconfirmed.append(p)
            elif evidenced is None or (p.convention_signed and p.certificate):
                kept.append(p)
        if unconfirmed and special is not None:
            self.add(
                "SPECIAL_CONTRACT_NOT_CONFIRMED",
                special,
                "Période sous contrat de travail de type particulier non comptée, faute de "
                "l'attestation de l'équipe pédagogique que ses activités sont en cohérence avec "
                f"le référentiel du diplôme : {_labels(unconfirmed)}",
                detail=[p.index for p in unconfirmed],
            )
        return kept

    # --- derogations ---------------------------------------------------------------------

    def derogations(self) -> tuple[bool, float]:
        """Valid derogations: whether the stage is dispensed, and the duration factor."""
        d = self.d
        authority = self.firsts.get("derogation-authority")
        reason_rules = (
            {r.params["derogation"]: r for r in self.plan.get("derogation-reason", ())}
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
            admitted = ", ".join(_REASON_LABEL[r] for r in reason_rule.params["reasons"])
            self.add(
                "DEROGATION_REASON_NOT_APPLICABLE",
                reason_rule,
                f"Dérogation ignorée, son motif ne permet pas cette décision : "
                f"{_DEROGATION_LABEL[g.kind]} pour motif « {_REASON_LABEL[g.reason]} » "
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
                f"{_DEROGATION_LABEL[g.kind]} décidée par {names.get(g.decided_by, g.decided_by)}"
                for g in ignored
            )
            self.add(
                "DEROGATION_NOT_BY_RECTEUR",
                authority,
                f"Dérogation ignorée, seul le recteur peut la décider : {described}",
                detail=[g.index for g in ignored],
            )
        self.valid_derogations = valid

        dispensed = False
        factor = 1.0
        dispense_rule = self.firsts.get("dispense")
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
                self.halved_by = hit
        experience = self.firsts.get("experience-dispense")
        if experience is not None and d.professional_experience_in_sector:
            self.add(
                "STAGE_DISPENSED",
                experience,
                "Stage non exigé : candidat de la formation continue justifiant d'une expérience professionnelle dans le secteur du diplôme",
            )
            dispensed = True
        if dispensed and dispense_rule is not None and any(g.kind == "dispense" for g in valid):
            self.add(
                "STAGE_DISPENSED",
                dispense_rule,
                "Stage non exigé : dispense décidée par le recteur",
            )
        return dispensed, factor

    def requirement(self, factor: float) -> tuple[float, float | None]:
        duration = self.firsts.get("duration")
        assert duration is not None  # the catalogue loader guarantees it for stage pathways
        weeks_min: float = duration.params["min"] * factor
        weeks_max: float | None = duration.params.get("max")
        if weeks_max is not None:
            weeks_max *= factor
        reduction = self.firsts.get("reduction")
        for g in self.valid_derogations:
            if g.kind != "reduction" or reduction is None or g.weeks is None:
                continue
            weeks = g.weeks
            floor = reduction.params.get("floor")
            if floor is not None and weeks < floor:
                self.add(
                    "REDUCTION_BELOW_FLOOR",
                    reduction,
                    f"Réduction à {fr_weeks(weeks)} sous le plancher de {fr_weeks(floor)} : le plancher s'applique",
                )
                weeks = floor
            weeks_min = min(weeks_min, weeks)
        return weeks_min, weeks_max

    def repeater_credit(self) -> bool:
        rule = self.firsts.get("repeater")
        return bool(rule and self.d.repeater_report in rule.params["reports"])

    # --- duration and structure ----------------------------------------------------------

    def judge_duration(
        self,
        weeks_min: float,
        weeks_max: float | None,
        completed_units: int,
        projected_units: int,
        has_unfinished: bool,
    ) -> None:
        duration = self.firsts.get("duration")
        assert duration is not None
        partial_rule = self.firsts.get("partial")
        partial = partial_rule is not None and any(
            g.kind == "partial" for g in self.valid_derogations
        )
        completed = completed_units / UNITS_PER_WEEK
        if completed_units < weeks_min * UNITS_PER_WEEK and not (
            has_unfinished and projected_units >= weeks_min * UNITS_PER_WEEK
        ):
            message = f"{fr_number(completed)} semaine{'s' if completed >= 2 else ''} effectuée{'s' if completed >= 2 else ''} sur {fr_number(weeks_min)} requise{'s' if weeks_min >= 2 else ''}"
            if has_unfinished:
                message += f" ({fr_number(projected_units / UNITS_PER_WEEK)} en comptant les périodes prévues)"
            if partial:
                message += " ; stage partiel autorisé par le recteur, le jury en sera informé"
            self.add(
                "DURATION_BELOW_MINIMUM",
                duration,
                message,
                severity="warning" if partial else None,
                detail={
                    "weeks_completed": round(completed, 2),
                    "weeks_min": json_number(weeks_min),
                },
            )
        if weeks_max is not None and completed_units > weeks_max * UNITS_PER_WEEK:
            self.add(
                "DURATION_ABOVE_MAXIMUM",
                duration,
                f"{fr_number(completed)} semaines effectuées pour {fr_number(weeks_max)} au plus",
                severity=duration.params.get("above_severity", "warning"),
                detail={
                    "weeks_completed": round(completed, 2),
                    "weeks_max": json_number(weeks_max),
                },
            )
        if partial and partial_rule is not None:
            self.add(
                "PARTIAL_STAGE_AUTHORISED",
                partial_rule,
                "Le recteur autorise le candidat à se présenter après un stage partiel ; le jury doit en être informé",
            )

    def judge_structure(self, periods: list[Period]) -> None:
        d = self.d
        block = self.firsts.get("first-year-block")
        if block is not None:
            year_one_end = anniversary(d.training_start)
            weeks = block.params["weeks"]
            found = any(
                d.training_start <= p.start < year_one_end
                and p.scheduled_days >= weeks * len(p.work_days)
                for p in periods
            )
            if not found:
                over = d.as_of >= year_one_end
                self.add(
                    "FIRST_YEAR_BLOCK_MISSING",
                    block,
                    f"Aucune période d'au moins {fr_number(weeks)} semaines consécutives ne commence en première année "
                    f"({fr_date(d.training_start)} – {fr_date(year_one_end - 1)})"
                    + ("" if over else " ; à prévoir avant la fin de la première année"),
                    severity=None if over else "warning",
                )
        rest = self.firsts.get("summer-rest")
        if rest is not None:
            need = rest.params["days"]
            intervals = [(p.start, p.end) for p in periods]
            first_year = date.fromordinal(d.training_start).year
            last_year = date.fromordinal(d.exam_date).year
            summers = []
            for year in range(first_year, last_year + 1):
                low = date(year, 7, 1).toordinal()
                high = date(year, 8, 31).toordinal()
                if high < d.training_start or low >= d.exam_date:
                    continue
                summers.append((year, low, high))
            runs = longest_free_runs(intervals, [(low, high) for _, low, high in summers])
            short = [
                (year, free)
                for (year, _, _), free in zip(summers, runs, strict=True)
                if free < need
            ]
            if short:
                described = ", ".join(
                    f"été {year} : {free} jours de repos consécutifs au plus"
                    for year, free in short[:SUMMERS_LISTED]
                )
                if len(short) > SUMMERS_LISTED:
                    described += f", et {len(short) - SUMMERS_LISTED} autres étés"
                self.add(
                    "SUMMER_REST_NOT_RESPECTED",
                    rest,
                    f"Moins de {need} jours consécutifs sans stage en juillet-août ({described})",
                    detail=[year for year, _ in short],
                )
        phases = self.firsts.get("phases")
        if phases is not None and periods:
            self.judge_phases(phases, periods)

    def judge_spread(self, periods: list[Period]) -> None:
        """v1.1: a stage the text spreads over the two years whose periods all start in year 1,
        or all after it."""
        rule = self.firsts.get("spread")
        if rule is None or not periods:
            return
        d = self.d
        year_one_end = anniversary(d.training_start)
        if all(d.training_start <= p.start < year_one_end for p in periods):
            where = (
                f"toutes les périodes commencent en première année "
                f"({fr_date(d.training_start)} – {fr_date(year_one_end - 1)})"
            )
            if d.as_of < year_one_end:
                where += " ; une période de seconde année reste à prévoir"
        elif all(p.start >= year_one_end for p in periods):
            where = f"toutes les périodes commencent après la première année (à partir du {fr_date(year_one_end)})"
        else:
            return
        self.add(
            "PERIODS_NOT_SPREAD",
            rule,
            f"Formation en milieu professionnel non répartie sur les deux années : {where}",
        )

    def judge_phases(self, rule: Rule, periods: list[Period]) -> None:
        d = self.d
        expected = rule.params["phases"]
        ordered = sorted(periods, key=lambda p: p.start)
        anchors = {
            "training-start": d.training_start,
            "year-one-end": anniversary(d.training_start),
        }
        problems = []
        if len(ordered) != len(expected):
            problems.append(
                f"{len(ordered)} période{'s' if len(ordered) > 1 else ''} au lieu de {len(expected)}"
            )
        else:
            for position, (p, phase) in enumerate(zip(ordered, expected, strict=True)):
                weeks = p.scheduled_days / len(p.work_days)
                anchor = anchors[phase["anchor"]]
                in_window = anchor + phase["from_days"] <= p.start <= anchor + phase["to_days"]
                if abs(weeks - phase["weeks"]) > 1e-9 or not in_window:
                    problems.append(
                        f"phase {position + 1} attendue : {phase['label']} ; trouvée : {fr_weeks(weeks)} à partir du {fr_date(p.start)}"
                    )
        if problems:
            self.add(
                "PHASES_NOT_AS_RECOMMENDED",
                rule,
                "Découpage différent de celui préconisé (" + " ; ".join(problems) + ")",
                severity="info" if rule.severity == "blocking" else rule.severity,
            )

    def judge_overlap(self, periods: list[Period]) -> None:
        rule = self.firsts.get("overlap")
        if rule is None or len(periods) < 2:
            return
        pairs = overlapping_pairs(periods, limit=OVERLAPS_LISTED)
        if pairs:
            described = ", ".join(f"périodes {a.index + 1} et {b.index + 1}" for a, b in pairs)
            if len(pairs) == OVERLAPS_LISTED:
                others = overlap_count(periods) - OVERLAPS_LISTED
                if others:
                    count = f"{others:,}".replace(",", "\u202f")
                    plural = "s" if others > 1 else ""
                    described += f", et {count} autre{plural} paire{plural}"
            self.add(
                "PERIODS_OVERLAP",
                rule,
                f"Des périodes partagent des jours, comptés une seule fois : {described}",
                detail=[[a.index, b.index] for a, b in pairs],
            )

    # --- per-period documents ------------------------------------------------------------

    def _missing_for_periods(self, code: str, kind: str, missing: list[Period], what: str) -> None:
        rule = self.rule(kind)
        if rule is None or not missing:
            return
        started = [p for p in missing if p.start <= self.d.as_of]
        self.add(
            code,
            rule,
            f"{what} : {_labels(missing)}"
            + ("" if started else " ; à régler avant le premier jour"),
            severity=None if started else "warning",
            detail=[p.index for p in missing],
        )

    def judge_period_documents(self, periods: list[Period], unfinished: list[Period]) -> None:
        as_of = self.d.as_of
        self._missing_for_periods(
            "CONVENTION_MISSING",
            "convention",
            [p for p in periods if not p.convention_signed],
            "Convention non signée",
        )
        timing = self.firsts.get("convention-timing")
        if timing is not None and "convention" in self.firsts:
            late = [
                p
                for p in periods
                if p.kind == "stage"
                and p.convention_signed_on is not None
                and p.convention_signed_on > p.start
            ]
            if late:
                self.add(
                    "CONVENTION_SIGNED_LATE",
                    timing,
                    "Convention signée après le premier jour de la période : "
                    + ", ".join(
                        f"{_period_label(p)}, signée le {fr_date(p.convention_signed_on)}"
                        for p in late
                        if p.convention_signed_on is not None
                    ),
                    detail=[p.index for p in late],
                )
        self._missing_for_periods(
            "TRAINING_CONTRACT_MISSING",
            "training-contract",
            [p for p in periods if not p.training_contract],
            "Contrat individuel de formation absent",
        )
        finished = [p for p in periods if p.end <= as_of]
        certificate = self.firsts.get("certificate")
        if certificate is not None:
            missing = [p for p in finished if not p.certificate]
            if missing:
                note = (
                    " ; ces périodes ne comptent pas dans la durée"
                    if certificate.params["counts_toward_duration"]
                    else ""
                )
                self.add(
                    "CERTIFICATE_MISSING",
                    certificate,
                    f"Certificat ou attestation de stage absent : {_labels(missing)}{note}",
                    detail=[p.index for p in missing],
                )
        bilan = self.firsts.get("bilan")
        if bilan is not None:
            missing = [p for p in finished if not p.bilan]
            if missing:
                self.add(
                    "BILAN_MISSING",
                    bilan,
                    f"Bilan individuel absent : {_labels(missing)}",
                    detail=[p.index for p in missing],
                )

    def judge_evaluation(self, periods: list[Period], unfinished: list[Period]) -> None:
        rule = self.firsts.get("evaluation")
        if rule is None or self.d.evaluation:
            return
        kept = self.firsts.get("repeater-evaluation")
        if (
            kept is not None
            and self.d.repeater_previous_evaluation
            and self.d.repeater_report in kept.params["reports"]
        ):
            return  # the previous session's grid goes with the previous report
        due = (bool(periods) and not unfinished) or self.d.as_of > self.report_deadline()
        if due:
            self.add(
                "EVALUATION_MISSING",
                rule,
                "La grille d'évaluation / fiche d'appréciation remplie par les professeurs et le tuteur n'est pas au dossier",
            )

    # --- pathway evidence ----------------------------------------------------------------

    def judge_pathway_evidence(
        self, periods: list[Period], projected_units: int, unfinished: list[Period]
    ) -> None:
        d = self.d
        rule = self.firsts.get("apprenticeship-evidence")
        repeater = self.firsts.get("repeater-contract")
        if (
            repeater is not None
            and d.repeater_previous_session is not None
            and d.repeater_contract is None
        ):
            self.add(
                "APPRENTICESHIP_EVIDENCE_MISSING",
                repeater,
                "Apprenti redoublant : ni le contrat d'apprentissage initial prorogé d'un an ni un "
                "nouveau contrat conclu avec un autre employeur n'est au dossier",
            )
        elif rule is not None and not d.apprenticeship_evidence:
            self.add(
                "APPRENTICESHIP_EVIDENCE_MISSING",
                rule,
                "Ni copie du contrat d'apprentissage ni attestation de l'employeur au dossier",
            )
        rule = self.firsts.get("work-certificates")
        if rule is not None and not d.work_certificates:
            self.add(
                "WORK_CERTIFICATES_MISSING",
                rule,
                "Aucun certificat de travail au dossier pour justifier la nature et la durée de l'emploi",
            )
        rule = self.firsts.get("work-experience")
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
            duration = self.firsts.get("duration")
            if (
                p["stage_alternative"]
                and periods
                and duration is not None
                and projected_units >= duration.params["min"] * UNITS_PER_WEEK
            ):
                return  # a full, certified stage stands in for the work certificates
            self.add(
                "WORK_EXPERIENCE_INSUFFICIENT",
                rule,
                f"Certificats de travail dans le secteur : {full} jours à temps plein sur les {p['full_time_window_days']} jours "
                f"précédant l'examen du {fr_date(d.exam_date)} ({p['full_time_days']} requis), ou {anytime} jours "
                f"sur les {p['any_time_window_days']} jours ({p['any_time_days']} requis)",
                detail={"full_time_days": full, "any_time_days": anytime},
            )

    # --- report ---------------------------------------------------------------------------

    def report_deadline(self) -> int:
        report = self.d.report
        if report is not None and report.deadline is not None:
            return report.deadline
        return self.d.exam_date

    def judge_report(self) -> None:
        deposit = self.firsts.get("report-deposit")
        if deposit is None:
            return
        d = self.d
        report = d.report
        deadline = self.report_deadline()
        if report is None or report.submitted_on is None:
            if d.as_of > deadline:
                self.add(
                    "REPORT_MISSING",
                    deposit,
                    f"Aucun rapport déposé ; la date limite du {fr_date(deadline)} est passée",
                )
            else:
                self.pending = True
            return
        if report.submitted_on > deadline:
            self.add(
                "REPORT_LATE",
                deposit,
                f"Rapport déposé le {fr_date(report.submitted_on)}, après la date limite du {fr_date(deadline)}",
            )
        for rule in self.plan.get("report-pages", ()):
            self.judge_report_pages(rule)
        for rule in self.plan.get("report-sections", ()):
            missing = [key for key in rule.params["sections"] if key not in report.sections]
            if missing:
                self.add(
                    "REPORT_SECTION_MISSING",
                    rule,
                    "Partie(s) absente(s) du rapport : " + ", ".join(missing),
                    detail=missing,
                )
        for rule in self.plan.get("report-section-length", ()):
            key = rule.params["section"]
            pages = report.section_pages.get(key)
            if pages is None:
                continue
            low = rule.params.get("min")
            high = rule.params.get("max")
            if (low is not None and pages < low) or (high is not None and pages > high):
                bounds = (
                    f"entre {low} et {high}"
                    if low is not None and high is not None
                    else (f"au plus {high}" if high is not None else f"au moins {low}")
                )
                self.add(
                    "REPORT_SECTION_LENGTH",
                    rule,
                    f"Partie « {key} » : {pages} page{'s' if pages > 1 else ''}, attendu {bounds}",
                    detail=[key],
                )
        english = self.firsts.get("report-english-documents")
        if english is not None:
            technical = report.english_documents.count("technical")
            press = report.english_documents.count("press")
            want_t, want_p = english.params["technical"], english.params["press"]
            if (technical, press) != (want_t, want_p):
                self.add(
                    "REPORT_ENGLISH_DOCUMENTS",
                    english,
                    f"Documents en anglais : {technical} technique(s) et {press} de presse, attendu {want_t} technique et {want_p} de presse",
                    detail={"technical": technical, "press": press},
                )
        page_format = self.firsts.get("report-format")
        if (
            page_format is not None
            and FORMAT_RANK[report.page_format] > FORMAT_RANK[page_format.params["max_format"]]
        ):
            self.add(
                "REPORT_FORMAT_TOO_LARGE",
                page_format,
                f"Format des pages plus grand que {page_format.params['max_format']}",
            )
        endorsement = self.firsts.get("report-endorsement")
        if endorsement is not None and not report.endorsed_by_host:
            self.add(
                "REPORT_NOT_ENDORSED",
                endorsement,
                "Le rapport n'est pas visé par la structure d'accueil",
            )

    def judge_report_pages(self, rule: Rule) -> None:
        report = self.d.report
        assert report is not None
        p = rule.params
        over = []
        items = []
        if "max_pages" in p and report.pages > p["max_pages"]:
            over.append(f"{report.pages} pages hors annexes pour {p['max_pages']} au plus")
            items.append("pages")
        if "max_annex_pages" in p and report.annex_pages > p["max_annex_pages"]:
            over.append(f"{report.annex_pages} pages d'annexes pour {p['max_annex_pages']} au plus")
            items.append("annex_pages")
        if "max_total_pages" in p and report.pages + report.annex_pages > p["max_total_pages"]:
            over.append(
                f"{report.pages + report.annex_pages} pages annexes comprises pour {p['max_total_pages']} au plus"
            )
            items.append("total_pages")
        for part, limit in p.get("max_parts", {}).items():
            count = report.parts.get(part)
            if count is not None and count > limit:
                over.append(f"partie « {part} » : {count} pages pour {limit} au plus")
                items.append(part)
        if over:
            self.add(
                "REPORT_TOO_LONG", rule, "Rapport trop long : " + " ; ".join(over), detail=items
            )


_DEROGATION_LABEL = {
    "reduction": "réduction",
    "dispense": "dispense",
    "partial": "autorisation de stage partiel",
}
_REASON_LABEL = {
    "force-majeure": "force majeure",
    "amenagement": "formation aménagée",
    "positionnement": "positionnement",
    "vae": "VAE",
    "other": "autre",
}


def _as_conventioned(p: Period) -> Period:
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
