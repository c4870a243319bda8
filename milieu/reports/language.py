"""The language of a report's pages (`lingua`, its models in its wheel, offline) and the kind of
an English document among the annexes (technical or press)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

DocumentKind = Literal["technical", "press"]

_PRESS_WORDS = (
    "news",
    "press",
    "article",
    "journalist",
    "reporter",
    "published",
    "editor",
    "newsletter",
    "read more",
    "subscribe",
    "according to",
    "said",
    "announced",
    "magazine",
    "times",
)
_TECHNICAL_WORDS = (
    "datasheet",
    "data sheet",
    "specification",
    "technical",
    "manual",
    "installation",
    "configuration",
    "voltage",
    "protocol",
    "interface",
    "firmware",
    "pin",
    "rating",
    "parameters",
    "user guide",
)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("`", "'").lower()
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def _detector() -> Any:
    # imported on first use: building the detector loads its models (seconds, memory), which a
    # process that analyses no report (the web server, most commands) never needs
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.FRENCH, Language.ENGLISH, Language.GERMAN, Language.SPANISH, Language.ITALIAN
    ).build()


_MIN_LETTERS = 40


def languages(texts: Sequence[str]) -> list[str | None]:
    """ISO 639-1 code of each page's language, None when a page has under 40 letters."""
    samples = [text[:3000] for text in texts]
    wanted = [i for i, s in enumerate(samples) if sum(c.isalpha() for c in s) >= _MIN_LETTERS]
    result: list[str | None] = [None] * len(texts)
    if not wanted:
        return result
    detected = _detector().detect_languages_in_parallel_of([samples[i] for i in wanted])
    for index, language in zip(wanted, detected, strict=True):
        result[index] = None if language is None else language.iso_code_639_1.name.lower()
    return result


def document_kind(text: str) -> DocumentKind:
    """Heuristic: "press" when press words outnumber technical ones, else "technical"."""
    words = normalise(text)

    def score(vocabulary: Sequence[str]) -> int:
        return sum(len(re.findall(rf"\b{re.escape(w)}\b", words)) for w in vocabulary)

    return "press" if score(_PRESS_WORDS) > score(_TECHNICAL_WORDS) else "technical"
