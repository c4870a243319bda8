"""The values a dossier is read into (contract v1.1, ``shared/spec/dossier.md``): the engine's input.

`milieu.rules.parsing.parse_dossier` builds them from the JSON; the engine only reads them.
Dates are proleptic ordinals (ints) so that the engine counts days with integer arithmetic;
weekdays are numbers (0 = Monday). Slotted classes: a large dossier holds hundreds of periods.

Pure Python, no Django.
"""

from __future__ import annotations

from milieu.rules.calendar import WEEKDAYS
from milieu.rules.catalogue import Diploma

WEEKDAY_INDEX = {name: index for index, name in enumerate(WEEKDAYS)}


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
