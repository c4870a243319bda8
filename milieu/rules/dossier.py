"""Read one dossier (contract v1.1) into plain, checked values, or say in French what is wrong.

Dates become proleptic ordinals (ints) so that the engine counts days with integer arithmetic.
Unknown fields are ignored; a wrong type or value raises `DossierError` with a JSON pointer.
A JSON ``null`` on an optional field means the field is absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from milieu.rules.calendar import DEFAULT_WORK_DAY_NUMBERS, default_exam_date
from milieu.rules.catalogue import Catalogue, Diploma

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_INDEX = {name: index for index, name in enumerate(WEEKDAYS)}
DEFAULT_WORK_DAYS = DEFAULT_WORK_DAY_NUMBERS
PATHWAYS = ("scolaire", "apprentissage", "formation-continue", "experience-professionnelle")
SITUATIONS = ("premiere-formation", "reconversion", "perfectionnement")
DEROGATION_KINDS = ("reduction", "dispense", "partial")
DEROGATION_REASONS = ("force-majeure", "amenagement", "positionnement", "vae", "other")
DECIDERS = ("recteur", "chef-etablissement", "equipe-pedagogique", "other")
PAGE_FORMATS = ("A4", "A3", "larger")
DOCUMENT_KINDS = ("technical", "press")
REPEATER_REPORTS = ("reuse", "modified", "new")
# Contract v1.1: a period worked under a *contrat de travail de type particulier*, and the
# contract an apprentice repeater presents (the initial one extended by a year, or a new one).
PERIOD_KINDS = ("stage", "special-contract")
REPEATER_CONTRACTS = ("extended", "new-employer")

# What one dossier may hold. A real file holds a few periods; these bounds keep the judgement of
# any dossier, from any door (command line, API, web page), in a few milliseconds, and its
# verdict small. Beyond one, the dossier is refused with an error object naming the limit.
MAX_PERIODS = 200
MAX_WORK_CERTIFICATES = 200
MAX_DEROGATIONS = 20
MAX_UNITS = 20  # exam units listed by one derogation
MAX_REPORT_ITEMS = 50  # report sections, English documents, section_pages and parts entries
MAX_ID_LENGTH = 200
MAX_DEROGATION_WEEKS = 520  # a reduced duration, in weeks: ten years at most
# Dates of a dossier: the sessions the engine knows (1900 onwards) to two centuries ahead. A date
# outside would make no sense for a candidate, and near the calendar's end a year 1 or a window
# would cross the last day Python can write.
FIRST_YEAR = 1900
LAST_YEAR = 2199
FIRST_DAY = date(FIRST_YEAR, 1, 1).toordinal()
LAST_DAY = date(LAST_YEAR, 12, 31).toordinal()

_MISSING = object()


class DossierError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Period:
    __slots__ = (
        "absence_days",
        "activities_fit",
        "bilan",
        "certificate",
        "convention_signed",
        "convention_signed_on",
        "country",
        "end",
        "host_name",
        "index",
        "kind",
        "scheduled_days",
        "start",
        "training_contract",
        "work_days",
    )

    def __init__(
        self,
        start: int,
        end: int,
        absence_days: int,
        work_days: tuple[int, ...],
        scheduled_days: int,
        convention_signed: bool,
        certificate: bool,
        training_contract: bool,
        bilan: bool,
        host_name: str | None,
        country: str,
        index: int,
        kind: str = "stage",
        activities_fit: bool = False,
        convention_signed_on: int | None = None,
    ) -> None:
        self.start = start
        self.end = end
        self.absence_days = absence_days
        self.work_days = work_days
        self.scheduled_days = scheduled_days
        self.convention_signed = convention_signed
        self.certificate = certificate
        self.training_contract = training_contract
        self.bilan = bilan
        self.host_name = host_name
        self.country = country
        self.index = index
        self.kind = kind
        self.activities_fit = activities_fit
        self.convention_signed_on = convention_signed_on

    start: int
    end: int
    absence_days: int
    work_days: tuple[int, ...]
    scheduled_days: int
    convention_signed: bool
    certificate: bool
    training_contract: bool
    bilan: bool
    host_name: str | None
    country: str
    index: int
    kind: str  # "stage" or "special-contract" (v1.1)
    activities_fit: bool
    convention_signed_on: int | None


class WorkCertificate:
    __slots__ = ("end", "full_time", "in_sector", "start")

    def __init__(self, start: int, end: int, full_time: bool, in_sector: bool) -> None:
        self.start = start
        self.end = end
        self.full_time = full_time
        self.in_sector = in_sector


class Derogation:
    __slots__ = ("decided_by", "index", "kind", "reason", "units", "weeks")

    def __init__(
        self,
        index: int,
        kind: str,
        reason: str,
        decided_by: str,
        weeks: float | None,
        units: tuple[str, ...],
    ) -> None:
        self.index = index
        self.kind = kind
        self.reason = reason
        self.decided_by = decided_by
        self.weeks = weeks
        self.units = units


class Report:
    __slots__ = (
        "annex_pages",
        "deadline",
        "endorsed_by_host",
        "english_documents",
        "page_format",
        "pages",
        "parts",
        "section_pages",
        "sections",
        "submitted_on",
    )

    submitted_on: int | None
    deadline: int | None
    pages: int
    annex_pages: int
    page_format: str
    sections: frozenset[str]
    section_pages: dict[str, int]
    english_documents: tuple[str, ...]
    endorsed_by_host: bool
    parts: dict[str, int]


class Dossier:
    __slots__ = (
        "apprenticeship_evidence",
        "as_of",
        "derogations",
        "diploma",
        "distance",
        "evaluation",
        "exam_date",
        "id",
        "pathway",
        "pathway_key",
        "periods",
        "professional_experience_in_sector",
        "repeater_contract",
        "repeater_previous_evaluation",
        "repeater_previous_session",
        "repeater_report",
        "report",
        "session",
        "situation",
        "training_start",
        "work_certificates",
    )

    id: str | None
    diploma: Diploma
    pathway: str
    situation: str | None
    pathway_key: str
    distance: bool
    session: int
    exam_date: int
    training_start: int
    as_of: int
    periods: list[Period]
    apprenticeship_evidence: bool
    work_certificates: list[WorkCertificate]
    professional_experience_in_sector: bool
    derogations: list[Derogation]
    report: Report | None
    evaluation: bool
    repeater_previous_session: int | None
    repeater_report: str | None
    repeater_previous_evaluation: bool
    repeater_contract: str | None


# --- typed readers -------------------------------------------------------------------------


def printable(text: str) -> str:
    """`text` with any lone surrogate (``"\\ud800"`` in JSON) written as its escape, so that it can
    be encoded as UTF-8 by every door."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _quote(value: Any) -> str:
    """A short French rendering of a wrong value, whatever it is (never its whole contents)."""
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "…"
        return f"« {printable(shown)} »"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if -(10**15) < value < 10**15:
            return str(value)
        try:
            digits = len(str(abs(value)))
        except ValueError:  # beyond sys.get_int_max_str_digits()
            return "un nombre immense"
        return f"un nombre de {_count(digits)} chiffres"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        return repr(value) if abs(value) != float("inf") else "un nombre infini"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, Mapping):
        return "un objet"
    return "une valeur"


