"""A teacher's corrections of the analyser's figures, applied to an analysis (pure Python).

The analysis stored with a version never changes; a teacher who reads the report and finds a
figure wrong (a section found or missing, page counts, English documents) corrects it with a
reason (`operations.correct_report`). The corrected figures (`ReportReading.figures`) then
replace the analyser's wherever the report is judged or shown:

    {"pages": 14, "annex_pages": 6, "sections": {"conclusion": true},
     "section_pages": {"legal-analysis": 3}, "english": {"technical": 1, "press": 2},
     "checked": true}

A file without readable text (a scan) cannot be measured: until a teacher has checked it, its
unreadable figures are not judged (`unjudged_figures`): never non-conforming on that basis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from milieu.reports.analysis import EnglishDocument, ReportAnalysis


def corrected(analysis: ReportAnalysis, figures: Mapping[str, Any] | None) -> ReportAnalysis:
    """`analysis` with the teacher's figures in place of the analyser's."""
    if not figures:
        return analysis
    changes: dict[str, Any] = {}
    if "pages" in figures:
        changes["pages"] = int(figures["pages"])
    if "annex_pages" in figures:
        changes["annex_pages"] = int(figures["annex_pages"])
    sections = list(analysis.sections)
    starts = dict(analysis.section_starts)
    spans = dict(analysis.section_pages)
    parts = dict(analysis.parts)
    for key, present in dict(figures.get("sections", {})).items():
        if present and key not in sections:
            sections.append(key)
        if not present and key in sections:
            sections.remove(key)
            for table in (starts, spans, parts):
                table.pop(key, None)
    for key, pages in dict(figures.get("section_pages", {})).items():
        if key in sections:
            spans[key] = int(pages)
            if key in analysis.parts or key in parts:
                parts[key] = int(pages)
    changes.update(
        sections=tuple(sections), section_starts=starts, section_pages=spans, parts=parts
    )
    english = figures.get("english")
    if isinstance(english, Mapping):
        documents = [
            EnglishDocument(0, "technical", "(nombre corrigé par un enseignant)")
            for _ in range(int(english.get("technical", 0)))
        ]
        documents += [
            EnglishDocument(0, "press", "(nombre corrigé par un enseignant)")
            for _ in range(int(english.get("press", 0)))
        ]
        changes["english_documents"] = tuple(documents)
    return replace(analysis, **changes)


def needs_check(analysis: ReportAnalysis, figures: Mapping[str, Any] | None) -> bool:
    """A file without readable text that no teacher has checked yet."""
    return not analysis.readable and not (figures or {}).get("checked")


def unjudged_figures(
    analysis: ReportAnalysis, sections: list[str], english: Mapping[str, int] | None
) -> ReportAnalysis:
    """The figures of an unreadable, unchecked file, such that nothing unreadable is judged:
    every expected section counted as present (the teacher will say), no page count, the
    expected English documents. Only what the file itself says (page format, dates, visa) is
    judged."""
    documents = [
        EnglishDocument(0, "technical") for _ in range((english or {}).get("technical", 0))
    ]
    documents += [EnglishDocument(0, "press") for _ in range((english or {}).get("press", 0))]
    return replace(
        analysis,
        pages=0,
        annex_pages=0,
        sections=tuple(sections),
        section_starts={},
        section_pages={},
        parts={},
        english_documents=tuple(documents),
    )
