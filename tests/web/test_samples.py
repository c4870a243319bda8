"""The sample dossiers offered on the checker page."""

from __future__ import annotations

import json

from milieu.checker.samples import SAMPLES_DIR, TITLES, all_samples
from milieu.rules import evaluate, get_catalogue


def test_every_sample_file_has_a_title_and_every_title_a_file() -> None:
    assert {path.stem for path in SAMPLES_DIR.glob("*.json")} == set(TITLES)


def test_samples_cover_every_diploma_of_the_catalogue() -> None:
    assert {sample.diploma for sample in all_samples()} >= set(get_catalogue().diplomas)


def test_samples_are_judged_on_a_fixed_day_and_named_after_their_file() -> None:
    for sample in all_samples():
        dossier = json.loads(sample.text)
        assert "as_of" in dossier, sample.slug
        assert dossier["id"] == sample.slug


def test_samples_show_each_status_and_an_error() -> None:
    outcomes = {evaluate(sample.dossier).get("status", "error") for sample in all_samples()}

    assert outcomes == {"compliant", "non-compliant", "pending", "error"}
