"""How the periods are laid out: overlaps, the first-year block, the summer rest, the recommended
phases and the spread over the two years."""

from __future__ import annotations

from datetime import date

from milieu.rules.catalogue import Rule
from milieu.rules.counting import anniversary, longest_free_runs, overlap_count, overlapping_pairs
from milieu.rules.judgement import Judgement
from milieu.rules.output import fr_date, fr_number, fr_weeks
from milieu.rules.records import Period

# PERIODS_OVERLAP names (and its detail lists) the first pairs only, then counts the others: the
# pairs of n periods can number n(n-1)/2, and a verdict's size must stay linear in its dossier.
OVERLAPS_LISTED = 50
# Likewise SUMMER_REST_NOT_RESPECTED names the first summers (its detail lists every year).
SUMMERS_LISTED = 10


def judge_structure(j: Judgement, periods: list[Period]) -> None:
    d = j.d
    block = j.firsts.get("first-year-block")
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
            j.add(
                "FIRST_YEAR_BLOCK_MISSING",
                block,
                f"Aucune période d'au moins {fr_number(weeks)} semaines consécutives ne commence en première année "
                f"({fr_date(d.training_start)} – {fr_date(year_one_end - 1)})"
                + ("" if over else " ; à prévoir avant la fin de la première année"),
                severity=None if over else "warning",
            )
    rest = j.firsts.get("summer-rest")
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
            (year, free) for (year, _, _), free in zip(summers, runs, strict=True) if free < need
        ]
        if short:
            described = ", ".join(
                f"été {year} : {free} jours de repos consécutifs au plus"
                for year, free in short[:SUMMERS_LISTED]
            )
            if len(short) > SUMMERS_LISTED:
                described += f", et {len(short) - SUMMERS_LISTED} autres étés"
            j.add(
                "SUMMER_REST_NOT_RESPECTED",
                rest,
                f"Moins de {need} jours consécutifs sans stage en juillet-août ({described})",
                detail=[year for year, _ in short],
            )
    phases = j.firsts.get("phases")
    if phases is not None and periods:
        judge_phases(j, phases, periods)


def judge_spread(j: Judgement, periods: list[Period]) -> None:
    """v1.1: a stage the text spreads over the two years whose periods all start in year 1,
    or all after it."""
    rule = j.firsts.get("spread")
    if rule is None or not periods:
        return
    d = j.d
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
    j.add(
        "PERIODS_NOT_SPREAD",
        rule,
        f"Formation en milieu professionnel non répartie sur les deux années : {where}",
    )


def judge_phases(j: Judgement, rule: Rule, periods: list[Period]) -> None:
    d = j.d
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
        j.add(
            "PHASES_NOT_AS_RECOMMENDED",
            rule,
            "Découpage différent de celui préconisé (" + " ; ".join(problems) + ")",
            severity="info" if rule.severity == "blocking" else rule.severity,
        )


def judge_overlap(j: Judgement, periods: list[Period]) -> None:
    rule = j.firsts.get("overlap")
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
        j.add(
            "PERIODS_OVERLAP",
            rule,
            f"Des périodes partagent des jours, comptés une seule fois : {described}",
            detail=[[a.index, b.index] for a, b in pairs],
        )


# --- per-period documents ------------------------------------------------------------