def _get(obj: Mapping[str, Any], name: str) -> Any:
    value = obj.get(name, _MISSING)
    return _MISSING if value is None else value


_DATE_CACHE: dict[str, int] = {}


def _date(value: Any, field: str, label: str) -> int:
    if type(value) is str:
        cached = _DATE_CACHE.get(value)
        if cached is not None:
            return cached
    if (
        type(value) is str
        and len(value) == 10
        and value[4] == "-"
        and value[7] == "-"
        and value[:4].isdigit()
        and value[5:7].isdigit()
        and value[8:].isdigit()
    ):
        try:
            ordinal = date.fromisoformat(value).toordinal()
        except ValueError:
            raise DossierError(
                field, f"{label} : {_quote(value)} n'est pas une date du calendrier"
            ) from None
        if not FIRST_DAY <= ordinal <= LAST_DAY:
            raise DossierError(
                field,
                f"{label} : {_quote(value)} est hors des dates admises "
                f"(du 01/01/{FIRST_YEAR} au 31/12/{LAST_YEAR})",
            )
        if len(_DATE_CACHE) > 100_000:
            _DATE_CACHE.clear()
        _DATE_CACHE[value] = ordinal
        return ordinal
    raise DossierError(field, f"{label} : {_quote(value)} n'est pas une date AAAA-MM-JJ")


