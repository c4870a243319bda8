"""Checking dossiers: read the submitted text, ask the engine, keep its canonical verdict text.

The judgement itself belongs to ``milieu.rules``; this module only turns what a user sends into
dossiers and the engine's results into something a template can show. Nothing is stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from milieu.checker.enums import (
    SEVERITY_BADGES,
    SEVERITY_ORDER,
    STATUS_BADGES,
    Pathway,
    Severity,
    VerdictStatus,
)
from milieu.rules import Verdict, dumps_verdict, get_catalogue, judge
from milieu.rules.reader import InputError, load_json

# The page shows each verdict in full: a hundred is a long page already; volumes go to the CLI.
MAX_DOSSIERS = 100

_JSON_MESSAGES = {
    "Expecting value": "une valeur est attendue",
    "Expecting ',' delimiter": "une virgule est attendue",
    "Expecting ':' delimiter": "deux-points sont attendus",
    "Expecting property name enclosed in double quotes": (
        'un nom de champ entre guillemets droits ("…") est attendu'
    ),
    "Extra data": "du texte suit la fin du JSON",
    "Unterminated string starting at": "une chaîne de caractères n’est pas fermée",
    "Invalid control character at": "un caractère de contrôle est interdit dans une chaîne",
    "Invalid \\escape": "une séquence d’échappement est invalide",
    "Invalid \\uXXXX escape": "une séquence \\uXXXX est invalide",
}


class DossierInputError(ValueError):
    """The submitted text holds no dossier that can be read; the message is in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def describe_json_error(error: json.JSONDecodeError) -> str:
    """A French description of where and why ``json`` refused a text."""
    reason = _JSON_MESSAGES.get(error.msg, "la syntaxe est incorrecte")
    return f"{reason} (ligne {error.lineno}, colonne {error.colno})"


def loads_json(text: str, *, what: str = "Le texte") -> Any:
    """The engine's reader (``milieu.rules.reader.load_json``): the same text is read, or refused,
    by the three doors. Syntax errors raise ``json.JSONDecodeError``; ``NaN``, ``Infinity``, an
    integer of more than 4,300 digits or a nesting too deep raise ``DossierInputError``."""
    try:
        return load_json(text)
    except InputError as error:
        raise DossierInputError(f"{what} n’est pas du JSON valide : {error}.") from None


def parse_dossiers(text: str) -> list[Any]:
    """The dossiers in ``text``: one JSON object, an array of objects, or JSON Lines.

    Raises ``DossierInputError`` with a French message when the text cannot be read. Items that
    are read but are not valid dossiers are left to the engine, which reports them.
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise DossierInputError("Collez un dossier au format JSON ou choisissez un fichier.")
    try:
        document = loads_json(text)
    except json.JSONDecodeError as whole_error:
        dossiers = _parse_json_lines(text, whole_error)
    else:
        if isinstance(document, list):
            dossiers = document
            if not dossiers:
                raise DossierInputError("Le tableau JSON ne contient aucun dossier.") from None
        else:
            dossiers = [document]
    if len(dossiers) > MAX_DOSSIERS:
        raise DossierInputError(
            f"Trop de dossiers d’un coup : {len(dossiers)} (au plus {MAX_DOSSIERS}). "
            "Utilisez la commande « milieu check » pour les gros volumes."
        )
    return dossiers


def _parse_json_lines(text: str, whole_error: json.JSONDecodeError) -> list[Any]:
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    dossiers: list[Any] = []
    for position, (number, line) in enumerate(lines):
        try:
            dossiers.append(loads_json(line))
        except json.JSONDecodeError as line_error:
            if position == 0 or len(lines) == 1:
                # Not JSON Lines at all: report the error in the document as a whole.
                raise DossierInputError(
                    f"Le texte n’est pas du JSON valide : {describe_json_error(whole_error)}."
                ) from None
            reason = _JSON_MESSAGES.get(line_error.msg, "la syntaxe est incorrecte")
            raise DossierInputError(
                f"La ligne {number} n’est pas du JSON valide : {reason} "
                f"(colonne {line_error.colno}). Chaque ligne doit contenir un dossier entier."
            ) from None
    return dossiers


def input_error(message: str, *, field: str = "") -> CheckedDossier:
    """A contract error object for input that is not a dossier at all."""
    return CheckedDossier({"id": None, "error": {"field": field, "message": message}})


def check_dossier(dossier: Any) -> CheckedDossier:
    """The engine's verdict on one dossier (or its error object)."""
    return CheckedDossier(judge(dossier))


