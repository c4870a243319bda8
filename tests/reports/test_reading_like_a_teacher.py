"""The analyser reads reports written the way students write them (issue 12).

The reports are .docx files made by the fixtures builder (`tests/reports/fixtures/`) and
converted to PDF by LibreOffice; their true figures come from their construction. Each kind of
misreading seen (items 1–7) has its own test, and the whole set is read as the truth says.
"""

from __future__ import annotations

from typing import Any

import pytest

from milieu.reports.analysis import (
    ReportAnalysis,
    analyse_report,
    as_contract_report,
    report_profile,
)
from milieu.rules import evaluate
from tests.reports.fixtures.builder import Built, Heading, Para, Report, sheet
from tests.reports.fixtures.compare import differences
from tests.reports.fixtures.reports import extra_reports, reports
from tests.rules.builders import dossier

NAMES = [report.name for report in reports()]
"""The twenty reports of issue 12's list."""
EXTRA = [report.name for report in extra_reports()]
"""More reports made the same way (running headers, « Titre : », no title page…)."""


_READ: dict[str, ReportAnalysis] = {}


def read(built: Built) -> ReportAnalysis:
    """The analyser's reading of a built report (once per test session: it is pure)."""
    report = built.report
    if report.name not in _READ:
        profile = report_profile(report.diploma, pathway_key=report.pathway)
        _READ[report.name] = analyse_report(built.pdf, diploma_id=report.diploma, profile=profile)
    return _READ[report.name]


def test_the_builder_makes_twenty_reports_of_every_kind(student_reports: dict[str, Any]) -> None:
    kinds = {student_reports[name].report.kind.split("-")[0] for name in NAMES}
    assert len(NAMES) >= 20
    assert {"1", "2", "3", "4", "5", "6", "7"} <= kinds
    assert {student_reports[name].report.bookmarks for name in NAMES} == {True, False}
    assert {student_reports[name].report.style for name in NAMES} >= {"word", "bold"}
    for name in NAMES:
        built = student_reports[name]
        assert built.pdf.startswith(b"%PDF-")


def test_the_truth_is_counted_from_the_construction() -> None:
    # hand-checked: cover, a 2-page section, a section sharing its last page with the next
    # heading, annexes of 2 pages
    report = Report(
        "tiny",
        "bts-ciel",
        (
            sheet(Para("Rapport", repeat=1)),
            sheet(Heading("Présentation", section="presentation"), Para()),
            sheet(Para()),
            sheet(Heading("Activités", section="activities"), Para()),
            sheet(Para(), Heading("Conclusion", section="conclusion"), Para()),
            sheet(Heading("Annexes", annex=True), Para()),
            sheet(Heading("Datasheet", 2, english="technical"), Para()),
        ),
        count_english=True,
    )
    truth = report.truth()
    assert (truth.total_pages, truth.pages, truth.annex_pages, truth.annex_start) == (7, 5, 2, 6)
    assert truth.sections == {
        "presentation": (2, 2),
        "activities": (4, 2),
        "conclusion": (5, 1),
    }
    assert truth.english_documents == ("technical",)


@pytest.mark.parametrize("name", NAMES + EXTRA)
def test_each_report_is_read_as_the_truth_says(student_reports: dict[str, Any], name: str) -> None:
    built = student_reports[name]
    assert differences(read(built), built.truth) == []


def test_at_least_19_of_20_reports_are_read_as_the_truth_says(
    student_reports: dict[str, Any],
) -> None:
    wrong = {}
    for name in NAMES:
        found = differences(read(student_reports[name]), student_reports[name].truth)
        if found:
            wrong[name] = found
    assert len(NAMES) - len(wrong) >= 19, wrong
    extra = [n for n in EXTRA if differences(read(student_reports[n]), student_reports[n].truth)]
    assert len(extra) * 20 <= len(EXTRA), extra


# --- one test per kind of misreading (issue 12, items 1–7) ------------------------------------


def test_1_headings_phrased_differently_are_found_by_their_meaning(
    student_reports: dict[str, Any],
) -> None:
    synonyms = read(student_reports["mm-synonyms"])
    assert synonyms.section_titles == {
        "presentation": "I – L'entreprise d'accueil",
        "legal-analysis": "II – Analyse de l'environnement juridique",
        "activities": "III – Les missions confiées",
        "qsse-example": "IV – La démarche qualité, sécurité, environnement",
        "conclusion": "V – Bilan du stage",
        "english-summary": "VI – English summary",
    }
    assert synonyms.headings_source == "text"
    other = read(student_reports["mm-other-words-bold"])
    assert other.section_titles["english-summary"] == "F) Abstract"
    assert other.section_titles["presentation"] == "A) Présentation de la société"
    capitals = read(student_reports["mm-capitals"])
    assert capitals.section_starts["qsse-example"] == 12
    assert capitals.section_pages["qsse-example"] == 3
    # a sub-heading « Conclusion partielle … » is not the report's conclusion
    missing = read(student_reports["mm-missing-conclusion"])
    assert "conclusion" not in missing.sections
    assert len(missing.sections) == 5