def _required_date(obj: Mapping[str, Any], name: str, field: str, label: str) -> int:
    value = _get(obj, name)
    if value is _MISSING:
        raise DossierError(field, f"{label} : champ obligatoire manquant")
    return _date(value, field, label)


def _optional_date(obj: Mapping[str, Any], name: str, field: str, label: str) -> int | None:
    value = _get(obj, name)
    return None if value is _MISSING else _date(value, field, label)


def _bool(obj: Mapping[str, Any], name: str, field: str, default: bool = False) -> bool:
    value = _get(obj, name)
    if value is _MISSING:
        return default
    if type(value) is not bool:
        raise DossierError(field, f"{name} : {_quote(value)} n'est pas un booléen (true ou false)")
    return value


def _int(
    obj: Mapping[str, Any],
    name: str,
    field: str,
    default: int | None = None,
    minimum: int | None = 0,
) -> int:
    value = _get(obj, name)
    if value is _MISSING:
        if default is None:
            raise DossierError(field, f"{name} : champ obligatoire manquant")
        return default
    if type(value) is not int:
        raise DossierError(field, f"{name} : {_quote(value)} n'est pas un nombre entier")
    if minimum is not None and value < minimum:
        raise DossierError(field, f"{name} : {_quote(value)} est inférieur à {minimum}")
    return value


def _choice(
    obj: Mapping[str, Any],
    name: str,
    field: str,
    allowed: tuple[str, ...],
    default: str | None = None,
) -> str:
    value = _get(obj, name)
    if value is _MISSING:
        if default is None:
            raise DossierError(
                field,
                f"{name} : champ obligatoire manquant (valeurs admises : {', '.join(allowed)})",
            )
        return default
    if value not in allowed or type(value) is not str:
        raise DossierError(
            field,
            f"{name} : {_quote(value)} n'est pas admis (valeurs admises : {', '.join(allowed)})",
        )
    return value


def _object(value: Any, field: str, label: str) -> Mapping[str, Any]:
    if type(value) is not dict and not isinstance(value, Mapping):
        raise DossierError(field, f"{label} : un objet JSON est attendu")
    return value


def _array(
    obj: Mapping[str, Any], name: str, field: str, limit: int, what: str = "éléments"
) -> list[Any]:
    value = _get(obj, name)
    if value is _MISSING:
        return []
    if not isinstance(value, list):
        raise DossierError(field, f"{name} : une liste JSON est attendue")
    if len(value) > limit:
        raise DossierError(field, _too_many(name, len(value), limit, what))
    return value


def _too_many(name: str, count: int, limit: int, what: str) -> str:
    return f"{name} : {_count(count)} {what}, au plus {_count(limit)} par dossier"


def _count(n: int) -> str:
    """12345 -> "12 345" (French thousands separator, a narrow no-break space)."""
    return f"{n:,}".replace(",", "\u202f")


def _int_map(obj: Mapping[str, Any], name: str, field: str) -> dict[str, int]:
    value = _get(obj, name)
    if value is _MISSING:
        return {}
    mapping = _object(value, field, name)
    if len(mapping) > MAX_REPORT_ITEMS:
        raise DossierError(field, _too_many(name, len(mapping), MAX_REPORT_ITEMS, "entrées"))
    result: dict[str, int] = {}
    for key, count in mapping.items():
        if type(count) is not int or count < 0:
            raise DossierError(
                f"{field}/{_pointer_token(key)}",
                f"{name}.{key} : {_quote(count)} n'est pas un nombre de pages (entier positif)",
            )
        result[key] = count
    return result


