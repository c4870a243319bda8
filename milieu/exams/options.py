"""What the catalogue allows a derogation request for one student: kinds, reasons, floor, units.

Read from the diploma's catalogue file (`milieu/rules/catalogue/<diploma>.toml`, the engine's
loader), never from the diploma id: a kind is offered when the pathway has a rule of that kind
(a reduction and a partial stage only where a stage duration applies), the floor of a reduction
is the `reduction` rule's `floor`, the units of a dispense the `dispense` rule's `units`. Every
refusal cites the paragraph of the text it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from milieu.exams.enums import REASONS_BY_KIND, DerogationKind, DerogationReason
from milieu.rules import get_catalogue
from milieu.rules.catalogue import Diploma, Rule


def _fr(value: float | Decimal) -> str:
    number = float(value)
    text = f"{number:g}".replace(".", ",")
    return f"{text} semaine{'s' if number >= 2 else ''}"


@dataclass(frozen=True)
class KindOption:
    kind: str
    rule: Rule
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(DerogationKind(self.kind).label)


@dataclass(frozen=True)
class DerogationOptions:
    """The kinds a request may take for one student, with their rules."""

    diploma: Diploma | None
    kinds: dict[str, KindOption]
    duration: Rule | None

    @property
    def reduction(self) -> Rule | None:
        option = self.kinds.get(DerogationKind.REDUCTION)
        return option.rule if option else None

    @property
    def floor(self) -> float | None:
        rule = self.reduction
        floor = rule.params.get("floor") if rule is not None else None
        return float(floor) if floor is not None else None

    @property
    def normal_min(self) -> float | None:
        return float(self.duration.params["min"]) if self.duration is not None else None

    @property
    def units(self) -> tuple[str, ...]:
        option = self.kinds.get(DerogationKind.DISPENSE)
        if option is None:
            return ()
        return tuple(str(u) for u in option.rule.params.get("units") or ())

    def cite(self, rule: Rule) -> str:
        """ "annexe BTS CIEL, §3" for a French message."""
        assert self.diploma is not None
        return self.diploma.source(rule.paragraph)

    def describe(self) -> list[str]:
        """One French line per kind offered, with the text's limit and paragraph."""
        lines = []
        for option in self.kinds.values():
            line = f"{option.label} : {option.rule.title} ({self.cite(option.rule)})"
            lines.append(line)
        return lines


def derogation_options(student: Any) -> DerogationOptions:
    diploma = get_catalogue().get(str(student.cohort.diploma))
    if diploma is None or student.pathway_key not in diploma.plans:
        return DerogationOptions(diploma, {}, None)
    firsts = diploma.first_rules(student.pathway_key)
    duration = firsts.get("duration")
    kinds: dict[str, KindOption] = {}
    for kind in DerogationKind.values:
        rule = firsts.get(kind)
        if rule is None:
            continue
        if kind != DerogationKind.DISPENSE and duration is None:
            continue  # no stage duration on this pathway: nothing to reduce or to complete
        allowed = rule.params.get("reasons") or REASONS_BY_KIND[kind]
        kinds[kind] = KindOption(kind, rule, tuple(str(r) for r in allowed))
    return DerogationOptions(diploma, kinds, duration)


def request_errors(
    options: DerogationOptions,
    *,
    kind: str,
    reason: str,
    weeks: Decimal | None,
    units: list[str],
) -> dict[str, str]:
    """What is wrong with a request for this student (empty when nothing is), by field."""
    errors: dict[str, str] = {}
    option = options.kinds.get(kind)
    if option is None:
        if not options.kinds:
            errors["kind"] = (
                "Le référentiel de ce diplôme ne prévoit aucune dérogation pour la voie de ce "
                "candidat."
            )
        else:
            offered = ", ".join(f"« {o.label.lower()} »" for o in options.kinds.values())
            errors["kind"] = f"Pour ce candidat, le référentiel prévoit : {offered}."
        return errors
    if reason not in DerogationReason.values:
        errors["reason"] = "Choisissez le motif de la demande."
    elif reason not in option.reasons:
        allowed = ", ".join(f"« {DerogationReason(r).label.lower()} »" for r in option.reasons)
        errors["reason"] = (
            f"Ce motif ne permet pas une {option.label.lower()} : motifs prévus par le texte, "
            f"{allowed} ({options.cite(option.rule)})."
        )
    if kind == DerogationKind.REDUCTION:
        floor = options.floor
        if weeks is None:
            errors["weeks"] = "Indiquez la durée de stage demandée, en semaines."
        elif weeks <= 0:
            errors["weeks"] = "La durée demandée est un nombre de semaines positif."
        elif floor is not None and weeks < Decimal(str(floor)):
            errors["weeks"] = (
                f"La durée ne peut être réduite en dessous de {_fr(floor)} "
                f"({options.cite(option.rule)}) : {_fr(weeks)} demandées."
            )
        elif options.normal_min is not None and weeks >= Decimal(str(options.normal_min)):
            assert options.duration is not None
            errors["weeks"] = (
                f"La durée normale est de {_fr(options.normal_min)} "
                f"({options.cite(options.duration)}) : une réduction demande moins."
            )
    if kind == DerogationKind.DISPENSE and options.units:
        unknown = [u for u in units if u not in options.units]
        if not units:
            errors["units"] = (
                f"Indiquez les unités dispensées ({', '.join(options.units)}) "
                f"({options.cite(option.rule)})."
            )
        elif unknown:
            errors["units"] = f"Unités inconnues pour ce diplôme : {', '.join(unknown)}."
    return errors