def check_dossiers(dossiers: list[Any]) -> list[CheckedDossier]:
    return [check_dossier(dossier) for dossier in dossiers]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    ref: str
    detail: Any = None

    @property
    def severity_label(self) -> str:
        return label_of(Severity, self.severity)

    @property
    def severity_badge(self) -> str:
        return SEVERITY_BADGES.get(self.severity, "")

    @property
    def detail_text(self) -> str:
        return format_detail(self.detail)


@dataclass(frozen=True)
class CheckedDossier:
    """One engine result and its canonical text, with what the page needs to show it.

    `outlook` (web pages only, `milieu.exams.outlook`): what the candidate still has ahead; the
    pages show it in place of a blocking verdict while the stage is to come."""

    result: Verdict
    outlook: Any = None

    @property
    def ahead(self) -> bool:
        """The pages show the outlook's label instead of the engine's status (a stage to come,
        or a report no teacher has read yet)."""
        return bool(self.outlook is not None and self.outlook.replaces_verdict)

    @property
    def shown_label(self) -> str:
        """The status as the pages show it: « Stage à venir » while the stage is to come."""
        return str(self.outlook.label) if self.ahead else self.status_label

    @property
    def shown_badge(self) -> str:
        return "fr-badge--info" if self.ahead else self.status_badge

    @cached_property
    def text(self) -> str:
        """Exactly what the CLI and the API print for this dossier."""
        return dumps_verdict(self.result)

    @property
    def is_error(self) -> bool:
        return "error" in self.result

    @property
    def dossier_id(self) -> str | None:
        value = self.result.get("id")
        return None if value is None else str(value)

    @property
    def error_field(self) -> str:
        error = self.result.get("error")
        return "" if error is None else str(error.get("field", ""))

    @property
    def error_message(self) -> str:
        error = self.result.get("error")
        return "" if error is None else str(error.get("message", ""))

    @property
    def status(self) -> str:
        return str(self.result.get("status", ""))

    @property
    def status_label(self) -> str:
        return label_of(VerdictStatus, self.status)

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "")

    @property
    def diploma_title(self) -> str:
        diploma_id = str(self.result.get("diploma", ""))
        diploma = get_catalogue().diplomas.get(diploma_id)
        return diploma.title if diploma is not None else diploma_id

    @property
    def pathway_label(self) -> str:
        return label_of(Pathway, str(self.result.get("pathway", "")))

    @property
    def weeks_completed(self) -> Any:
        return self.result.get("weeks_completed")

    @property
    def weeks_min(self) -> int | float | None:
        required = self.result.get("weeks_required")
        return required.get("min") if required else None

    @property
    def weeks_max(self) -> int | float | None:
        required = self.result.get("weeks_required")
        return required.get("max") if required else None

    @cached_property
    def findings(self) -> list[Finding]:
        findings = [
            Finding(
                code=str(item.get("code", "")),
                severity=str(item.get("severity", "")),
                message=str(item.get("message", "")),
                ref=str(item.get("ref", "")),
                detail=item.get("detail"),
            )
            for item in self.result.get("findings") or []
        ]
        return sorted(findings, key=lambda finding: SEVERITY_ORDER.get(finding.severity, 9))


def label_of(choices: Any, value: str) -> str:
    """The French label of ``value`` in a ``TextChoices``, or the value itself if unknown."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def format_detail(detail: Any) -> str:
    """A finding's optional ``detail`` as one line of text, when it lists named items.

    A structured ``detail`` (an object) repeats figures the French message already gives, with
    English keys: it is left to the JSON verdict shown below the table.
    """
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list | tuple):
        # Numbers are positions in the dossier, meaningless on screen.
        return ", ".join(item for item in detail if isinstance(item, str))
    return ""
