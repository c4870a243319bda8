"""A verdict as a French report for people (`milieu check --format text`)."""

from __future__ import annotations

from typing import Any

from milieu.rules.catalogue import Catalogue
from milieu.rules.output import fr_number

STATUS_LABELS = {"compliant": "conforme", "non-compliant": "non conforme", "pending": "en attente"}
SEVERITY_LABELS = {"blocking": "bloquant", "warning": "avertissement", "info": "information"}
PATHWAY_LABELS = {
    "scolaire": "voie scolaire",
    "apprentissage": "apprentissage",
    "formation-continue": "formation continue",
    "experience-professionnelle": "expérience professionnelle",
}


def render_text(result: dict[str, Any], catalogue: Catalogue, position: int) -> str:
    name = result.get("id") or f"n° {position}"
    if "error" in result:
        error = result["error"]
        return (
            f"Dossier {name} — impossible à juger\n"
            f"  Champ {error['field'] or '(racine)'} : {error['message']}\n"
        )
    diploma = catalogue.get(result["diploma"])
    title = diploma.title if diploma else result["diploma"]
    required = result["weeks_required"]
    if required["max"] is None and required["min"] == 0:
        wanted = "aucun stage exigé de cette voie ou stage dispensé"
    elif required["max"] is None:
        wanted = f"au moins {fr_number(required['min'])}"
    elif required["max"] == required["min"]:
        wanted = fr_number(required["min"])
    else:
        wanted = f"{fr_number(required['min'])} à {fr_number(required['max'])}"
    lines = [
        f"Dossier {name} — {title} ({PATHWAY_LABELS.get(result['pathway'], result['pathway'])})",
        f"  Statut : {STATUS_LABELS[result['status']]}",
        f"  Durée : {fr_number(result['weeks_completed'])} semaine(s) effectuée(s) ; requis : {wanted}"
        + ("" if required["min"] == 0 and required["max"] is None else " semaine(s)"),
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
