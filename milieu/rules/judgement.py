"""The state of one judgement: the dossier, its diploma's rules for its pathway, and the findings
recorded so far (`Judgement.add`). The judging functions of the sibling modules take it first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from milieu.rules.catalogue import Diploma, Rule
from milieu.rules.output import fr_date
from milieu.rules.records import Derogation, Dossier, Period
from milieu.rules.verdicts import Finding

SEVERITY_RANK = {"info": 0, "warning": 1, "blocking": 2}


def period_label(p: Period) -> str:
    return f"période {p.index + 1} ({fr_date(p.start)} – {fr_date(p.end)})"


def labels(periods: Sequence[Period]) -> str:
    return ", ".join(period_label(p) for p in periods)


class Judgement:
    # Set by `derogations.derogations`, which the verdict runs before any reader of them.
    valid_derogations: list[Derogation]
    halved_by: list[str]  # the exam units a partial dispense covers

    def __init__(self, dossier: Dossier) -> None:
        self.d = dossier
        self.diploma: Diploma = dossier.diploma
        self.plan = self.diploma.plan(dossier.pathway_key)
        self.firsts = self.diploma.first_rules(dossier.pathway_key)
        self.mode = self.diploma.pathways[dossier.pathway_key].mode
        self.findings: dict[str, Finding] = {}
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
            finding: Finding = {
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
