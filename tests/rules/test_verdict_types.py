"""The engine's output is what `milieu.rules.verdicts` declares (keys, in the contract's order)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_type_hints

from milieu.rules import Finding, Verdict, evaluate, judge
from tests.rules.builders import dossier

SAMPLES = Path(__file__).resolve().parents[2] / "milieu" / "checker" / "samples"


def test_a_judged_verdict_has_every_declared_key_but_error_in_the_contract_order() -> None:
    result = judge(dossier("bts-ciel", evaluation=False))
    assert list(result) == [k for k in get_type_hints(Verdict) if k != "error"]
    findings = result.get("findings", [])
    assert findings
    declared = set(get_type_hints(Finding))
    for finding in findings:
        assert {"code", "severity", "message", "ref"} <= set(finding) <= declared


def test_a_dossier_that_cannot_be_judged_has_its_id_and_error_only() -> None:
    result = judge({"id": "x", "diploma": "inconnu"})
    assert list(result) == ["id", "error"]
    assert set(result["error"]) == {"field", "message"}


def test_evaluate_is_judge() -> None:
    assert evaluate is judge
    for path in sorted(SAMPLES.glob("*.json"))[:3]:
        raw = json.loads(path.read_text())
        assert evaluate(raw) == judge(raw)
