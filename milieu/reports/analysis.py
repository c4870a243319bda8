"""Conformity analysis of a report deposited as a PDF file.

`analyse_report(data, diploma_id=...)` reads the bytes of a PDF and measures what the
regulation engine needs (contract v1, `report` object): body pages, annex pages, page format,
sections found by their headings with the pages each one spans, English documents among the
annexes (`bts-ciel`) and the language of each page. Hostile or unreadable input is refused with
`ReportRejected`, whose message is French and can be shown to the candidate as it is.

Everything here is a heuristic on the PDF's *structure*, read the way a careful teacher reads
(`headings` and `reading`, issue 12):

- a heading is a short line set apart — bigger or bold when the PDF tells the font, no final
  punctuation, not a table-of-contents line (with or without dot leaders), not on the title
  page — or an entry of the PDF outline (bookmarks) when there is one;
- the annexes start at the heading « Annexes » / « Annexe 1 … », never at a sentence ending
  with the word;
- sections are found by their keywords and synonyms anywhere in a heading (numbering, capitals,
  accents ignored); a section spans to the next heading of its level or above, or the annexes;
- the jewellery school dossier's `pages` is its project part (`report_pages_part`);
- English documents are documents, not pages (a new one starts at a new title in the annexes);
  their language comes from `lingua` (models in its wheel, offline);
- a file without readable text (a scan) is `readable = False`: a teacher checks it by hand.

Each figure keeps where it comes from (the heading and its page), for the teacher to see.

What to look for is the diploma's data, not code: each catalogue file
(`milieu/rules/catalogue/<diploma>.toml`) has a `[report_sections.<key>]` table per part of the
report (its French `title`, heading `keywords`, the `synonyms` students use and the words
`excluding` a heading), `report_parts` (the sections whose page counts are the contract's
`parts`), `report_pages_part` (the part whose pages are `pages`, when not the whole body) and
`report_english_documents`; `report_profile` reads them, for a pathway's layout if asked.
A diploma without `report_sections` expects no report.

Active content is refused, not analysed, by the rules every deposited PDF goes through
(`milieu.filesafety.check_pdf`): a PDF holding JavaScript or an action that launches a program
(`/JS`, `/JavaScript`, `/Launch`), embedded files (`/EmbeddedFiles`, `/EF`, file attachment
annotations), encryption, bombs, too many pages or pages of absurd size. A report is read by
people (teachers, the tutor, the jury) on their own computers; scripts and attachments have no
place in it and are a usual way to carry malware, and an annex must be pages of the report to
be counted. Links to web pages (`/URI`) are accepted.

A teacher keeps the last word: these figures pre-fill the dossier, they do not replace reading.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, cast

import pypdf

from milieu.filesafety import FileRefused, check_pdf
from milieu.reports.headings import Heading, Line, page_lines, words
from milieu.reports.language import DocumentKind, document_kind, languages
from milieu.reports.pageformat import MM_PER_PT, PageFormat, format_counts, page_format
from milieu.reports.profile import ReportPart, ReportProfile, ReportSection, report_profile
from milieu.reports.reading import PartSpec, outline_headings, read_structure, section_specs

__all__ = [  # the profile and the page format are re-exported: callers import them from here
    "DocumentKind",
    "EnglishDocument",
    "PageFormat",
    "ReportAnalysis",
    "ReportPart",
    "ReportProfile",
    "ReportRejected",
    "ReportSection",
    "analyse_report",
    "as_contract_report",
    "report_profile",
]

# Limits against hostile input (module constants so that tests can lower them).
MAX_BYTES = 30 * 1024 * 1024
"""Largest accepted file, in bytes."""
MAX_PAGES = 500
"""Most pages accepted (the declared page count is checked before anything is read)."""
MAX_PAGE_ENTRIES = 64
"""Most dictionary entries one page may have (with the ones it inherits), for pypdf."""
MAX_STREAM_BYTES = 20 * 1024 * 1024
"""Most bytes one stream may decompress to (pypdf's own limit is lowered to this)."""
MAX_PAGE_TEXT = 100_000
"""Most characters of text extracted from one page."""
MAX_TOTAL_TEXT = 3_000_000
"""Most characters of text extracted from the whole file."""
MAX_OBJECTS = 300_000
"""Most PDF objects walked when looking for active content (scripts, attachments)."""
MAX_STORED_HEADINGS = 300
"""Most headings kept by `ReportAnalysis.as_json` (text headings may be every short line)."""


class ReportRejected(Exception):
    """The file cannot be analysed; `message` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class EnglishDocument:
    page: int
    """1-based page number where the document starts."""
    kind: DocumentKind
    title: str = ""
    """Its title (or first line), as read."""
    pages: int = 1
    """How many pages it spans."""


@dataclass(frozen=True)
class ReportAnalysis:
    diploma_id: str
    total_pages: int
    pages: int
    """Body pages: every page before the annexes (all pages when there is no annex); for the
    jewellery school dossier, the pages of its project part (004 §1)."""
    annex_pages: int
    annex_start: int | None
    """1-based page where the annexes start, or None."""
    page_format: PageFormat
    largest_page_mm: tuple[int, int]
    """Width and height of the largest page, in millimetres."""
    page_formats: dict[str, int]
    """How many pages of each format ("A4", "A3", "larger") the file holds."""
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
    readable: bool = True
    """False when the file has no readable text (a scan): nothing but pages and format could
    be measured, and a teacher must check it by hand."""
    section_titles: dict[str, str] = field(default_factory=dict)
    """The heading each section was found at, as written in the report."""
    annex_title: str = ""
    """The heading the annexes start at."""
    pages_start: int | None = None
    """1-based page where the counted part starts (the jewellery project part), else None."""
    pages_title: str = ""
    """The heading the counted part starts at."""
    text_pages: int | None = None
    """How many pages have readable text."""

    def as_json(self) -> dict[str, Any]:
        """Plain JSON types, to be stored; `from_json` reads it back (headings are capped at
        `MAX_STORED_HEADINGS`)."""
        return {
            "diploma_id": self.diploma_id,
            "total_pages": self.total_pages,
            "pages": self.pages,
            "annex_pages": self.annex_pages,
            "annex_start": self.annex_start,
            "page_format": self.page_format,
            "largest_page_mm": list(self.largest_page_mm),
            "page_formats": dict(self.page_formats),
            "sections": list(self.sections),
            "section_starts": dict(self.section_starts),
            "section_pages": dict(self.section_pages),
            "parts": dict(self.parts),
            "english_documents": [
                {"page": d.page, "kind": d.kind, "title": d.title, "pages": d.pages}
                for d in self.english_documents
            ],
            "language_by_page": {str(k): v for k, v in self.language_by_page.items()},
            "headings_source": self.headings_source,
            "headings": [list(h) for h in self.headings[:MAX_STORED_HEADINGS]],
            "readable": self.readable,
            "section_titles": dict(self.section_titles),
            "annex_title": self.annex_title,
            "pages_start": self.pages_start,
            "pages_title": self.pages_title,
            "text_pages": self.text_pages,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReportAnalysis:
        width, height = data["largest_page_mm"]
        return cls(
            diploma_id=str(data["diploma_id"]),
            total_pages=int(data["total_pages"]),
            pages=int(data["pages"]),
            annex_pages=int(data["annex_pages"]),
            annex_start=None if data["annex_start"] is None else int(data["annex_start"]),
            page_format=cast(PageFormat, data["page_format"]),
            largest_page_mm=(int(width), int(height)),
            # jsonb (PostgreSQL) does not keep the keys' order: A4, A3, larger again
            page_formats={
                name: int(data["page_formats"][name])
                for name in ("A4", "A3", "larger")
                if name in data.get("page_formats", {})
            },
            sections=tuple(str(k) for k in data["sections"]),
            section_starts={str(k): int(v) for k, v in data["section_starts"].items()},
            section_pages={str(k): int(v) for k, v in data["section_pages"].items()},
            parts={str(k): int(v) for k, v in data["parts"].items()},
            english_documents=tuple(
                EnglishDocument(
                    int(d["page"]),
                    cast(DocumentKind, d["kind"]),
                    str(d.get("title", "")),
                    int(d.get("pages", 1)),
                )
                for d in data["english_documents"]
            ),
            language_by_page={int(k): v for k, v in data.get("language_by_page", {}).items()},
            headings_source=cast(Literal["outline", "text"], data["headings_source"]),
            headings=tuple((int(p), str(title)) for p, title in data.get("headings", ())),
            readable=bool(data.get("readable", True)),
            section_titles={str(k): str(v) for k, v in data.get("section_titles", {}).items()},
            annex_title=str(data.get("annex_title", "")),
            pages_start=None if data.get("pages_start") is None else int(data["pages_start"]),
            pages_title=str(data.get("pages_title", "")),
            text_pages=None if data.get("text_pages") is None else int(data["text_pages"]),
        )


class _Lines:
    """Collects each page's lines while `_read` extracts its text (one extraction a page)."""

    def __init__(self) -> None:
        self.pages: list[list[Line]] = []

    def extract(self, page: Any, index: int) -> str:
        text, lines = page_lines(page, index, MAX_PAGE_TEXT)
        self.pages.append(lines)
        return text


def analyse_report(
    data: bytes,
    *,
    diploma_id: str,
    section_keywords: Mapping[str, list[str]] | None = None,
    profile: ReportProfile | None = None,
    checked: bool = False,
) -> ReportAnalysis:
    """Analyse the PDF `data` for a report of `diploma_id`; raises `ReportRejected`.

    `checked`: `data` already passed `check_pdf` with the report's limits (a deposit is
    checked once, by `storage.read_upload`, when it is received): not checked again.

    `profile` (default: `report_profile(diploma_id)`, from the catalogue) says which sections to
    look for, which are the contract's `parts` and whether English documents are counted;
    `section_keywords` (section key → heading keywords, any case, accents optional) replaces its
    sections. A diploma that expects no report, without `section_keywords`, is a `ValueError`.
    """
    if profile is None:
        profile = report_profile(diploma_id)
    if section_keywords is None:
        if profile is None:
            raise ValueError(f"the catalogue expects no report for diploma {diploma_id!r}")
        section_keywords = profile.keywords()
    part_keys = profile.parts if profile is not None else ()
    count_english = profile.english_documents if profile is not None else False
    pages_part = profile.pages_part if profile is not None else None

    try:
        if not checked:
            check_pdf(
                data,
                max_bytes=MAX_BYTES,
                max_pages=MAX_PAGES,
                max_objects=MAX_OBJECTS,
                max_stream_bytes=MAX_STREAM_BYTES,
            )
    except FileRefused as refused:
        raise ReportRejected(refused.message) from refused
    collected = _Lines()
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
        # it counts the entries of the page dictionaries (about ten a page), not pages
        page_tree_maximum_page_entries=MAX_PAGES * MAX_PAGE_ENTRIES,
    ):
        try:
            reader, texts, sizes = _read(data, collected.extract)
            outline = outline_headings(reader)
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
    page_languages = languages(texts)
    structure = read_structure(
        texts=texts,
        lines=collected.pages,
        outline=outline,
        sections=section_specs(
            section_keywords, profile.excluding() if profile is not None else {}
        ),
        part=None
        if pages_part is None
        else PartSpec(
            pages_part.title,
            tuple(words(k) for k in pages_part.keywords),
            pages_part.from_sections,
        ),
        languages=page_languages,
        count_english=count_english,
    )
    order = list(section_keywords)
    starts = structure.sections
    sections = tuple(sorted(starts, key=lambda k: (_place(starts[k]), order.index(k))))
    annex = structure.annex
    english = tuple(
        EnglishDocument(doc.page + 1, document_kind(doc.text), doc.title[:200], doc.pages)
        for doc in structure.english
    )
    largest = max(sizes, key=lambda s: s[0] * s[1])
    start = structure.part_start
    return ReportAnalysis(
        diploma_id=diploma_id,
        total_pages=total,
        pages=structure.pages,
        annex_pages=total - structure.body_end,
        annex_start=None if annex is None else annex.page + 1,
        page_format=page_format(sizes),
        largest_page_mm=(round(largest[0] * MM_PER_PT), round(largest[1] * MM_PER_PT)),
        page_formats=format_counts(sizes),
        sections=sections,
        section_starts={key: starts[key].page + 1 for key in sections},
        section_pages={key: structure.spans[key] for key in sections},
        parts={k: structure.spans[k] for k in part_keys if k in structure.spans},
        english_documents=english,
        language_by_page={i + 1: lang for i, lang in enumerate(page_languages)},
        headings_source=structure.source,
        headings=tuple((h.page + 1, h.title) for h in structure.headings),
        readable=structure.readable,
        section_titles={key: starts[key].title[:200] for key in sections},
        annex_title="" if annex is None else annex.title[:200],
        pages_start=None if start is None else start.page + 1,
        pages_title="" if start is None else start.title[:200],
        text_pages=structure.text_pages,
    )


def _place(heading: Heading) -> tuple[int, int]:
    return (heading.page, heading.line if heading.line is not None else -1)


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


def _read(
    data: bytes,
    extract: Callable[[Any, int], str] | None = None,
) -> tuple[pypdf.PdfReader, list[str], list[tuple[float, float]]]:
    """The reader, each page's text (through `extract`, which may keep its lines) and size."""
    # encryption, page count, active content and bombs: refused before (`check_pdf`)
    reader = pypdf.PdfReader(io.BytesIO(bytes(data)), strict=False)
    pages = list(reader.pages)

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
        text = (extract(page, len(texts)) if extract else page.extract_text()) or ""
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

    return reader, texts, sizes