def _pointer_token(key: str) -> str:
    """One reference token of a JSON pointer (RFC 6901): "~" and "/" escaped."""
    return key.replace("~", "~0").replace("/", "~1")


# --- parts of a dossier --------------------------------------------------------------------


_WEEKDAY_CACHE: dict[tuple[str, ...], tuple[int, ...]] = {}


_PERIOD_FLAGS = ("convention_signed", "certificate", "training_contract", "bilan")


def _period(raw: Any, index: int) -> Period:
    """A period, by the fast path when it is well formed, else by the checking one."""
    if type(raw) is dict:
        raw_start = raw.get("start")
        raw_end = raw.get("end")
        start = _DATE_CACHE.get(raw_start) if type(raw_start) is str else None
        end = _DATE_CACHE.get(raw_end) if type(raw_end) is str else None
        if start is not None and end is not None and end >= start and "work_days" not in raw:
            absence = raw.get("absence_days", 0)
            flags = [raw.get(name, False) for name in _PERIOD_FLAGS]
            host = raw.get("host")
            kind = raw.get("kind")
            if kind is None:
                kind = "stage"
            fit = raw.get("activities_fit", False)
            raw_signed_on = raw.get("convention_signed_on")
            signed_on = _DATE_CACHE.get(raw_signed_on) if type(raw_signed_on) is str else None
            if (
                type(absence) is int
                and absence >= 0
                and all(type(flag) is bool for flag in flags)
                and (host is None or (type(host) is dict and _plain_host(host)))
                and (kind == "stage" or kind == "special-contract")
                and type(fit) is bool
                and (raw_signed_on is None or signed_on is not None)
            ):
                scheduled = scheduled_days(start, end, DEFAULT_WORK_DAYS)
                if absence <= scheduled:
                    return Period(
                        start,
                        end,
                        absence,
                        DEFAULT_WORK_DAYS,
                        scheduled,
                        flags[0],
                        flags[1],
                        flags[2],
                        flags[3],
                        host.get("name") if host else None,
                        (host.get("country") or "FR") if host else "FR",
                        index,
                        kind,
                        fit,
                        signed_on,
                    )
    return _checked_period(raw, index)


def _plain_host(host: dict[str, Any]) -> bool:
    name = host.get("name")
    country = host.get("country")
    return (name is None or type(name) is str) and (
        country is None
        or (type(country) is str and len(country) == 2 and country.isalpha() and country.isupper())
    )


