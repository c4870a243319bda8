from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

import pytest


class _VerdictTexts(HTMLParser):
    """Collects the text of every ``<pre data-verdict-json>``, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre" and any(name == "data-verdict-json" for name, _ in attrs):
            self._inside = True
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.texts[-1] += data


def verdict_texts(html: str) -> list[str]:
    parser = _VerdictTexts()
    parser.feed(html)
    parser.close()
    return parser.texts


@pytest.fixture
def read_verdicts() -> Callable[[str], list[str]]:
    """The canonical verdict texts shown on a page, in order."""
    return verdict_texts
