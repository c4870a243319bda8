"""Read one dossier (contract v1.1) into plain, checked values, or say in French what is wrong.

Dates become proleptic ordinals (ints) so that the engine counts days with integer arithmetic.
Unknown fields are ignored; a wrong type or value raises `DossierError` with a JSON pointer.
A JSON ``null`` on an optional field means the field is absent.

The values read are in `milieu.rules.records` (re-exported here, the path the rest of Milieu
uses); the typed field readers and the error in `milieu.rules.fields`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from milieu.rules.calendar import DEFAULT_WORK_DAY_NUMBERS, WEEKDAYS, default_exam_date
from milieu.rules.catalogue import Catalogue
from milieu.rules.fields import (
    DATE_CACHE,
    FIRST_DAY,
    FIRST_YEAR,
    LAST_DAY,
    LAST_YEAR,
    MAX_REPORT_ITEMS,
    MISSING,
    DossierError,
    count_text,
    optional_date,
    printable,
    quote,
    read_array,
    read_bool,
    read_choice,
    read_int,
    read_int_map,
    read_object,
    required_date,
    value_of,
)
from milieu.rules.records import (
    WEEKDAY_INDEX,
    Derogation,
    Dossier,
    Period,
    Report,
    WorkCertificate,
    scheduled_days,
)

__all__ = [
    "FIRST_DAY",
    "FIRST_YEAR",
    "LAST_DAY",
    "LAST_YEAR",
    "MAX_REPORT_ITEMS",
    "WEEKDAYS",
    "WEEKDAY_INDEX",
    "Derogation",
    "Dossier",
    "DossierError",
    "Period",
    "Report",
    "WorkCertificate",
    "dossier_id",
    "parse_dossier",
    "printable",
    "scheduled_days",
]

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
# (MAX_REPORT_ITEMS, read by the field readers, is in `milieu.rules.fields`.)
MAX_PERIODS = 200
MAX_WORK_CERTIFICATES = 200
MAX_DEROGATIONS = 20
MAX_UNITS = 20  # exam units listed by one derogation
MAX_ID_LENGTH = 200
MAX_DEROGATION_WEEKS = 520  # a reduced duration, in weeks: ten years at most


# --- parts of a dossier --------------------------------------------------------------------


_WEEKDAY_CACHE: dict[tuple[str, ...], tuple[int, ...]] = {}


_PERIOD_FLAGS = ("convention_signed", "certificate", "training_contract", "bilan")


def _period(raw: Any, index: int) -> Period:
    """A period, by the fast path when it is well formed, else by the checking one."""
    if type(raw) is dict:
        raw_start = raw.get("start")
        raw_end = raw.get("end")
        start = DATE_CACHE.get(raw_start) if type(raw_start) is str else None
        end = DATE_CACHE.get(raw_end) if type(raw_end) is str else None
        if start is not None and end is not None and end >= start and "work_days" not in raw:
            absence = raw.get("absence_days", 0)
            flags = [raw.get(name, False) for name in _PERIOD_FLAGS]
            host = raw.get("host")
            kind = raw.get("kind")
            if kind is None:
                kind = "stage"
            fit = raw.get("activities_fit", False)
            raw_signed_on = raw.get("convention_signed_on")
            signed_on = DATE_CACHE.get(raw_signed_on) if type(raw_signed_on) is str else None
            if (
                type(absence) is int
                and absence >= 0
                and all(type(flag) is bool for flag in flags)
                and (host is None or (type(host) is dict and _plain_host(host)))
                and (kind == "stage" or kind == "special-contract")
                and type(fit) is bool
                and (raw_signed_on is None or signed_on is not None)
            ):
                scheduled = scheduled_days(start, end, DEFAULT_WORK_DAY_NUMBERS)
                if absence <= scheduled:
                    return Period(
                        start,
                        end,
                        absence,
                        DEFAULT_WORK_DAY_NUMBERS,
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
    obj = read_object(raw, field, f"période {index + 1}")
    start = required_date(obj, "start", f"{field}/start", f"période {index + 1}, début")
    end = required_date(obj, "end", f"{field}/end", f"période {index + 1}, fin")
    if end < start:
        raise DossierError(
            f"{field}/end",
            f"période {index + 1} : la fin ({date.fromordinal(end).isoformat()}) précède le début ({date.fromordinal(start).isoformat()})",
        )
    raw_days = value_of(obj, "work_days")
    work_days: tuple[int, ...]
    if raw_days is MISSING:
        work_days = DEFAULT_WORK_DAY_NUMBERS
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
                        f"work_days : {quote(day)} n'est pas un jour (mon, tue, wed, thu, fri, sat, sun)",
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
    absence = read_int(obj, "absence_days", f"{field}/absence_days", default=0)
    if absence > scheduled:
        raise DossierError(
            f"{field}/absence_days",
            f"période {index + 1} : {quote(absence)} jours d'absence pour {scheduled} jours prévus",
        )
    host_name: str | None = None
    country = "FR"
    host = value_of(obj, "host")
    if host is not MISSING:
        host_obj = read_object(host, f"{field}/host", "host")
        name = value_of(host_obj, "name")
        if name is not MISSING:
            if type(name) is not str:
                raise DossierError(f"{field}/host/name", "host.name : une chaîne est attendue")
            host_name = name
        raw_country = value_of(host_obj, "country")
        if raw_country is not MISSING:
            if (
                type(raw_country) is not str
                or len(raw_country) != 2
                or not raw_country.isalpha()
                or not raw_country.isupper()
            ):
                raise DossierError(
                    f"{field}/host/country",
                    f"host.country : {quote(raw_country)} n'est pas un code pays ISO 3166 à deux lettres majuscules",
                )
            country = raw_country
    return Period(
        start,
        end,
        absence,
        work_days,
        scheduled,
        read_bool(obj, "convention_signed", f"{field}/convention_signed"),
        read_bool(obj, "certificate", f"{field}/certificate"),
        read_bool(obj, "training_contract", f"{field}/training_contract"),
        read_bool(obj, "bilan", f"{field}/bilan"),
        host_name,
        country,
        index,
        read_choice(obj, "kind", f"{field}/kind", PERIOD_KINDS, default="stage"),
        read_bool(obj, "activities_fit", f"{field}/activities_fit"),
        optional_date(
            obj,
            "convention_signed_on",
            f"{field}/convention_signed_on",
            f"période {index + 1}, date de signature de la convention",
        ),
    )


def _work_certificate(raw: Any, index: int) -> WorkCertificate:
    field = f"/work_certificates/{index}"
    obj = read_object(raw, field, f"certificat de travail {index + 1}")
    start = required_date(
        obj, "start", f"{field}/start", f"certificat de travail {index + 1}, début"
    )
    end = required_date(obj, "end", f"{field}/end", f"certificat de travail {index + 1}, fin")
    if end < start:
        raise DossierError(
            f"{field}/end", f"certificat de travail {index + 1} : la fin précède le début"
        )
    return WorkCertificate(
        start,
        end,
        read_bool(obj, "full_time", f"{field}/full_time"),
        read_bool(obj, "in_sector", f"{field}/in_sector"),
    )


def _derogation(raw: Any, index: int) -> Derogation:
    field = f"/derogations/{index}"
    obj = read_object(raw, field, f"dérogation {index + 1}")
    kind = read_choice(obj, "kind", f"{field}/kind", DEROGATION_KINDS)
    reason = read_choice(obj, "reason", f"{field}/reason", DEROGATION_REASONS)
    decided_by = read_choice(obj, "decided_by", f"{field}/decided_by", DECIDERS)
    weeks_raw = value_of(obj, "weeks")
    weeks: float | None = None
    if weeks_raw is not MISSING:
        if (
            type(weeks_raw) not in (int, float)
            or not 0 <= weeks_raw <= MAX_DEROGATION_WEEKS
            or weeks_raw != weeks_raw
        ):
            raise DossierError(
                f"{field}/weeks",
                f"weeks : {quote(weeks_raw)} n'est pas un nombre de semaines "
                f"entre 0 et {MAX_DEROGATION_WEEKS}",
            )
        weeks = weeks_raw
    elif kind == "reduction":
        raise DossierError(
            f"{field}/weeks", "weeks : une réduction doit donner la durée réduite en semaines"
        )
    units: list[str] = []
    for position, unit in enumerate(
        read_array(obj, "units", f"{field}/units", MAX_UNITS, "unités")
    ):
        if type(unit) is not str or not unit.strip():
            raise DossierError(
                f"{field}/units/{position}",
                f"units : {quote(unit)} n'est pas un nom d'unité (ex. « U4 »)",
            )
        units.append("".join(unit.split()).upper())
    return Derogation(index, kind, reason, decided_by, weeks, tuple(units))


def _report(raw: Any) -> Report:
    field = "/report"
    obj = read_object(raw, field, "report")
    report = Report()
    report.submitted_on = optional_date(
        obj, "submitted_on", f"{field}/submitted_on", "date de dépôt"
    )
    report.deadline = optional_date(obj, "deadline", f"{field}/deadline", "date limite")
    report.pages = read_int(obj, "pages", f"{field}/pages", default=0)
    report.annex_pages = read_int(obj, "annex_pages", f"{field}/annex_pages", default=0)
    report.page_format = read_choice(
        obj, "page_format", f"{field}/page_format", PAGE_FORMATS, default="A4"
    )
    sections: set[str] = set()
    for position, key in enumerate(
        read_array(obj, "sections", f"{field}/sections", MAX_REPORT_ITEMS, "parties")
    ):
        if type(key) is not str:
            raise DossierError(
                f"{field}/sections/{position}", "sections : une clé de partie (chaîne) est attendue"
            )
        sections.add(key)
    report.sections = frozenset(sections)
    report.section_pages = read_int_map(obj, "section_pages", f"{field}/section_pages")
    documents: list[str] = []
    for position, doc in enumerate(
        read_array(
            obj, "english_documents", f"{field}/english_documents", MAX_REPORT_ITEMS, "documents"
        )
    ):
        doc_obj = read_object(doc, f"{field}/english_documents/{position}", "english_documents")
        documents.append(
            read_choice(
                doc_obj, "kind", f"{field}/english_documents/{position}/kind", DOCUMENT_KINDS
            )
        )
    report.english_documents = tuple(documents)
    report.endorsed_by_host = read_bool(obj, "endorsed_by_host", f"{field}/endorsed_by_host")
    report.parts = read_int_map(obj, "parts", f"{field}/parts")
    return report


def dossier_id(raw: Any) -> str | None:
    """The id to echo, even for a dossier that cannot be judged."""
    if isinstance(raw, Mapping):
        value = raw.get("id")
        if type(value) is str and len(value) <= MAX_ID_LENGTH and printable(value) == value:
            return value
    return None


def parse_dossier(raw: Any, catalogue: Catalogue, today: int) -> Dossier:
    obj = read_object(raw, "", "dossier")
    d = Dossier()
    raw_id = value_of(obj, "id")
    if raw_id is not MISSING and type(raw_id) is not str:
        raise DossierError("/id", "id : une chaîne est attendue")
    if type(raw_id) is str:
        if len(raw_id) > MAX_ID_LENGTH:
            raise DossierError(
                "/id", f"id : {count_text(len(raw_id))} caractères, au plus {MAX_ID_LENGTH}"
            )
        if printable(raw_id) != raw_id:
            raise DossierError(
                "/id",
                f"id : {quote(raw_id)} contient un caractère invalide (demi-paire de substitution UTF-16 isolée)",
            )
    d.id = raw_id if type(raw_id) is str else None

    diploma_id = value_of(obj, "diploma")
    if diploma_id is MISSING:
        raise DossierError(
            "/diploma",
            f"diploma : champ obligatoire manquant (diplômes connus : {', '.join(catalogue.ids())})",
        )
    diploma = catalogue.get(diploma_id) if type(diploma_id) is str else None
    if diploma is None:
        raise DossierError(
            "/diploma",
            f"diploma : {quote(diploma_id)} n'est pas un diplôme du catalogue (diplômes connus : {', '.join(catalogue.ids())})",
        )
    d.diploma = diploma

    d.pathway = read_choice(obj, "pathway", "/pathway", PATHWAYS)
    if d.pathway == "formation-continue":
        situation = value_of(obj, "continuing_situation")
        if situation is MISSING:
            raise DossierError(
                "/continuing_situation",
                "continuing_situation : obligatoire en formation continue (premiere-formation, reconversion ou perfectionnement)",
            )
        d.situation = read_choice(obj, "continuing_situation", "/continuing_situation", SITUATIONS)
        d.pathway_key = f"formation-continue/{d.situation}"
    else:
        # Only meaningful with formation-continue; a wrong value is still an error.
        if value_of(obj, "continuing_situation") is not MISSING:
            read_choice(obj, "continuing_situation", "/continuing_situation", SITUATIONS)
        d.situation = None
        d.pathway_key = d.pathway

    d.distance = read_bool(obj, "distance", "/distance")
    d.session = read_int(obj, "session", "/session", minimum=1900)
    if d.session > LAST_YEAR:
        raise DossierError(
            "/session", f"session : {quote(d.session)} n'est pas une année de session"
        )
    exam_date = optional_date(obj, "exam_date", "/exam_date", "date de l'examen")
    d.exam_date = exam_date if exam_date is not None else default_exam_date(d.session).toordinal()
    d.training_start = required_date(
        obj, "training_start", "/training_start", "début de la formation"
    )
    as_of = optional_date(obj, "as_of", "/as_of", "date d'évaluation du dossier")
    d.as_of = as_of if as_of is not None else today

    d.periods = [
        _period(raw_period, index)
        for index, raw_period in enumerate(
            read_array(obj, "periods", "/periods", MAX_PERIODS, "périodes")
        )
    ]
    d.apprenticeship_evidence = read_bool(
        obj, "apprenticeship_evidence", "/apprenticeship_evidence"
    )
    d.work_certificates = [
        _work_certificate(c, i)
        for i, c in enumerate(
            read_array(
                obj,
                "work_certificates",
                "/work_certificates",
                MAX_WORK_CERTIFICATES,
                "certificats de travail",
            )
        )
    ]
    d.professional_experience_in_sector = read_bool(
        obj, "professional_experience_in_sector", "/professional_experience_in_sector"
    )
    d.derogations = [
        _derogation(g, i)
        for i, g in enumerate(
            read_array(obj, "derogations", "/derogations", MAX_DEROGATIONS, "dérogations")
        )
    ]
    raw_report = value_of(obj, "report")
    d.report = None if raw_report is MISSING else _report(raw_report)
    d.evaluation = read_bool(obj, "evaluation", "/evaluation")

    raw_repeater = value_of(obj, "repeater")
    if raw_repeater is MISSING:
        d.repeater_previous_session = None
        d.repeater_report = None
        d.repeater_previous_evaluation = False
        d.repeater_contract = None
    else:
        repeater = read_object(raw_repeater, "/repeater", "repeater")
        d.repeater_previous_session = read_int(
            repeater, "previous_session", "/repeater/previous_session", minimum=1900
        )
        d.repeater_report = read_choice(repeater, "report", "/repeater/report", REPEATER_REPORTS)
        d.repeater_previous_evaluation = read_bool(
            repeater, "previous_evaluation", "/repeater/previous_evaluation"
        )
        d.repeater_contract = (
            None
            if value_of(repeater, "contract") is MISSING
            else read_choice(repeater, "contract", "/repeater/contract", REPEATER_CONTRACTS)
        )
    return d
