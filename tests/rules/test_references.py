"""Readable references (issue 13 §10): every paragraph the catalogue cites is found in its seed
and quoted; every finding code has a French label; a ref reads as « Annexe …, §… »."""

from __future__ import annotations

from pathlib import Path

import pytest

from milieu.rules import get_catalogue
from milieu.rules.references import (
    FINDING_LABELS,
    SEEDS_DIR,
    cited_paragraphs,
    finding_label,
    paragraph_key,
    paragraph_text,
    read_reference,
)

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "spec" / "dossier.md"


@pytest.mark.parametrize("diploma_id", get_catalogue().ids())
def test_every_cited_paragraph_is_quoted_from_its_seed(diploma_id: str) -> None:
    diploma = get_catalogue().diplomas[diploma_id]
    cited = {rule.paragraph for rule in diploma.rules}
    quoted = dict(cited_paragraphs(diploma_id))
    assert cited <= set(quoted), cited - set(quoted)
    for paragraph, text in quoted.items():
        key = paragraph_key(paragraph)
        if key != ("préambule",):
            # the quote starts at the paragraph's own heading (« 2.1.3. », « B. - », « a) »…)
            dotted = ".".join(part for part in key if not part.isalpha() or len(key) == 1)
            first = text.lstrip()
            assert first.startswith(dotted) or first.startswith(key[-1]), (paragraph, first[:40])


def test_a_paragraph_stops_at_the_next_heading_of_its_level() -> None:
    seed = "003_f06874f93b6cc55f.txt"
    report = paragraph_text(seed, "§2.1.3")
    assert report.startswith("2.1.3. Rapport d’activité en entreprise")
    assert "2.1.4." not in report
    whole = paragraph_text(seed, "§2.1")
    assert "2.1.3. Rapport" in whole and "2.1.4. Documents" in whole
    assert "2.2 Voie" not in whole


def test_lettered_paragraphs_nest_numbers_and_letters() -> None:
    text = paragraph_text("002_2503cf1c29000fec.txt", "§B.3.b")
    assert text.startswith("b. Candidats en situation de perfectionnement")
    assert "4. Candidats en formation" not in text
    assert paragraph_text("004_5ec5dbab818e0c18.txt", "§3.a").startswith("a) candidat")


def test_unknown_seed_or_paragraph_gives_nothing() -> None:
    assert paragraph_text("../../etc/passwd", "§1") == ""
    assert paragraph_text("003_f06874f93b6cc55f.txt", "§9.9") == ""


def test_the_seeds_shipped_are_the_ones_the_catalogue_cites() -> None:
    for diploma in get_catalogue().diplomas.values():
        assert (SEEDS_DIR / diploma.seed).is_file()


def test_a_reference_reads_as_the_annex_and_paragraph() -> None:
    found = read_reference("003_f06874f93b6cc55f.txt §3")
    assert found is not None
    assert (found.diploma_id, found.label) == ("bts-ciel", "Annexe BTS CIEL, §3")
    assert read_reference("inconnu.txt §3") is None
    assert read_reference("") is None


@pytest.mark.skipif(not CONTRACT.is_file(), reason="shared/spec/dossier.md is not beside the repo")
def test_every_code_of_the_contract_has_a_french_label() -> None:
    import re

    codes = set(re.findall(r"\| `([A-Z_]{6,})` \|", CONTRACT.read_text(encoding="utf-8")))
    codes |= set(re.findall(r"`([A-Z]+(?:_[A-Z]+)+)`", CONTRACT.read_text(encoding="utf-8")))
    codes = {code for code in codes if code.count("_") >= 1 and code.isupper()}
    assert codes, "no code read from the contract"
    assert codes <= set(FINDING_LABELS), sorted(codes - set(FINDING_LABELS))
    assert finding_label("DURATION_BELOW_MINIMUM") == "Durée de stage insuffisante"
