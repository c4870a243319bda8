"""What a deposited report's page shows: the measures of the analysis beside the catalogue's limits.

Nothing here judges a report: the judgement is the engine's (`milieu.rules.evaluate`). This
module lays out, for one diploma and pathway, which limits the catalogue's rules set (pages,
format, required sections and their lengths, English documents) next to what the analyser
measured, and marks a line as failing only when the engine's REPORT_* findings say so (their
`detail` names the pages, parts or sections in cause). Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from milieu.reports.analysis import ReportAnalysis, ReportProfile, report_profile
from milieu.reports.corrections import corrected, needs_check
from milieu.rules.calendar import default_exam_date
from milieu.rules.catalogue import Diploma, Rule, get_catalogue

REPORT_CODE_LABELS: dict[str, str] = {
    "REPORT_MISSING": "Rapport non déposé",
    "REPORT_LATE": "Déposé en retard",
    "REPORT_TOO_LONG": "Trop long",
    "REPORT_SECTION_MISSING": "Partie absente",
    "REPORT_SECTION_LENGTH": "Longueur d'une partie",
    "REPORT_ENGLISH_DOCUMENTS": "Documents en anglais",
    "REPORT_FORMAT_TOO_LARGE": "Format trop grand",
    "REPORT_NOT_ENDORSED": "Non visé",
}
"""Short French labels of the engine's report codes, for lists and badges."""

FORMAT_LABELS = {"A4": "A4", "A3": "A3", "larger": "plus grand que A3"}
SEVERITY_ORDER = {"blocking": 0, "warning": 1, "info": 2}


def exam_day(session: int) -> date:
    """The contract's default exam date: the deadline when none is set."""
    return default_exam_date(session)


@dataclass(frozen=True)
class Expectation:
    """What the catalogue expects of one student's report."""

    diploma: Diploma | None
    pathway_key: str
    profile: ReportProfile | None
    endorsement_required: bool

    @property
    def expected(self) -> bool:
        return self.profile is not None

    def plan(self, kind: str) -> tuple[Rule, ...]:
        if self.diploma is None:
            return ()
        return tuple(self.diploma.plan(self.pathway_key).get(kind, ()))

    def first(self, kind: str) -> Rule | None:
        rules = self.plan(kind)
        return rules[0] if rules else None

    def required_sections(self) -> list[str]:
        keys: list[str] = []
        for rule in self.plan("report-sections"):
            keys += [k for k in rule.params["sections"] if k not in keys]
        for rule in self.plan("report-section-length"):
            if rule.params["section"] not in keys:
                keys.append(rule.params["section"])
        return keys


def expectation(diploma_id: str, key: str) -> Expectation:
    """A report is expected when the diploma's catalogue file describes one (`report_sections`)
    and a `report-deposit` rule applies to the pathway; the visa when a `report-endorsement`
    rule applies to it."""
    diploma = get_catalogue().get(diploma_id)
    if diploma is None or key not in diploma.plans:
        return Expectation(None, key, None, False)
    firsts = diploma.first_rules(key)
    profile = report_profile(diploma_id, pathway_key=key) if "report-deposit" in firsts else None
    return Expectation(
        diploma=diploma,
        pathway_key=key,
        profile=profile,
        endorsement_required=profile is not None and "report-endorsement" in firsts,
    )


