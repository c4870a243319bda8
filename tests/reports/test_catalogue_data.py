"""What a report is made of is catalogue data (`[report_sections.*]`, `report_parts`,
`report_english_documents`), read by the analyser and by the pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from milieu.reports import ReportAnalysis, analyse_report, report_profile
from milieu.reports.conformity import expectation
from milieu.rules import CatalogueError, get_catalogue, load_catalogue
from milieu.rules.catalogue import CATALOGUE_DIR
from tests.reports.pdfs import ENGLISH_PRESS, Page, make_pdf, mm_pages


def test_each_diploma_with_report_rules_describes_its_sections() -> None:
    catalogue = get_catalogue()
    for diploma_id in catalogue.ids():
        diploma = catalogue.diplomas[diploma_id]
        named: set[str] = set()
        for rule in diploma.rules:
            named |= set(rule.params.get("sections", ()))
            named |= {rule.params["section"]} if "section" in rule.params else set()
            named |= set(rule.params.get("max_parts", {}))
        deposit = any(rule.kind == "report-deposit" for rule in diploma.rules)
        profile = report_profile(diploma_id)
        assert (profile is not None) == deposit, diploma_id
        if profile is None:
            assert not named, diploma_id
            continue
        keys = {s.key for s in profile.sections}
        assert named <= keys, (diploma_id, named - keys)
        assert set(profile.parts) <= keys
        for section in profile.sections:
            assert section.title and section.keywords, (diploma_id, section.key)


def test_profiles_read_from_the_catalogue() -> None:
    mm = report_profile("bts-metiers-de-la-mesure")
    assert mm is not None
    assert [s.key for s in mm.sections] == [
        "presentation",
        "legal-analysis",
        "activities",
        "conclusion",
        "english-summary",
        "qsse-example",
    ]
    assert mm.title("qsse-example") == "Exemple analysé de démarche QSSE"
    assert mm.parts == () and mm.english_documents is False
    ciel = report_profile("bts-ciel")
    assert ciel is not None and ciel.english_documents is True
    bijou = report_profile("bma-bijou")
    assert bijou is not None and bijou.parts == ("activity-report", "case-study")
    assert report_profile("bep-mpmi") is None and report_profile("bts-ccst") is None
    assert report_profile("cap-inconnu") is None


@pytest.mark.parametrize(
    ("diploma", "pathway", "expected", "visa", "sections"),
    [
        ("bts-metiers-de-la-mesure", "scolaire", True, True, 6),
        ("bts-metiers-de-la-mesure", "apprentissage", True, True, 6),
        # issue 11: no host structure, no visa
        ("bts-metiers-de-la-mesure", "experience-professionnelle", True, False, 6),
        ("bts-metiers-de-la-mesure", "formation-continue/perfectionnement", True, False, 6),
        ("bts-ciel", "apprentissage", True, False, 3),
        ("bma-bijou", "scolaire", True, False, 6),
        ("bma-bijou", "formation-continue/perfectionnement", True, False, 2),
        ("bep-mpmi", "scolaire", False, False, 0),
        ("bts-ccst", "scolaire", False, False, 0),
    ],
)
def test_what_each_pathway_expects_comes_from_its_rules(
    diploma: str, pathway: str, expected: bool, visa: bool, sections: int
) -> None:
    expect = expectation(diploma, pathway)
    assert expect.expected is expected
    assert expect.endorsement_required is visa
    assert len(expect.required_sections()) == sections


def _fictional(tmp_path: Path, old: str, new: str) -> Path:
    text = (CATALOGUE_DIR / "bts-ciel.toml").read_text(encoding="utf-8")
    text = text.replace('id = "bts-ciel"', 'id = "bts-fictif"')
    assert old in text
    (tmp_path / "bts-fictif.toml").write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path


def test_new_keywords_in_the_data_change_what_the_analyser_finds(tmp_path: Path) -> None:
    catalogue = load_catalogue(
        [_fictional(tmp_path, 'keywords = ["conclusion"]', 'keywords = ["ce que je retiens"]')]
    )
    profile = report_profile("bts-fictif", catalogue)
    assert profile is not None
    pdf = make_pdf([Page("Présentation de l'entreprise"), Page("Ce que je retiens")])
    analysis = analyse_report(pdf, diploma_id="bts-fictif", profile=profile)
    assert analysis.sections == ("presentation", "conclusion")
    assert analyse_report(pdf, diploma_id="bts-ciel").sections == ("presentation",)


def test_english_documents_are_counted_only_where_the_data_says_so(tmp_path: Path) -> None:
    catalogue = load_catalogue(
        [
            _fictional(
                tmp_path, "report_english_documents = true", "report_english_documents = false"
            )
        ]
    )
    pdf = make_pdf([Page("Conclusion"), Page("Annexes"), Page("Annexe 1", ENGLISH_PRESS)])
    without = analyse_report(
        pdf, diploma_id="bts-fictif", profile=report_profile("bts-fictif", catalogue)
    )
    assert without.english_documents == ()
    assert [d.kind for d in analyse_report(pdf, diploma_id="bts-ciel").english_documents] == [
        "press"
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('title = "Conclusion"', "", "champ obligatoire manquant : title"),
        ('keywords = ["conclusion"]', "keywords = []", "/report_sections/conclusion/keywords"),
        (
            'keywords = ["conclusion"]',
            'keywords = ["conclusion"]\ncolour = "bleu"',
            "champ inconnu",
        ),
        ("report_english_documents = true", 'report_english_documents = "oui"', "type incorrect"),
    ],
)
def test_the_schema_checks_the_report_data(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(CatalogueError, match=message):
        load_catalogue([_fictional(tmp_path, old, new)])


def test_the_analysis_survives_its_json_form() -> None:
    analysis = analyse_report(make_pdf(mm_pages(annexes=2)), diploma_id="bts-metiers-de-la-mesure")
    stored = analysis.as_json()
    import json

    again = ReportAnalysis.from_json(json.loads(json.dumps(stored)))
    assert again == analysis
    assert stored["page_formats"] == {"A4": analysis.total_pages}


def test_synonyms_and_excluding_words_are_data(tmp_path: Path) -> None:
    catalogue = load_catalogue(
        [
            _fictional(
                tmp_path,
                'synonyms = ["bilan du stage", "bilan de stage", "bilan personnel", '
                '"conclusion générale"]\nexcluding = ["partielle", "intermédiaire", '
                '"de la partie", "du chapitre"]',
                'synonyms = ["ce que je retiens"]\nexcluding = ["provisoire"]',
            )
        ]
    )
    profile = report_profile("bts-fictif", catalogue)
    assert profile is not None
    found = make_pdf([Page("Présentation de l'entreprise"), Page("3. Ce que je retiens")])
    analysis = analyse_report(found, diploma_id="bts-fictif", profile=profile)
    assert analysis.sections == ("presentation", "conclusion")
    assert analysis.section_titles["conclusion"] == "3. Ce que je retiens"
    excluded = make_pdf([Page("Présentation de l'entreprise"), Page("Conclusion provisoire")])
    assert analyse_report(excluded, diploma_id="bts-fictif", profile=profile).sections == (
        "presentation",
    )


def test_each_pathway_reads_its_own_layout_of_the_jewellery_dossier() -> None:
    school = report_profile("bma-bijou", pathway_key="scolaire")
    experience = report_profile("bma-bijou", pathway_key="formation-continue/perfectionnement")
    assert school is not None and experience is not None
    assert [s.key for s in school.sections] == [
        "stage-reports",
        "bilans",
        "objectives",
        "contents",
        "steps",
        "costs",
    ]
    assert [s.key for s in experience.sections] == ["activity-report", "case-study"]
    # the 15-page limit is on the school dossier's project part (004 §1)
    assert school.pages_part is not None
    assert school.pages_part.from_sections == ("objectives", "contents", "steps", "costs")
    assert experience.pages_part is None
    assert school.parts == () and experience.parts == ("activity-report", "case-study")