def _checked_period(raw: Any, index: int) -> Period:
    field = f"/periods/{index}"
    obj = _object(raw, field, f"période {index + 1}")
    start = _required_date(obj, "start", f"{field}/start", f"période {index + 1}, début")
    end = _required_date(obj, "end", f"{field}/end", f"période {index + 1}, fin")
    if end < start:
        raise DossierError(
            f"{field}/end",
            f"période {index + 1} : la fin ({date.fromordinal(end).isoformat()}) précède le début ({date.fromordinal(start).isoformat()})",
        )
    raw_days = _get(obj, "work_days")
    work_days: tuple[int, ...]
    if raw_days is _MISSING:
        work_days = DEFAULT_WORK_DAYS
    else:
        if not isinstance(raw_days, list) or not raw_days:
            raise DossierError(
                f"{field}/work_days",
                "work_days : une liste non vide de jours (mon, tue, wed, thu, fri, sat, sun) est attendue",
            )
        key = tuple(raw_days) if all(type(d) is str for d in raw_days) else None
        cached = _WEEKDAY_CACHE.get(key) if key is not None else None
        if cached is None:
            indexes: list[int] = []
            for position, day in enumerate(raw_days):
                if type(day) is not str or day not in WEEKDAY_INDEX:
                    raise DossierError(
                        f"{field}/work_days/{position}",
                        f"work_days : {_quote(day)} n'est pas un jour (mon, tue, wed, thu, fri, sat, sun)",
                    )
                if WEEKDAY_INDEX[day] in indexes:
                    raise DossierError(
                        f"{field}/work_days/{position}",
                        f"work_days : le jour {day} est donné deux fois",
                    )
                indexes.append(WEEKDAY_INDEX[day])
            cached = tuple(sorted(indexes))
            if key is not None and len(_WEEKDAY_CACHE) < 256:
                _WEEKDAY_CACHE[key] = cached
        work_days = cached
    scheduled = scheduled_days(start, end, work_days)
    absence = _int(obj, "absence_days", f"{field}/absence_days", default=0)
    if absence > scheduled:
        raise DossierError(
            f"{field}/absence_days",
            f"période {index + 1} : {_quote(absence)} jours d'absence pour {scheduled} jours prévus",
        )
    host_name: str | None = None
    country = "FR"
    host = _get(obj, "host")
    if host is not _MISSING:
        host_obj = _object(host, f"{field}/host", "host")
        name = _get(host_obj, "name")
        if name is not _MISSING:
            if type(name) is not str:
                raise DossierError(f"{field}/host/name", "host.name : une chaîne est attendue")
            host_name = name
        raw_country = _get(host_obj, "country")
        if raw_country is not _MISSING:
            if (
                type(raw_country) is not str
                or len(raw_country) != 2
                or not raw_country.isalpha()
                or not raw_country.isupper()
            ):
                raise DossierError(
                    f"{field}/host/country",
                    f"host.country : {_quote(raw_country)} n'est pas un code pays ISO 3166 à deux lettres majuscules",
                )
            country = raw_country
    return Period(
        start,
        end,
        absence,
        work_days,
        scheduled,
        _bool(obj, "convention_signed", f"{field}/convention_signed"),
        _bool(obj, "certificate", f"{field}/certificate"),
        _bool(obj, "training_contract", f"{field}/training_contract"),
        _bool(obj, "bilan", f"{field}/bilan"),
        host_name,
        country,
        index,
        _choice(obj, "kind", f"{field}/kind", PERIOD_KINDS, default="stage"),
        _bool(obj, "activities_fit", f"{field}/activities_fit"),
        _optional_date(
            obj,
            "convention_signed_on",
            f"{field}/convention_signed_on",
            f"période {index + 1}, date de signature de la convention",
        ),
    )


def _work_certificate(raw: Any, index: int) -> WorkCertificate:
    field = f"/work_certificates/{index}"
    obj = _object(raw, field, f"certificat de travail {index + 1}")
    start = _required_date(
        obj, "start", f"{field}/start", f"certificat de travail {index + 1}, début"
    )
    end = _required_date(obj, "end", f"{field}/end", f"certificat de travail {index + 1}, fin")
    if end < start:
        raise DossierError(
            f"{field}/end", f"certificat de travail {index + 1} : la fin précède le début"
        )
    return WorkCertificate(
        start,
        end,
        _bool(obj, "full_time", f"{field}/full_time"),
        _bool(obj, "in_sector", f"{field}/in_sector"),
    )


def _derogation(raw: Any, index: int) -> Derogation:
    field = f"/derogations/{index}"
    obj = _object(raw, field, f"dérogation {index + 1}")
    kind = _choice(obj, "kind", f"{field}/kind", DEROGATION_KINDS)
    reason = _choice(obj, "reason", f"{field}/reason", DEROGATION_REASONS)
    decided_by = _choice(obj, "decided_by", f"{field}/decided_by", DECIDERS)
    weeks_raw = _get(obj, "weeks")
    weeks: float | None = None
    if weeks_raw is not _MISSING:
        if (
            type(weeks_raw) not in (int, float)
            or not 0 <= weeks_raw <= MAX_DEROGATION_WEEKS
            or weeks_raw != weeks_raw
        ):
            raise DossierError(
                f"{field}/weeks",
                f"weeks : {_quote(weeks_raw)} n'est pas un nombre de semaines "
                f"entre 0 et {MAX_DEROGATION_WEEKS}",
            )
        weeks = weeks_raw
    elif kind == "reduction":
        raise DossierError(
            f"{field}/weeks", "weeks : une réduction doit donner la durée réduite en semaines"
        )
    units: list[str] = []
    for position, unit in enumerate(_array(obj, "units", f"{field}/units", MAX_UNITS, "unités")):
        if type(unit) is not str or not unit.strip():
            raise DossierError(
                f"{field}/units/{position}",
                f"units : {_quote(unit)} n'est pas un nom d'unité (ex. « U4 »)",
            )
        units.append("".join(unit.split()).upper())
    return Derogation(index, kind, reason, decided_by, weeks, tuple(units))


