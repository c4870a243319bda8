"""The report analyser on real PDF files generated with WeasyPrint."""

from __future__ import annotations

from typing import Any

import pytest

from milieu.reports import analyse_report, as_contract_report
from milieu.rules import evaluate
from tests.reports.pdfs import (
    ENGLISH_PRESS,
    ENGLISH_TECHNICAL,
    Page,
    make_pdf,
    mm_pages,
)
from tests.rules.builders import AS_OF, dossier

MM = "bts-metiers-de-la-mesure"
CIEL = "bts-ciel"
BIJOU = "bma-bijou"


@pytest.fixture(scope="module")
def mm_pdf() -> bytes:
    return make_pdf(mm_pages())


def test_mm_report_pages_annexes_sections_and_spans(mm_pdf: bytes) -> None:
    analysis = analyse_report(mm_pdf, diploma_id=MM)
    assert analysis.total_pages == 19
    assert (analysis.pages, analysis.annex_pages, analysis.annex_start) == (15, 4, 16)
    assert analysis.page_format == "A4"
    assert analysis.largest_page_mm == (210, 297)
    assert analysis.headings_source == "outline"
    assert set(analysis.sections) == {
        "presentation",
        "legal-analysis",
        "activities",
        "conclusion",
        "english-summary",
        "qsse-example",
    }
    assert analysis.section_starts["legal-analysis"] == 4
    # The level-2 heading "2.1" inside the legal analysis does not end it.
    assert analysis.section_pages == {
        "presentation": 2,
        "legal-analysis": 3,
        "activities": 5,
        "qsse-example": 2,
        "conclusion": 1,
        "english-summary": 1,
    }
    assert analysis.language_by_page[15] == "en"
    assert analysis.language_by_page[2] == "fr"
    assert analysis.english_documents == ()  # only for bts-ciel


def test_no_annex_heading_means_all_pages_are_body() -> None:
    analysis = analyse_report(make_pdf(mm_pages(annexes=0)), diploma_id=MM)
    assert (analysis.pages, analysis.annex_pages, analysis.annex_start) == (15, 0, None)


def test_headings_from_text_when_there_is_no_outline_and_toc_is_ignored() -> None:
    pdf = make_pdf(mm_pages(), bookmarks=False, toc=True)
    analysis = analyse_report(pdf, diploma_id=MM)
    assert analysis.headings_source == "text"
    assert analysis.total_pages == 20
    assert (analysis.pages, analysis.annex_pages) == (16, 4)
    assert analysis.section_starts["legal-analysis"] == 5
    assert analysis.section_pages["legal-analysis"] == 3
    assert analysis.section_pages["qsse-example"] == 2


def test_custom_section_keywords() -> None:
    analysis = analyse_report(
        make_pdf(mm_pages()), diploma_id=MM, section_keywords={"metrology": ["description"]}
    )
    assert analysis.sections == ("metrology",)
    assert analysis.section_pages == {"metrology": 5}


def test_ciel_english_documents_by_language_and_keywords() -> None:
    pages = [
        Page("Présentation de l'entreprise"),
        Page("Description des activités"),
        Page(),
        Page("Conclusion"),
        Page("Annexes", "Documents annexés au rapport, fiches et schémas de l'installation. "),
        Page("Annexe 1 : datasheet", ENGLISH_TECHNICAL),
        Page("Annexe 2 : article", ENGLISH_PRESS),
        Page("Annexe 3 : article", ENGLISH_PRESS),
    ]
    analysis = analyse_report(make_pdf(pages), diploma_id=CIEL)
    assert analysis.sections == ("presentation", "activities", "conclusion")
    assert (analysis.pages, analysis.annex_pages) == (4, 4)
    assert [(d.page, d.kind) for d in analysis.english_documents] == [
        (6, "technical"),
        (7, "press"),
        (8, "press"),
    ]
    contract = as_contract_report(
        analysis, submitted_on="2028-03-30", deadline="2028-04-07", endorsed_by_host=True
    )
    assert contract["english_documents"] == [
        {"kind": "technical"},
        {"kind": "press"},
        {"kind": "press"},
    ]
    result = evaluate(dossier(CIEL, report=contract), today=None)
    codes = {f["code"] for f in result["findings"]}
    assert "REPORT_ENGLISH_DOCUMENTS" not in codes
    assert "REPORT_SECTION_MISSING" not in codes


def test_page_formats_a3_and_larger_judged_on_the_largest_page() -> None:
    a3 = make_pdf([Page("Rapports de stage"), Page("Bilans", size="A3")])
    assert analyse_report(a3, diploma_id=BIJOU).page_format == "A3"
    landscape_a4 = make_pdf([Page("Rapports de stage", size="A4 landscape")])
    assert analyse_report(landscape_a4, diploma_id=BIJOU).page_format == "A4"
    larger = make_pdf([Page("Rapports de stage"), Page("Bilans", size="500mm 700mm")])
    analysis = analyse_report(larger, diploma_id=BIJOU)
    assert analysis.page_format == "larger"
    assert analysis.largest_page_mm == (500, 700)


def test_bijou_experience_parts() -> None:
    pages = [Page("Première partie : rapport d'activité")] + [Page()] * 3
    pages += [Page("Seconde partie : étude de cas")] + [Page()] * 1
    analysis = analyse_report(make_pdf(pages), diploma_id=BIJOU)
    assert analysis.parts == {"activity-report": 4, "case-study": 2}


def _codes(report: dict[str, Any]) -> set[str]:
    result = evaluate(dossier(MM, report=report))
    return {f["code"] for f in result["findings"]}


def test_end_to_end_mm_report_judged_by_the_engine(mm_pdf: bytes) -> None:
    good = as_contract_report(
        analyse_report(mm_pdf, diploma_id=MM),
        submitted_on="2028-03-30",
        deadline="2028-04-07",
        endorsed_by_host=True,
    )
    assert good["pages"] == 15 and good["page_format"] == "A4"
    codes = _codes(good)
    assert not {c for c in codes if c.startswith("REPORT_")}, codes
    assert evaluate(dossier(MM, report=good))["status"] == "compliant"

    # One-page legal analysis, five-page QSSE example, 55 body pages.
    bad_pdf = make_pdf(mm_pages(legal=1, qsse=5, activities=44))
    bad = as_contract_report(
        analyse_report(bad_pdf, diploma_id=MM),
        submitted_on="2028-03-30",
        deadline="2028-04-07",
        endorsed_by_host=False,
    )
    assert bad["section_pages"]["legal-analysis"] == 1
    assert bad["section_pages"]["qsse-example"] == 5
    assert bad["pages"] == 55
    result = evaluate(dossier(MM, report=bad))
    codes = {f["code"] for f in result["findings"]}
    assert {"REPORT_SECTION_LENGTH", "REPORT_TOO_LONG", "REPORT_NOT_ENDORSED"} <= codes
    assert result["status"] == "non-compliant"


def test_as_contract_report_accepts_dates(mm_pdf: bytes) -> None:
    from datetime import date

    contract = as_contract_report(
        analyse_report(mm_pdf, diploma_id=MM),
        submitted_on=date(2028, 3, 30),
        deadline=None,
        endorsed_by_host=True,
    )
    assert contract["submitted_on"] == "2028-03-30" and contract["deadline"] is None
    assert AS_OF  # the builders' judging date is after the submission


def test_unknown_diploma_without_keywords_is_a_programming_error(mm_pdf: bytes) -> None:
    with pytest.raises(ValueError):
        analyse_report(mm_pdf, diploma_id="cap-inconnu")
