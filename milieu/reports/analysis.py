"""Conformity analysis of a report deposited as a PDF file.

`analyse_report(data, diploma_id=...)` reads the bytes of a PDF and measures what the
regulation engine needs (contract v1, `report` object): body pages, annex pages, page format,
sections found by their headings with the pages each one spans, English documents among the
annexes (`bts-ciel`) and the language of each page. Hostile or unreadable input is refused with
`ReportRejected`, whose message is French and can be shown to the candidate as it is.

Everything here is a heuristic on the PDF's *structure*, not an understanding of its content:

- headings come from the PDF outline (bookmarks) when there is one, otherwise from the short
  lines of the extracted text (table-of-contents lines, with dot leaders, are ignored);
- the annexes start at the first heading that reads "Annexe" or "Annexes";
- a section spans from its heading to the next boundary: the heading of another section, the
  annexes, or (with an outline) any heading of the same or a higher level; the page holding the
  next boundary is counted too unless that boundary heading opens its page;
- English pages are found by language detection (`lingua`, models in its wheel, offline);
  an English document is one English annex page, "press" or "technical" by keywords.

A teacher keeps the last word: these figures pre-fill the dossier, they do not replace reading.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal, cast

import pypdf
from pypdf.errors import PyPdfError

# Limits against hostile input (module constants so that tests can lower them).
MAX_BYTES = 30 * 1024 * 1024
"""Largest accepted file, in bytes."""
MAX_PAGES = 500
"""Most pages accepted (the declared page count is checked before anything is read)."""
MAX_STREAM_BYTES = 20 * 1024 * 1024
"""Most bytes one stream may decompress to (pypdf's own limit is lowered to this)."""
MAX_PAGE_TEXT = 100_000
"""Most characters of text extracted from one page."""
MAX_TOTAL_TEXT = 3_000_000
"""Most characters of text extracted from the whole file."""

PageFormat = Literal["A4", "A3", "larger"]
DocumentKind = Literal["technical", "press"]

# ISO 216 sizes in PostScript points (1 pt = 1/72 in).
_A4 = (595.28, 841.89)
_A3 = (841.89, 1190.55)
FORMAT_TOLERANCE = 0.02
"""A page still "fits" a format when up to 2 % larger (area and long side)."""

_MM_PER_PT = 25.4 / 72

DEFAULT_SECTION_KEYWORDS: dict[str, dict[str, list[str]]] = {
    "bts-metiers-de-la-mesure": {
        "presentation": [
            "présentation de l'entreprise",
            "présentation de la structure",
            "présentation de l'organisme",
            "l'entreprise d'accueil",
        ],
        "legal-analysis": [
            "analyse juridique",
            "contexte juridique",
            "analyse du contexte juridique",
            "situation professionnelle réglementaire",
        ],
        "activities": [
            "description et analyse",
            "analyse d'activités",
            "analyse des activités",
            "description des activités",
            "activités réalisées",
        ],
        "conclusion": ["conclusion"],
        "english-summary": ["summary", "résumé en anglais", "abstract"],
        "qsse-example": [
            "qsse",
            "exemple de démarche",
            "exemple analysé",
            "démarche qualité",
            "démarche qse",
        ],
    },
    "bts-ciel": {
        "presentation": [
            "présentation de l'entreprise",
            "présentation de la structure",
            "l'entreprise d'accueil",
        ],
        "activities": [
            "description des activités",
            "activités réalisées",
            "description de l'activité",
            "activité réalisée",
        ],
        "conclusion": ["conclusion"],
    },
    "bma-bijou": {
        "stage-reports": ["rapports de stage", "rapport de stage"],
        "bilans": ["bilans", "bilan"],
        "objectives": ["objectifs du projet", "objectifs"],
        "contents": ["contenus", "contenu"],
        "steps": ["étapes", "présentation et réalisation"],
        "costs": ["étude des coûts", "coûts", "budget"],
        "activity-report": [
            "rapport d'activité",
            "rapport sur l'activité",
            "activité professionnelle",
        ],
        "case-study": ["étude de cas"],
    },
}
"""French heading keywords for the section keys of the contract, per diploma."""

PART_KEYS: dict[str, tuple[str, ...]] = {"bma-bijou": ("activity-report", "case-study")}
"""Sections whose page counts are also the contract's `parts`."""

ENGLISH_DOCUMENT_DIPLOMAS = frozenset({"bts-ciel"})

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


class ReportRejected(Exception):
    """The file cannot be analysed; `message` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class EnglishDocument:
    page: int
    """1-based page number."""
    kind: DocumentKind


@dataclass(frozen=True)
class ReportAnalysis:
    diploma_id: str
    total_pages: int
    pages: int
    """Body pages: every page before the annexes (all pages when there is no annex)."""
    annex_pages: int
    annex_start: int | None
    """1-based page where the annexes start, or None."""
    page_format: PageFormat
    largest_page_mm: tuple[int, int]
    """Width and height of the largest page, in millimetres."""
    sections: tuple[str, ...]
    section_starts: dict[str, int]
    section_pages: dict[str, int]
    parts: dict[str, int]
    english_documents: tuple[EnglishDocument, ...]
    language_by_page: dict[int, str | None]
    """ISO 639-1 code per 1-based page, None when the page has too little text."""
    headings_source: Literal["outline", "text"]
    headings: tuple[tuple[int, str], ...] = field(default=())
    """(page, title) of every heading seen, for display and debugging."""


@dataclass(frozen=True)
class _Heading:
    page: int  # 0-based
    title: str
    norm: str
    level: int  # 0 for the top level; 0 for every heading found in the text


def analyse_report(
    data: bytes,
    *,
    diploma_id: str,
    section_keywords: Mapping[str, list[str]] | None = None,
) -> ReportAnalysis:
    """Analyse the PDF `data` for a report of `diploma_id`; raises `ReportRejected`.

    `section_keywords` maps section keys to heading keywords (any case, accents optional); it
    defaults to `DEFAULT_SECTION_KEYWORDS[diploma_id]`.
    """
    if section_keywords is None:
        if diploma_id not in DEFAULT_SECTION_KEYWORDS:
            raise ValueError(f"no default section keywords for diploma {diploma_id!r}")
        section_keywords = DEFAULT_SECTION_KEYWORDS[diploma_id]
    keywords = {key: [_normalise(k) for k in words] for key, words in section_keywords.items()}

    _check_envelope(data)
    with pypdf.apply_configuration(
        maximum_declared_stream_length=MAX_STREAM_BYTES,
        array_based_stream_maximum_output_length=MAX_STREAM_BYTES,
        jbig2_maximum_output_length=MAX_STREAM_BYTES,
        lzw_maximum_output_length=MAX_STREAM_BYTES,
        run_length_maximum_output_length=MAX_STREAM_BYTES,
        zlib_maximum_output_length=MAX_STREAM_BYTES,
        brotli_maximum_output_length=MAX_STREAM_BYTES,
        image_maximum_buffer_size=MAX_STREAM_BYTES,
        stream_decoding_work_maximum_length=4 * MAX_STREAM_BYTES,
        page_tree_maximum_page_entries=MAX_PAGES,
    ):
        try:
            reader, texts, sizes, headings, source = _read(data)
        except ReportRejected:
            raise
        except pypdf.errors.LimitReachedError as error:
            raise ReportRejected(
                "Le fichier contient des données compressées démesurées : il est refusé."
            ) from error
        except Exception as error:  # pypdf raises many kinds on broken files
            raise ReportRejected(
                "Le fichier PDF est endommagé ou illisible : enregistrez-le de nouveau "
                "au format PDF depuis votre traitement de texte."
            ) from error
    del reader

    total = len(texts)
    annex_start = next((h.page for h in headings if _is_annex_heading(h.norm)), None)
    body_end = annex_start if annex_start is not None else total

    starts: dict[str, _Heading] = {}
    for heading in headings:
        for key, words in keywords.items():
            if key not in starts and any(_matches(heading.norm, w, source) for w in words):
                starts[key] = heading
    section_pages = {
        key: _span(start, headings, starts, annex_start, body_end, total, texts, source)
        for key, start in starts.items()
    }
    sections = tuple(sorted(starts, key=lambda k: (starts[k].page, list(keywords).index(k))))
    languages = _languages(texts)
    english: list[EnglishDocument] = []
    if diploma_id in ENGLISH_DOCUMENT_DIPLOMAS and annex_start is not None:
        for index in range(annex_start, total):
            if languages[index] == "en":
                english.append(EnglishDocument(index + 1, _document_kind(texts[index])))
    largest = max(sizes, key=lambda s: s[0] * s[1])
    return ReportAnalysis(
        diploma_id=diploma_id,
        total_pages=total,
        pages=body_end,
        annex_pages=total - body_end,
        annex_start=None if annex_start is None else annex_start + 1,
        page_format=_page_format(sizes),
        largest_page_mm=(round(largest[0] * _MM_PER_PT), round(largest[1] * _MM_PER_PT)),
        sections=sections,
        section_starts={key: starts[key].page + 1 for key in sections},
        section_pages={key: section_pages[key] for key in sections},
        parts={k: section_pages[k] for k in PART_KEYS.get(diploma_id, ()) if k in section_pages},
        english_documents=tuple(english),
        language_by_page={i + 1: lang for i, lang in enumerate(languages)},
        headings_source=source,
        headings=tuple((h.page + 1, h.title) for h in headings),
    )


def as_contract_report(
    analysis: ReportAnalysis,
    *,
    submitted_on: date | str | None,
    deadline: date | str | None,
    endorsed_by_host: bool,
) -> dict[str, Any]:
    """The contract's `report` object (`shared/spec/dossier.md`) for `milieu.rules.evaluate`."""

    def iso(value: date | str | None) -> str | None:
        return value.isoformat() if isinstance(value, date) else value

    return {
        "submitted_on": iso(submitted_on),
        "deadline": iso(deadline),
        "pages": analysis.pages,
        "annex_pages": analysis.annex_pages,
        "page_format": analysis.page_format,
        "sections": list(analysis.sections),
        "section_pages": dict(analysis.section_pages),
        "english_documents": [{"kind": d.kind} for d in analysis.english_documents],
        "endorsed_by_host": endorsed_by_host,
        "parts": dict(analysis.parts),
    }


# --- reading -------------------------------------------------------------------------------


def _check_envelope(data: bytes) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ReportRejected("Le fichier reçu n'est pas un fichier.")
    if len(data) == 0:
        raise ReportRejected("Le fichier est vide.")
    if len(data) > MAX_BYTES:
        raise ReportRejected(
            f"Le fichier dépasse la taille maximale de {MAX_BYTES // (1024 * 1024)} Mo."
        )
    # The header may follow a little junk (the PDF specification tolerates it in 1 KiB).
    if b"%PDF-" not in bytes(data[:1024]):
        raise ReportRejected("Le fichier n'est pas un PDF : déposez le rapport au format PDF.")


def _read(
    data: bytes,
) -> tuple[pypdf.PdfReader, list[str], list[tuple[float, float]], list[_Heading], Any]:
    reader = pypdf.PdfReader(io.BytesIO(bytes(data)), strict=False)
    if reader.is_encrypted:
        raise ReportRejected(
            "Le PDF est protégé par un mot de passe ou chiffré : déposez une version sans "
            "protection."
        )
    if "%%EOF" not in bytes(data[-2048:]).decode("latin-1"):
        raise ReportRejected(
            "Le fichier PDF est incomplet (tronqué) : déposez-le de nouveau en entier."
        )
    declared = cast(Any, reader.trailer["/Root"])["/Pages"].get("/Count", 0)
    if not isinstance(declared, int) or declared < 0 or declared > MAX_PAGES:
        raise ReportRejected(f"Le rapport compte trop de pages (plus de {MAX_PAGES}).")
    pages = list(reader.pages)
    if not pages:
        raise ReportRejected("Le PDF ne contient aucune page.")
    if len(pages) > MAX_PAGES:
        raise ReportRejected(f"Le rapport compte trop de pages (plus de {MAX_PAGES}).")

    texts: list[str] = []
    sizes: list[tuple[float, float]] = []
    total_text = 0
    for page in pages:
        box = page.mediabox
        sizes.append((abs(float(box.width)), abs(float(box.height))))
        # Decode the content streams first: pypdf's text extraction swallows its own limit
        # errors (and then returns nothing), this does not.
        contents = page.get_contents()
        if contents is not None and len(contents.get_data()) > MAX_STREAM_BYTES:
            raise pypdf.errors.LimitReachedError("page content too large")
        text = page.extract_text() or ""
        if len(text) > MAX_PAGE_TEXT:
            raise ReportRejected(
                "Une page contient une quantité de texte démesurée : le fichier est refusé."
            )
        total_text += len(text)
        if total_text > MAX_TOTAL_TEXT:
            raise ReportRejected(
                "Le fichier contient une quantité de texte démesurée : il est refusé."
            )
        texts.append(text)

    headings = _outline_headings(reader)
    if headings:
        return reader, texts, sizes, headings, "outline"
    return reader, texts, sizes, _text_headings(texts), "text"


def _outline_headings(reader: pypdf.PdfReader) -> list[_Heading]:
    found: list[_Heading] = []

    def walk(items: Sequence[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            title = str(getattr(item, "title", "") or "").strip()
            page = reader.get_destination_page_number(item)
            if title and page is not None and page >= 0:
                found.append(_Heading(page, title, _strip_numbering(_normalise(title)), level))

    try:
        walk(reader.outline, 0)
    except (PyPdfError, KeyError, TypeError, ValueError, AttributeError, RecursionError):
        return []
    found.sort(key=lambda h: h.page)  # stable: the outline's own order within a page
    return found


_TOC_LINE = re.compile(r"(\.{3,}|…|_{3,})|\s{2,}\d+\s*$")


def _text_headings(texts: Sequence[str]) -> list[_Heading]:
    found: list[_Heading] = []
    for index, text in enumerate(texts):
        for line in text.splitlines():
            title = line.strip()
            if not 2 <= len(title) <= 80 or _TOC_LINE.search(title):
                continue
            found.append(_Heading(index, title, _strip_numbering(_normalise(title)), 0))
    return found


# --- judging -------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("`", "'").lower()
    return re.sub(r"\s+", " ", text).strip()


_NUMBERING = re.compile(
    r"^(?:(?:\d+(?:\.\d+)*\.?|[ivxlc]+[.)]|[a-z][.)])\s*[-–—:.)]?\s*"
    r"|(?:premiere|deuxieme|seconde|\d+e|\d+re)\s+partie\s*[-–—:.]?\s*)+"
)


def _strip_numbering(norm: str) -> str:
    return _NUMBERING.sub("", norm).strip()


_ANNEX = re.compile(r"^annexes?\b")


def _is_annex_heading(norm: str) -> bool:
    return bool(_ANNEX.match(norm))


def _matches(norm: str, keyword: str, source: str) -> bool:
    # Outline titles are headings for sure: the keyword may appear anywhere in them. Lines of
    # text are only candidates: the keyword must open the line.
    return keyword in norm if source == "outline" else norm.startswith(keyword)


def _opens_page(heading: _Heading, texts: Sequence[str]) -> bool:
    """Whether the heading is among the first lines of its page (running headers allowed)."""
    lines = [_strip_numbering(_normalise(li)) for li in texts[heading.page].splitlines()]
    first = [li for li in lines if li][:3]
    probe = heading.norm[:30]
    return any(li.startswith(probe) or (li and heading.norm.startswith(li)) for li in first)


def _span(
    start: _Heading,
    headings: Sequence[_Heading],
    starts: Mapping[str, _Heading],
    annex_start: int | None,
    body_end: int,
    total: int,
    texts: Sequence[str],
    source: str,
) -> int:
    section_starts = {id(h) for h in starts.values()}
    position = next(i for i, h in enumerate(headings) if h is start)
    for later in headings[position + 1 :]:
        boundary = (
            id(later) in section_starts
            or _is_annex_heading(later.norm)
            or (source == "outline" and later.level <= start.level)
        )
        if boundary and later.norm != start.norm:
            if later.page == start.page:
                return 1
            return later.page - start.page + (0 if _opens_page(later, texts) else 1)
    end = body_end if annex_start is not None and start.page < annex_start else total
    return max(1, end - start.page)


def _fits(size: tuple[float, float], reference: tuple[float, float]) -> bool:
    limit = 1 + FORMAT_TOLERANCE
    return (
        size[0] * size[1] <= reference[0] * reference[1] * limit
        and max(size) <= max(reference) * limit
    )


def _page_format(sizes: Sequence[tuple[float, float]]) -> PageFormat:
    """The format of the largest page: "A4" or "A3" (or equivalent, ±2 %), else "larger"."""
    largest = max(sizes, key=lambda s: s[0] * s[1])
    if _fits(largest, _A4):
        return "A4"
    if _fits(largest, _A3):
        return "A3"
    return "larger"


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.FRENCH, Language.ENGLISH, Language.GERMAN, Language.SPANISH, Language.ITALIAN
    ).build()


_MIN_LETTERS = 40


def _languages(texts: Sequence[str]) -> list[str | None]:
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


def _document_kind(text: str) -> DocumentKind:
    """Heuristic: "press" when press words outnumber technical ones, else "technical"."""
    words = _normalise(text)

    def score(vocabulary: Sequence[str]) -> int:
        return sum(len(re.findall(rf"\b{re.escape(w)}\b", words)) for w in vocabulary)

    return "press" if score(_PRESS_WORDS) > score(_TECHNICAL_WORDS) else "technical"
