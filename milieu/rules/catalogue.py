"""Load and validate the catalogue: one TOML file per diploma, checked against a JSON schema.

A sixth diploma is a sixth file: nothing here names a diploma. Mistakes are reported with the
file, the line of the table they sit in and the field (a JSON pointer), in French.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CATALOGUE_DIR = Path(__file__).with_name("catalogue")
SCHEMA_PATH = Path(__file__).with_name("catalogue.schema.json")

PATHWAY_KEYS = (
    "scolaire",
    "apprentissage",
    "formation-continue/premiere-formation",
    "formation-continue/reconversion",
    "formation-continue/perfectionnement",
    "experience-professionnelle",
)

# Kinds of which at most one rule may apply to a given pathway (the engine reads them as one).
SINGLE_KINDS = frozenset(
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
        "apprenticeship-evidence",
        "work-experience",
        "work-certificates",
        "experience-dispense",
        "report-deposit",
        "report-english-documents",
        "report-format",
        "report-endorsement",
        "reduction",
        "dispense",
        "derogation-authority",
        "partial",
        "repeater",
        # contract v1.1
        "special-contract",
        "evidenced-periods",
        "spread",
        "convention-timing",
        "repeater-evaluation",
        "repeater-contract",
    }
)

_RULE_FIELDS = ("id", "kind", "title", "text", "ref", "severity", "pathways", "decision")


class CatalogueError(ValueError):
    """A catalogue file that does not follow the schema; the message names file, line and field."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    title: str
    text: str
    paragraph: str
    ref: str
    severity: str
    pathways: tuple[str, ...]
    decision: str | None
    params: Mapping[str, Any]

    def applies_to(self, pathway_key: str) -> bool:
        return any(_selects(selector, pathway_key) for selector in self.pathways)


@dataclass(frozen=True, slots=True)
class Pathway:
    key: str
    mode: str
    paragraph: str
    ref: str
    text: str


@dataclass(frozen=True, slots=True)
class Diploma:
    id: str
    title: str
    short: str
    seed: str
    path: Path
    pathways: Mapping[str, Pathway]
    rules: tuple[Rule, ...]
    extra: Mapping[str, Any]
    plans: Mapping[str, Mapping[str, tuple[Rule, ...]]] = field(repr=False)
    firsts: Mapping[str, Mapping[str, Rule]] = field(repr=False)

    def first_rules(self, pathway_key: str) -> Mapping[str, Rule]:
        """The first rule of each kind that applies to one pathway."""
        return self.firsts[pathway_key]

    def plan(self, pathway_key: str) -> Mapping[str, tuple[Rule, ...]]:
        """The rules that apply to one pathway, grouped by kind."""
        return self.plans[pathway_key]

    def cite(self, paragraph: str) -> str:
        """A reference as the verdict prints it: seed file and paragraph."""
        return f"{self.seed} {paragraph}"

    def source(self, paragraph: str) -> str:
        """A reference as a French message prints it: "(annexe BTS CIEL, §3)"."""
        return f"{self.short}, {paragraph}"


@dataclass(frozen=True, slots=True)
class Catalogue:
    diplomas: Mapping[str, Diploma]

    def get(self, diploma_id: str) -> Diploma | None:
        return self.diplomas.get(diploma_id)

    def ids(self) -> list[str]:
        return sorted(self.diplomas)


def _selects(selector: str, pathway_key: str) -> bool:
    return selector == "*" or selector == pathway_key or pathway_key.startswith(selector + "/")


@functools.cache
def _validator() -> Any:
    import jsonschema  # imported here: it is slow to import and only needed to load the catalogue

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _table_lines(text: str, header: str) -> list[int]:
    """Line numbers (1-based) of each `[[header]]` in a TOML text, in order."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() == f"[[{header}]]"
    ]


def _locate(text: str, pointer: list[str | int]) -> int | None:
    if len(pointer) >= 2 and pointer[0] in ("rules", "pathways") and isinstance(pointer[1], int):
        lines = _table_lines(text, str(pointer[0]))
        if pointer[1] < len(lines):
            return lines[pointer[1]]
    if pointer and isinstance(pointer[0], str):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.split("=", 1)[0].strip() == pointer[0]:
                return number
    return None


def _fail(path: Path, text: str, pointer: list[str | int], message: str) -> CatalogueError:
    field_ = "/" + "/".join(str(part) for part in pointer) if pointer else "/"
    line = _locate(text, pointer)
    where = f"{path.name}, ligne {line}" if line else path.name
    return CatalogueError(f"catalogue {where}, champ {field_} : {message}")


def _french_schema_message(error: Any) -> str:
    validator = error.validator
    if validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return "champ obligatoire manquant : " + ", ".join(missing)
    if validator == "additionalProperties":
        return f"champ inconnu ({error.message})"
    if validator == "enum":
        allowed = ", ".join(json.dumps(v, ensure_ascii=False) for v in error.validator_value)
        return f"valeur {json.dumps(error.instance, ensure_ascii=False)} non admise (attendu : {allowed})"
    if validator == "type":
        return f"type incorrect, attendu {error.validator_value}"
    if validator == "pattern":
        return f"valeur {error.instance!r} mal formée"
    if validator in ("minimum", "maximum", "exclusiveMinimum", "minItems", "minLength"):
        return f"valeur hors limites ({error.message})"
    return str(error.message)


def _cache_marker(text: str) -> Path | None:
    """A marker file saying that this exact text passed this exact schema (skips jsonschema,
    which is slow to import, when the command starts); None when there is nowhere to keep it."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    digest = hashlib.sha256(SCHEMA_PATH.read_bytes() + b"\0" + text.encode("utf-8")).hexdigest()
    return Path(base) / "milieu" / "catalogue-valid" / digest


