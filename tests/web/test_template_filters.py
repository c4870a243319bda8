from __future__ import annotations

import pytest

from milieu.templatetags.milieu_tags import severity_label, weeks


@pytest.mark.parametrize(
    ("value", "shown"), [(7.0, "7"), (3.6, "3,6"), (12, "12"), (0.25, "0,25"), (None, "")]
)
def test_weeks_are_written_the_french_way(value: float | None, shown: str) -> None:
    assert weeks(value) == shown


def test_severity_labels_are_french_and_unknown_ones_kept() -> None:
    assert severity_label("blocking") == "Bloquant"
    assert severity_label("surprise") == "surprise"