def test_2_body_text_and_title_page_lines_are_not_headings(
    student_reports: dict[str, Any],
) -> None:
    analysis = read(student_reports["mm-wrapped-lines"])
    # « annexes. » ends a wrapped paragraph line on page 3: the annexes start at page 16
    assert (analysis.annex_start, analysis.pages, analysis.annex_pages) == (16, 15, 4)
    # the title page line « Présentation de l'entreprise Mesurex … » is not the section
    assert analysis.section_starts["presentation"] == 2
    # « conclusion, le service a validé … » (page 3) is not the conclusion
    assert analysis.section_starts["conclusion"] == 14
    assert analysis.section_pages["legal-analysis"] == 3
    cover = read(student_reports["ciel-cover-line"])
    assert cover.section_starts["conclusion"] == 12
    assert cover.section_titles["conclusion"] == "III. Conclusion"


def test_3_a_table_of_contents_without_dot_leaders_is_not_read_as_headings(
    student_reports: dict[str, Any],
) -> None:
    for name in ("mm-toc-no-leaders", "mm-toc-no-leaders-bold", "ciel-bold-toc"):
        analysis = read(student_reports[name])
        assert 2 not in analysis.section_starts.values(), name
        assert analysis.headings_source == "text"
    analysis = read(student_reports["mm-toc-no-leaders"])
    assert analysis.section_starts == {
        "presentation": 3,
        "legal-analysis": 5,
        "activities": 8,
        "qsse-example": 13,
        "conclusion": 15,
        "english-summary": 16,
    }


def test_4_a_scanned_report_is_not_read_as_empty(student_reports: dict[str, Any]) -> None:
    analysis = read(student_reports["mm-scanned"])
    assert analysis.readable is False
    assert analysis.text_pages == 0
    assert analysis.total_pages == 14
    assert analysis.sections == ()
    again = ReportAnalysis.from_json(analysis.as_json())
    assert again.readable is False


def test_5_an_english_document_of_two_pages_is_one_document(
    student_reports: dict[str, Any],
) -> None:
    analysis = read(student_reports["ciel-two-page-document"])
    assert [(d.page, d.pages, d.kind) for d in analysis.english_documents] == [
        (13, 2, "technical"),
        (15, 1, "press"),
        (16, 1, "press"),
    ]
    assert analysis.english_documents[0].title == "Sensor datasheet"
    plain = read(student_reports["ciel-two-page-press-no-bookmarks"])
    assert [(d.page, d.pages) for d in plain.english_documents] == [(13, 1), (14, 2), (16, 2)]


def test_6_jewellery_limits_and_layouts(student_reports: dict[str, Any]) -> None:
    school = read(student_reports["bijou-school-bold"])
    # 24 pages before the annexes, of which the project part (004 §1) is 14
    assert (school.pages, school.pages_start) == (14, 12)
    assert school.pages_title == "Seconde partie – Projet de réalisation : une broche"
    assert school.page_format == "A3"
    experience = read(student_reports["bijou-experience-bookmarks"])
    # « Étude des coûts de réalisation » inside the case study does not cut it: the school
    # layout's sections are not looked for in this dossier
    assert experience.parts == {"activity-report": 9, "case-study": 7}
    assert "costs" not in experience.sections
    assert experience.pages_start is None


def test_6_the_jewellery_school_dossier_is_judged_on_its_project_part(
    student_reports: dict[str, Any],
) -> None:
    analysis = read(student_reports["bijou-school-bold"])
    report = as_contract_report(
        analysis, submitted_on="2028-03-30", deadline="2028-04-07", endorsed_by_host=False
    )
    verdict = evaluate(dossier("bma-bijou", report=report))
    codes = {f["code"] for f in verdict["findings"]}
    # 24 pages before the annexes, but a project part of 14 pages: within the 15 pages of §1
    assert "REPORT_TOO_LONG" not in codes
    assert "REPORT_SECTION_MISSING" not in codes


def test_7_annexes_start_at_their_heading_not_at_a_sentence(
    student_reports: dict[str, Any],
) -> None:
    analysis = read(student_reports["mm-annex-sentence"])
    assert analysis.annex_start == 16
    assert analysis.annex_title == "Annexe 1 : certificats"
    assert analysis.pages == 15


def test_a_hundred_page_report_with_annexes_is_analysed(student_reports: dict[str, Any]) -> None:
    built = student_reports["mm-hundred-pages"]
    analysis = read(built)
    assert analysis.total_pages == 100
    assert differences(analysis, built.truth) == []
