"""Reading a report's structure from its lines: annexes, sections, their pages, the project part,
the English documents, and where each figure comes from.

`read_structure` works on what `headings.page_lines` extracted and on the PDF outline; it is
called by `analysis.analyse_report` and knows nothing of refusals.

- The annexes start at the first heading « Annexes » / « Annexe 1 … » (never at a sentence that
  ends with the word: a sentence is no heading).
- Each section of the diploma's report is found by its keywords and synonyms (catalogue data)
  anywhere in a heading, numbering, capitals and accents ignored; when several headings match,
  the highest-level one wins (a chapter before a sub-heading), then the first.
- A section spans from its heading to the next heading of the same or a higher level, or the
  annexes; the page of that next heading is counted too unless the heading opens it.
- The jewellery school dossier's `pages` is its project part (004 §1): from the part's heading,
  or its first section, to the annexes.
- English documents are documents, not pages: a document starts at an English annex page that
  opens with a title (or follows a page in another language); its following English pages
  without a title belong to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from milieu.reports.headings import (
    Heading,
    Layout,
    Line,
    is_annex_title,
    layout,
    locate,
    looks_like_heading,
    strip_numbering,
    text_headings,
    words,
)

MIN_LETTERS = 40
"""A page with fewer letters than this has no readable text."""
READABLE_SHARE = 0.2
"""Below this share of pages with text, the file is taken for a scan (images of pages)."""
TITLE_SHARE = 0.6
"""A line shorter than this share of the page's longest line may be a title."""


@dataclass(frozen=True)
class SectionSpec:
    key: str
    words: tuple[str, ...]
    """Keywords and synonyms, as `headings.words` forms them."""
    excluding: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartSpec:
    """The part of the dossier whose pages are the contract's `pages` (004 §1: the project)."""

    title: str
    words: tuple[str, ...]
    from_sections: tuple[str, ...]


@dataclass
class EnglishFound:
    page: int  # 0-based
    pages: int
    title: str
    text: str


@dataclass
class Structure:
    readable: bool
    text_pages: int
    source: Literal["outline", "text"]
    headings: list[Heading]
    annex: Heading | None
    body_end: int
    sections: dict[str, Heading]
    spans: dict[str, int]
    pages: int
    part_start: Heading | None = None
    english: list[EnglishFound] = field(default_factory=list)


