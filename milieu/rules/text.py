"""A verdict as a French report for people (`milieu check --format text`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from milieu.rules.catalogue import Catalogue
from milieu.rules.output import fr_number
from milieu.rules.verdicts import Verdict

STATUS_LABELS = {"compliant": "conforme", "non-compliant": "non conforme", "pending": "en attente"}
SEVERITY_LABELS = {"blocking": "bloquant", "warning": "avertissement", "info": "information"}
PATHWAY_LABELS = {
    "scolaire": "voie scolaire",
    "apprentissage": "apprentissage",
    "formation-continue": "formation continue",
    "experience-professionnelle": "expérience professionnelle",
}


def render_text(result: Verdict | Mapping[str, Any], catalogue: Catalogue, position: int) -> str:
    name = result.get("id") or f"n° {position}"
    if "error" in result:
        error = result["error"]
        return (
            f"Dossier {name} — impossible à juger\n"
            f"  Champ {error['field'] or '(racine)'} : {error['message']}\n"
        )
    diploma = catalogue.get(result["diploma"])
    title = diploma.title if diploma else result["diploma"]
    low, high = result["weeks_required"]["min"], result["weeks_required"]["max"]
    if high is None and low == 0:
        wanted = "aucun stage exigé de cette voie ou stage dispensé"
    elif high is None:
        wanted = f"au moins {fr_number(low)}"
    elif high == low:
        wanted = fr_number(low)
    else:
        wanted = f"{fr_number(low)} à {fr_number(high)}"
    lines = [
        f"Dossier {name} — {title} ({PATHWAY_LABELS.get(result['pathway'], result['pathway'])})",
        f"  Statut : {STATUS_LABELS[result['status']]}",
        f"  Durée : {fr_number(result['weeks_completed'])} semaine(s) effectuée(s) ; requis : {wanted}"
        + ("" if low == 0 and high is None else " semaine(s)"),
    ]
    if not result["findings"]:
        lines.append("  Aucun constat.")
    for finding in sorted(
        result["findings"], key=lambda f: ("blocking", "warning", "info").index(f["severity"])
    ):
        lines.append(
            f"  - [{SEVERITY_LABELS[finding['severity']]}] {finding['code']} : {finding['message']}"
        )
        lines.append(f"    référence : {finding['ref']}")
    return "\n".join(lines) + "\n"