def report_findings(verdict: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The engine's REPORT_* findings of a verdict, most serious first."""
    found = [
        f for f in verdict.get("findings") or [] if str(f.get("code", "")).startswith("REPORT_")
    ]
    return sorted(found, key=lambda f: SEVERITY_ORDER.get(str(f.get("severity")), 9))


def _detail_items(findings: Iterable[Mapping[str, Any]], code: str) -> set[str] | None:
    """The items a finding's `detail` lists (None when the code is absent, {""} when present
    without a list)."""
    for finding in findings:
        if finding.get("code") == code:
            detail = finding.get("detail")
            if isinstance(detail, list):
                return {str(item) for item in detail}
            return {""}
    return None


@dataclass(frozen=True)
class Line:
    """One measure of the report beside its limit."""

    label: str
    value: str
    expected: str = ""
    state: str = ""
    """"ok", "ko" (the engine found it wrong) or "" (nothing to compare, or not judged)."""
    severity: str = ""
    """The catalogue rule's severity when the line is "ko"."""
    source: str = ""
    """Where the figure comes from, in French (« titre “Annexes” page 16 »)."""
    corrected: bool = False
    """A teacher corrected the figure."""


@dataclass(frozen=True)
class SectionLine:
    key: str
    title: str
    found: bool
    start: int | None
    pages: int | None
    expected: str
    state: str
    severity: str
    source: str = ""
    """Where it was found, in French (« section trouvée page 7 : titre “…” »)."""
    corrected: bool = False


@dataclass(frozen=True)
class Conformity:
    lines: list[Line] = field(default_factory=list)
    sections: list[SectionLine] = field(default_factory=list)
    english: Line | None = None
    english_pages: list[tuple[int, str]] = field(default_factory=list)
    english_sources: list[str] = field(default_factory=list)
    """One French line per English document: where it starts, its pages, its title, its kind."""
    readable: bool = True
    needs_check: bool = False
    """No readable text and no teacher's check yet: nothing unreadable is judged."""


def _pages(count: int) -> str:
    return f"{count} page{'s' if count > 1 else ''}"


def _bounds(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"de {low} à {high} pages"
    if high is not None:
        return f"{high} pages au plus"
    if low is not None:
        return f"{low} pages au moins"
    return ""


def _state(judged: bool, failing: bool) -> str:
    if not judged:
        return ""
    return "ko" if failing else "ok"


def _quoted(title: str) -> str:
    return f"“{title}”"


def conformity(
    read: ReportAnalysis,
    expect: Expectation,
    findings: Sequence[Mapping[str, Any]] | None,
    figures: Mapping[str, Any] | None = None,
) -> Conformity:
    """The measures of the analysis `read` beside the limits of the rules that apply to the
    pathway, each with where it comes from; `figures` are a teacher's corrections, which replace
    the analyser's figures (the line then says so).

    `findings` are the engine's REPORT_* findings on a dossier holding this very version (None
    when it was not judged, e.g. an older version): a line is "ko" only when they say so.
    """
    figures = dict(figures or {})
    analysis = corrected(read, figures)
    check = needs_check(read, figures)
    judged = findings is not None and not check
    found = list(findings or [])
    too_long = _detail_items(found, "REPORT_TOO_LONG") or set()
    lines: list[Line] = []

    page_rules = expect.plan("report-pages")
    limits: dict[str, tuple[int, Rule]] = {}
    for page_rule in page_rules:
        for name in ("max_pages", "max_annex_pages", "max_total_pages"):
            if name in page_rule.params and name not in limits:
                limits[name] = (int(page_rule.params[name]), page_rule)

    def paged(label: str, value: int, name: str, item: str, source: str = "") -> Line:
        fixed = name in figures
        shown = _pages(value)
        if fixed:
            source = "corrigé par un enseignant (analyse : " + _pages(getattr(read, name)) + ")"
        elif not read.readable:
            shown = f"non mesurées ({_pages(read.total_pages)} en tout)"
        if name not in limits:
            return Line(label, shown, source=source, corrected=fixed)
        limit, rule = limits[name]
        failing = item in too_long
        return Line(
            label,
            shown,
            f"{limit} pages au plus",
            _state(judged, failing),
            rule.severity if failing else "",
            source,
            fixed,
        )

    if not read.readable:
        annexes = _pages(analysis.annex_pages) if "annex_pages" in figures else "non mesurées"
        body_source = annex_source = "le fichier ne contient pas de texte lisible"
    else:
        annexes = (
            f"{_pages(analysis.annex_pages)} (à partir de la page {analysis.annex_start})"
            if analysis.annex_start is not None
            else "aucune annexe repérée (aucun titre « Annexe(s) »)"
        )
        annex_source = (
            f"annexes trouvées page {read.annex_start} : titre {_quoted(read.annex_title)}"
            if read.annex_start is not None and read.annex_title
            else ""
        )
        if read.pages_start is not None:
            body_source = (
                f"partie comptée à partir de la page {read.pages_start} : titre "
                f"{_quoted(read.pages_title)}, jusqu'aux annexes"
            )
        elif read.annex_start is not None:
            body_source = f"pages 1 à {read.annex_start - 1}, avant le titre des annexes"
        else:
            body_source = "toutes les pages : aucun titre d'annexes"
    body_label = "Pages du rapport (hors annexes)"
    if read.pages_start is not None and expect.profile is not None:
        part = expect.profile.pages_part
        body_label = f"Pages de la partie « {part.title} »" if part else body_label
    lines.append(paged(body_label, analysis.pages, "max_pages", "pages", body_source))
    annex_line = paged(
        "Annexes", analysis.annex_pages, "max_annex_pages", "annex_pages", annex_source
    )
    lines.append(
        Line(
            annex_line.label,
            annexes,
            annex_line.expected,
            annex_line.state,
            annex_line.severity,
            annex_line.source,
            annex_line.corrected,
        )
    )
    if "max_total_pages" in limits:
        lines.append(
            paged(
                "Total, annexes comprises",
                analysis.pages + analysis.annex_pages,
                "max_total_pages",
                "total_pages",
            )
        )

    format_rule = expect.first("report-format")
    formats = ", ".join(
        f"{FORMAT_LABELS.get(name, name)} : {_pages(count)}"
        for name, count in analysis.page_formats.items()
    )
    width, height = analysis.largest_page_mm
    value = f"{FORMAT_LABELS[analysis.page_format]} (plus grande page : {width} × {height} mm"
    value += f" ; {formats})" if formats else ")"
    if format_rule is not None:
        failing = _detail_items(found, "REPORT_FORMAT_TOO_LARGE") is not None
        lines.append(
            Line(
                "Format des pages",
                value,
                f"{format_rule.params['max_format']} au plus",
                _state(judged, failing),
                format_rule.severity if failing else "",
            )
        )
    else:
        lines.append(Line("Format des pages", value))

    missing = _detail_items(found, "REPORT_SECTION_MISSING") or set()
    too_short_or_long = _detail_items(found, "REPORT_SECTION_LENGTH") or set()
    section_rules = {k: r for r in expect.plan("report-sections") for k in r.params["sections"]}
    length_rules = {r.params["section"]: r for r in expect.plan("report-section-length")}
    part_limits: dict[str, tuple[int, Rule]] = {}
    for page_rule in page_rules:
        for key, limit in page_rule.params.get("max_parts", {}).items():
            part_limits.setdefault(key, (int(limit), page_rule))
    profile = expect.profile
    sections: list[SectionLine] = []
    for key in expect.required_sections():
        title = profile.title(key) if profile is not None else key
        is_found = key in analysis.sections
        pages = analysis.section_pages.get(key)
        expected = ""
        rule: Rule | None = None
        if key in length_rules:
            rule = length_rules[key]
            expected = _bounds(rule.params.get("min"), rule.params.get("max"))
        elif key in part_limits:
            limit, rule = part_limits[key]
            expected = _bounds(None, limit)
        if not is_found:
            failing = key in missing
            severity = section_rules[key].severity if failing and key in section_rules else ""
        else:
            failing = key in too_short_or_long or key in too_long
            severity = rule.severity if failing and rule is not None else ""
        fixed_found = key in dict(figures.get("sections", {}))
        fixed_pages = key in dict(figures.get("section_pages", {}))
        if not read.readable and not fixed_found:
            source = "le fichier ne contient pas de texte lisible : à vérifier"
        elif fixed_found or fixed_pages:
            was = (
                f"section trouvée page {read.section_starts[key]}"
                if key in read.sections
                else "section non trouvée"
            )
            source = f"corrigé par un enseignant (analyse : {was})"
        elif is_found and key in read.section_titles:
            source = (
                f"section trouvée page {read.section_starts[key]} : titre "
                f"{_quoted(read.section_titles[key])}"
            )
        elif is_found:
            source = f"section trouvée page {read.section_starts.get(key)}"
        else:
            source = "aucun titre de la section n'a été reconnu"
        sections.append(
            SectionLine(
                key=key,
                title=title,
                found=is_found,
                start=analysis.section_starts.get(key),
                pages=pages,
                expected=expected,
                state=_state(judged, failing),
                severity=severity,
                source=source,
                corrected=fixed_found or fixed_pages,
            )
        )

    english: Line | None = None
    english_pages: list[tuple[int, str]] = []
    english_sources: list[str] = []
    english_rule = expect.first("report-english-documents")
    if english_rule is not None:
        technical = sum(1 for d in analysis.english_documents if d.kind == "technical")
        press = sum(1 for d in analysis.english_documents if d.kind == "press")
        want_t, want_p = english_rule.params["technical"], english_rule.params["press"]
        failing = _detail_items(found, "REPORT_ENGLISH_DOCUMENTS") is not None
        english = Line(
            "Documents en anglais parmi les annexes",
            f"{technical} technique{'s' if technical > 1 else ''}, {press} de presse",
            f"{want_t} technique et {want_p} de presse",
            _state(judged, failing),
            english_rule.severity if failing else "",
        )
        english_pages = [
            (d.page, "technique" if d.kind == "technical" else "presse")
            for d in analysis.english_documents
            if d.page
        ]
        if "english" in figures:
            english_sources = ["nombres corrigés par un enseignant"]
        else:
            english_sources = [
                f"document trouvé page {d.page}"
                + (f" ({d.pages} pages)" if d.pages > 1 else "")
                + (f" : titre {_quoted(d.title)}" if d.title else "")
                + f", {'technique' if d.kind == 'technical' else 'presse'}"
                for d in read.english_documents
            ]
    return Conformity(
        lines=lines,
        sections=sections,
        english=english,
        english_pages=english_pages,
        english_sources=english_sources,
        readable=read.readable,
        needs_check=check,
    )


def report_only_dossier(
    *,
    diploma: str,
    pathway: str,
    continuing_situation: str,
    session: int,
    training_start: date,
    professional_experience_in_sector: bool,
    report: Mapping[str, Any] | None,
    as_of: date,
) -> dict[str, Any]:
    """A dossier holding nothing but the report (no periods, no derogation), for a summary where
    building every student's full dossier would cost queries (the cohort list). The engine's
    report judgement reads only the report, the dates and the pathway, so its REPORT_* findings
    here are those of the full dossier unless a valid dispense there stops the report being
    judged at all; the student's own report page judges the full dossier."""
    dossier: dict[str, Any] = {
        "diploma": diploma,
        "pathway": pathway,
        "session": session,
        "training_start": training_start.isoformat(),
        "as_of": as_of.isoformat(),
        "periods": [],
        "professional_experience_in_sector": professional_experience_in_sector,
        "report": dict(report) if report is not None else None,
    }
    if pathway == "formation-continue":
        dossier["continuing_situation"] = continuing_situation
    return dossier