def _validate(path: Path, text: str, data: dict[str, Any]) -> None:
    marker = _cache_marker(text)
    if marker is not None and marker.exists():
        return
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        raise _fail(path, text, list(error.absolute_path), _french_schema_message(error))
    if marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only home: validate again next time


def _load_file(path: Path) -> Diploma:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"catalogue {path.name} : TOML illisible ({exc})") from None
    _validate(path, text, data)
    if data["id"] != path.stem:
        raise _fail(path, text, ["id"], f"l'identifiant doit être le nom du fichier ({path.stem})")

    seed = data["seed"]
    pathways: dict[str, Pathway] = {}
    for index, raw in enumerate(data["pathways"]):
        if raw["key"] in pathways:
            raise _fail(path, text, ["pathways", index, "key"], "voie décrite deux fois")
        pathways[raw["key"]] = Pathway(
            key=raw["key"],
            mode=raw["mode"],
            paragraph=raw["ref"],
            ref=f"{seed} {raw['ref']}",
            text=raw["text"],
        )
    missing = [key for key in PATHWAY_KEYS if key not in pathways]
    if missing:
        raise _fail(path, text, ["pathways"], "voies non décrites : " + ", ".join(missing))

    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["rules"]):
        if raw["id"] in seen:
            raise _fail(path, text, ["rules", index, "id"], f"règle {raw['id']} en double")
        seen.add(raw["id"])
        params = {k: v for k, v in raw.items() if k not in _RULE_FIELDS}
        if "min" in params and "max" in params and params["max"] < params["min"]:
            raise _fail(path, text, ["rules", index, "max"], "le maximum est inférieur au minimum")
        rules.append(
            Rule(
                id=raw["id"],
                kind=raw["kind"],
                title=raw["title"],
                text=raw["text"],
                paragraph=raw["ref"],
                ref=f"{seed} {raw['ref']}",
                severity=raw["severity"],
                pathways=tuple(raw["pathways"]),
                decision=raw.get("decision"),
                params=params,
            )
        )

    plans: dict[str, dict[str, tuple[Rule, ...]]] = {}
    for key in PATHWAY_KEYS:
        grouped: dict[str, list[Rule]] = {}
        for rule in rules:
            if rule.applies_to(key):
                grouped.setdefault(rule.kind, []).append(rule)
        for kind, group in grouped.items():
            if kind in SINGLE_KINDS and len(group) > 1:
                index = rules.index(group[1])
                raise _fail(
                    path,
                    text,
                    ["rules", index, "pathways"],
                    f"deux règles « {kind} » s'appliquent à la voie {key}",
                )
        plans[key] = {kind: tuple(group) for kind, group in grouped.items()}
    if pathways["scolaire"].mode == "stage" and "duration" not in plans["scolaire"]:
        raise _fail(path, text, ["rules"], "aucune règle de durée pour la voie scolaire")
    for key, pathway in pathways.items():
        if pathway.mode == "stage" and "duration" not in plans[key]:
            raise _fail(path, text, ["rules"], f"aucune règle de durée pour la voie {key}")

    extra = {
        k: v
        for k, v in data.items()
        if k not in ("id", "title", "short", "seed", "pathways", "rules")
    }
    return Diploma(
        id=data["id"],
        title=data["title"],
        short=data["short"],
        seed=seed,
        path=path,
        pathways=pathways,
        rules=tuple(rules),
        extra=extra,
        plans=plans,
        firsts={
            key: {kind: group[0] for kind, group in plan.items()} for key, plan in plans.items()
        },
    )


def load_catalogue(directories: Iterable[Path | str] = (CATALOGUE_DIR,)) -> Catalogue:
    """Read every `*.toml` of the given directories; a later file may not redefine an id."""
    diplomas: dict[str, Diploma] = {}
    for directory in directories:
        directory = Path(directory)
        files = sorted(directory.glob("*.toml"))
        if not files:
            raise CatalogueError(f"catalogue {directory} : aucun fichier de diplôme (*.toml)")
        for path in files:
            diploma = _load_file(path)
            if diploma.id in diplomas:
                raise CatalogueError(
                    f"catalogue {path.name} : le diplôme {diploma.id} est déjà défini "
                    f"par {diplomas[diploma.id].path.name}"
                )
            diplomas[diploma.id] = diploma
    return Catalogue(diplomas=diplomas)


@functools.cache
def get_catalogue() -> Catalogue:
    """The catalogue shipped with Milieu, loaded and validated once per process."""
    return load_catalogue()