def _report(raw: Any) -> Report:
    field = "/report"
    obj = _object(raw, field, "report")
    report = Report()
    report.submitted_on = _optional_date(
        obj, "submitted_on", f"{field}/submitted_on", "date de dépôt"
    )
    report.deadline = _optional_date(obj, "deadline", f"{field}/deadline", "date limite")
    report.pages = _int(obj, "pages", f"{field}/pages", default=0)
    report.annex_pages = _int(obj, "annex_pages", f"{field}/annex_pages", default=0)
    report.page_format = _choice(
        obj, "page_format", f"{field}/page_format", PAGE_FORMATS, default="A4"
    )
    sections: set[str] = set()
    for position, key in enumerate(
        _array(obj, "sections", f"{field}/sections", MAX_REPORT_ITEMS, "parties")
    ):
        if type(key) is not str:
            raise DossierError(
                f"{field}/sections/{position}", "sections : une clé de partie (chaîne) est attendue"
            )
        sections.add(key)
    report.sections = frozenset(sections)
    report.section_pages = _int_map(obj, "section_pages", f"{field}/section_pages")
    documents: list[str] = []
    for position, doc in enumerate(
        _array(
            obj, "english_documents", f"{field}/english_documents", MAX_REPORT_ITEMS, "documents"
        )
    ):
        doc_obj = _object(doc, f"{field}/english_documents/{position}", "english_documents")
        documents.append(
            _choice(doc_obj, "kind", f"{field}/english_documents/{position}/kind", DOCUMENT_KINDS)
        )
    report.english_documents = tuple(documents)
    report.endorsed_by_host = _bool(obj, "endorsed_by_host", f"{field}/endorsed_by_host")
    report.parts = _int_map(obj, "parts", f"{field}/parts")
    return report


def dossier_id(raw: Any) -> str | None:
    """The id to echo, even for a dossier that cannot be judged."""
    if isinstance(raw, Mapping):
        value = raw.get("id")
        if type(value) is str and len(value) <= MAX_ID_LENGTH and printable(value) == value:
            return value
    return None