def outline_headings(reader: Any) -> list[Heading]:
    """The PDF outline (bookmarks) as headings, in page order; [] when there is none."""
    found: list[Heading] = []

    def walk(items: Sequence[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            title = " ".join(str(getattr(item, "title", "") or "").split())
            page = reader.get_destination_page_number(item)
            if title and page is not None and page >= 0:
                found.append(Heading(page, title, float(level), source="outline"))

    try:
        walk(reader.outline, 0)
    except Exception:  # a broken outline is no outline: the text is read instead
        return []
    found.sort(key=lambda h: h.page)  # stable: the outline's own order within a page
    return found


def _matching(title: str, specs: Sequence[SectionSpec]) -> str | None:
    """The section whose longest keyword appears in `title` (whole words), if any."""
    text = words(title)
    best: tuple[int, int] | None = None
    key: str | None = None
    for order, spec in enumerate(specs):
        if any(word in text for word in spec.excluding):
            continue
        for word in spec.words:
            if word in text and (best is None or (len(word), -order) > best):
                best, key = (len(word), -order), spec.key
    return key


def _order(heading: Heading) -> tuple[int, int]:
    return (heading.page, heading.line if heading.line is not None else -1)


def _span(start: Heading, headings: Sequence[Heading], annex: Heading | None, end: int) -> int:
    """Pages from `start` to the next heading of its level or above, or to the annexes."""
    position = headings.index(start)
    in_body = annex is None or _order(start) < _order(annex)
    for later in [*headings[position + 1 :], *([annex] if annex is not None else [])]:
        if in_body and annex is not None and _order(later) >= _order(annex):
            later = annex
        elif later.level > start.level:
            continue
        if later.page == start.page:
            return 1
        return later.page - start.page + (0 if later.opens_page else 1)
    return max(1, end - start.page)


STRUCTURAL = (
    " introduction ",
    " remerciements ",
    " sommaire ",
    " bibliographie ",
    " sources ",
    " webographie ",
    " glossaire ",
    " lexique ",
    " table des figures ",
    " table des illustrations ",
)
"""Headings of their own that are no section of the diploma but end the one before them."""


def _subordinate_plain_headings(
    headings: Sequence[Heading], sections: Sequence[SectionSpec], annex: Heading | None
) -> None:
    """When every heading looks the same (one size, one weight, no numbering), a heading that
    names no section of the report (« Mise en place du réseau ») is read as a sub-heading of
    the section it sits in, as a reader would; « Introduction », « Bibliographie »… still end
    it."""
    if len({h.level for h in headings}) != 1 or any(strip_numbering(h.title)[1] for h in headings):
        return
    for heading in headings:
        text = words(heading.title)
        if heading is annex or is_annex_title(heading.title) or _matching(heading.title, sections):
            continue
        if any(word in text for word in STRUCTURAL):
            continue
        heading.level += 0.5


def read_structure(
    *,
    texts: Sequence[str],
    lines: Sequence[Sequence[Line]],
    outline: list[Heading],
    sections: Sequence[SectionSpec],
    part: PartSpec | None,
    languages: Sequence[str | None],
    count_english: bool,
) -> Structure:
    total = len(texts)
    text_pages = sum(1 for text in texts if sum(c.isalpha() for c in text) >= MIN_LETTERS)
    if text_pages < max(1, READABLE_SHARE * total):
        return Structure(False, text_pages, "text", [], None, total, {}, {}, total)

    shape: Layout = layout(lines, texts)
    from_text = text_headings(lines, shape)
    if outline:
        for heading in outline:
            locate(heading, lines[heading.page], shape)
        headings = [h for h in outline if not (shape.cover and h.page == 0)]
        source: Literal["outline", "text"] = "outline"
    else:
        headings = from_text
        source = "text"
    headings.sort(key=_order)

    # Bookmarks may miss headings typed as bold lines (e.g. « Annexes »): the text is read too.
    annexes = [h for h in [*headings, *from_text] if is_annex_title(h.title)]
    annex = min(annexes, key=_order) if annexes else None
    body_end = annex.page if annex is not None else total

    def best(pool: Sequence[Heading]) -> dict[str, Heading]:
        candidates: dict[str, list[Heading]] = {}
        for heading in pool:
            if heading is annex or is_annex_title(heading.title):
                continue
            key = _matching(heading.title, sections)
            if key is not None:
                candidates.setdefault(key, []).append(heading)
        return {
            key: min(
                matches,
                key=lambda h: (annex is not None and h.page >= annex.page, h.level, _order(h)),
            )
            for key, matches in candidates.items()
        }

    if source == "text":
        _subordinate_plain_headings(headings, sections, annex)
    found = best(headings)
    spans = {
        key: _span(h, headings, annex, body_end if h.page < body_end else total)
        for key, h in found.items()
    }
    if source == "outline":
        for key, heading in best(from_text).items():
            if key not in found:
                found[key] = heading
                end = body_end if heading.page < body_end else total
                spans[key] = _span(heading, from_text, annex, end)

    pages = body_end
    part_start: Heading | None = None
    keys = {spec.key for spec in sections}
    if part is not None and keys & set(part.from_sections):
        starts = [found[k] for k in part.from_sections if k in found]
        starts += [
            h
            for h in headings
            if h.page < body_end and any(w in words(h.title) for w in part.words)
        ]
        if starts:
            part_start = min(starts, key=_order)
            pages = body_end - part_start.page

    english: list[EnglishFound] = []
    if count_english and annex is not None:
        titled = {
            h.page: h for h in [*from_text, *headings] if h.opens_page and h.page >= annex.page
        }
        current: EnglishFound | None = None
        for page in range(annex.page, total):
            if languages[page] != "en":
                current = None
                continue
            opening = titled.get(page)
            content = [li for li in lines[page] if not shape.ignored(li)]
            first = content[0] if content else None
            # a title typed in the body's font: a short line that opens the page
            plain_title = (
                first is not None
                and looks_like_heading(first, False)
                and len(first.text) < TITLE_SHARE * max(len(li.text) for li in content)
            )
            if current is None or opening is not None or plain_title:
                title = opening.title if opening else (first.text if first else "")
                current = EnglishFound(page, 1, title, texts[page])
                english.append(current)
            else:
                current.pages += 1
                current.text += "\n" + texts[page]

    return Structure(
        True,
        text_pages,
        source,
        headings,
        annex,
        body_end,
        found,
        spans,
        pages,
        part_start,
        english,
    )


def section_specs(
    keywords: Mapping[str, Sequence[str]], excluding: Mapping[str, Sequence[str]] | None = None
) -> list[SectionSpec]:
    """The sections to look for: key → keywords (and synonyms), and the words that disqualify
    a heading."""

    def forms(items: Sequence[str]) -> tuple[str, ...]:
        return tuple(w for w in (words(k) for k in items) if w.strip())

    return [
        SectionSpec(key, forms(items), forms((excluding or {}).get(key, ())))
        for key, items in keywords.items()
    ]