def parse_dossier(raw: Any, catalogue: Catalogue, today: int) -> Dossier:
    obj = _object(raw, "", "dossier")
    d = Dossier()
    raw_id = _get(obj, "id")
    if raw_id is not _MISSING and type(raw_id) is not str:
        raise DossierError("/id", "id : une chaîne est attendue")
    if type(raw_id) is str:
        if len(raw_id) > MAX_ID_LENGTH:
            raise DossierError(
                "/id", f"id : {_count(len(raw_id))} caractères, au plus {MAX_ID_LENGTH}"
            )
        if printable(raw_id) != raw_id:
            raise DossierError(
                "/id",
                f"id : {_quote(raw_id)} contient un caractère invalide (demi-paire de substitution UTF-16 isolée)",
            )
    d.id = raw_id if type(raw_id) is str else None

    diploma_id = _get(obj, "diploma")
    if diploma_id is _MISSING:
        raise DossierError(
            "/diploma",
            f"diploma : champ obligatoire manquant (diplômes connus : {', '.join(catalogue.ids())})",
        )
    diploma = catalogue.get(diploma_id) if type(diploma_id) is str else None
    if diploma is None:
        raise DossierError(
            "/diploma",
            f"diploma : {_quote(diploma_id)} n'est pas un diplôme du catalogue (diplômes connus : {', '.join(catalogue.ids())})",
        )
    d.diploma = diploma

    d.pathway = _choice(obj, "pathway", "/pathway", PATHWAYS)
    if d.pathway == "formation-continue":
        situation = _get(obj, "continuing_situation")
        if situation is _MISSING:
            raise DossierError(
                "/continuing_situation",
                "continuing_situation : obligatoire en formation continue (premiere-formation, reconversion ou perfectionnement)",
            )
        d.situation = _choice(obj, "continuing_situation", "/continuing_situation", SITUATIONS)
        d.pathway_key = f"formation-continue/{d.situation}"
    else:
        # Only meaningful with formation-continue; a wrong value is still an error.
        if _get(obj, "continuing_situation") is not _MISSING:
            _choice(obj, "continuing_situation", "/continuing_situation", SITUATIONS)
        d.situation = None
        d.pathway_key = d.pathway

    d.distance = _bool(obj, "distance", "/distance")
    d.session = _int(obj, "session", "/session", minimum=1900)
    if d.session > LAST_YEAR:
        raise DossierError(
            "/session", f"session : {_quote(d.session)} n'est pas une année de session"
        )
    exam_date = _optional_date(obj, "exam_date", "/exam_date", "date de l'examen")
    d.exam_date = exam_date if exam_date is not None else default_exam_date(d.session).toordinal()
    d.training_start = _required_date(
        obj, "training_start", "/training_start", "début de la formation"
    )
    as_of = _optional_date(obj, "as_of", "/as_of", "date d'évaluation du dossier")
    d.as_of = as_of if as_of is not None else today

    d.periods = [
        _period(raw_period, index)
        for index, raw_period in enumerate(
            _array(obj, "periods", "/periods", MAX_PERIODS, "périodes")
        )
    ]
    d.apprenticeship_evidence = _bool(obj, "apprenticeship_evidence", "/apprenticeship_evidence")
    d.work_certificates = [
        _work_certificate(c, i)
        for i, c in enumerate(
            _array(
                obj,
                "work_certificates",
                "/work_certificates",
                MAX_WORK_CERTIFICATES,
                "certificats de travail",
            )
        )
    ]
    d.professional_experience_in_sector = _bool(
        obj, "professional_experience_in_sector", "/professional_experience_in_sector"
    )
    d.derogations = [
        _derogation(g, i)
        for i, g in enumerate(
            _array(obj, "derogations", "/derogations", MAX_DEROGATIONS, "dérogations")
        )
    ]
    raw_report = _get(obj, "report")
    d.report = None if raw_report is _MISSING else _report(raw_report)
    d.evaluation = _bool(obj, "evaluation", "/evaluation")

    raw_repeater = _get(obj, "repeater")
    if raw_repeater is _MISSING:
        d.repeater_previous_session = None
        d.repeater_report = None
        d.repeater_previous_evaluation = False
        d.repeater_contract = None
    else:
        repeater = _object(raw_repeater, "/repeater", "repeater")
        d.repeater_previous_session = _int(
            repeater, "previous_session", "/repeater/previous_session", minimum=1900
        )
        d.repeater_report = _choice(repeater, "report", "/repeater/report", REPEATER_REPORTS)
        d.repeater_previous_evaluation = _bool(
            repeater, "previous_evaluation", "/repeater/previous_evaluation"
        )
        d.repeater_contract = (
            None
            if _get(repeater, "contract") is _MISSING
            else _choice(repeater, "contract", "/repeater/contract", REPEATER_CONTRACTS)
        )
    return d


def scheduled_days(start: int, end: int, work_days: tuple[int, ...]) -> int:
    """Days from `start` to `end` inclusive (ordinals) whose weekday is in `work_days` (0 = Monday)."""
    total = end - start + 1
    full_weeks, rest = divmod(total, 7)
    count = full_weeks * len(work_days)
    if rest:
        first = (start - 1) % 7  # ordinal 1 (0001-01-01) is a Monday
        for offset in range(rest):
            if (first + offset) % 7 in work_days:
                count += 1
    return count
