"""The lines of a report's pages and which of them are headings, as a careful reader sees them.

A PDF exported from a word processor says, for every piece of text, its font and its size
(pypdf's `visitor_text`). A heading is a *short line set apart*: bigger than the body text or
bold, starting with a capital or a number (once its numbering « 1. », « II – », « A) »,
« Partie 2 : » is put aside), without final punctuation, not a line of a table of contents (a
page titled « Sommaire » / « Table des matières », or a block of lines ending with a page
number, with or without dot leaders), not on the title page, not a running header. When a PDF
shows no emphasis at all, a heading is a short capitalised line without final punctuation that
stands apart from the lines around it.

Headings get levels: from the outline (bookmarks) when the PDF has one, otherwise from their
look (the biggest font first, bold before regular) refined by their numbering (« 2.1 » is below
« 2. »; in a class of numbered headings an unnumbered one is below them).

Pure Python on pypdf objects; no Django.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 16
EMPHASIS_POINTS = 1.0
"""A line this many points bigger than the body text is set apart by its size."""
COVER_MAX_CHARS = 600
"""A first page with less text than this, in a report of 4 pages or more, may be its title page."""
COVER_LONG_LINE = 70
"""A line this long is a paragraph's: a title page has at most one."""


@dataclass
class Line:
    """One line of text on a page, with its look."""

    page: int  # 0-based
    index: int  # position among the page's lines
    text: str
    size: float
    bold: bool
    y: float | None = None
    gap: float | None = None
    """Vertical distance from the previous line of the page, when the PDF tells it."""


@dataclass
class _Builder:
    page: int
    lines: list[Line] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    weights: Counter[float] = field(default_factory=Counter)
    bold_chars: int = 0
    chars: int = 0
    y: float | None = None

    def add(self, text: str, size: float, bold: bool, y: float | None) -> None:
        pieces = text.split("\n")
        for position, piece in enumerate(pieces):
            if position:
                self.end()
            if piece:
                self.parts.append(piece)
                count = len(piece.strip())
                if count:
                    self.weights[round(size * 2) / 2] += count
                    self.chars += count
                    self.bold_chars += count if bold else 0
                    if self.y is None:
                        self.y = y

    def end(self) -> None:
        text = " ".join("".join(self.parts).split())
        if text:
            size = self.weights.most_common(1)[0][0] if self.weights else 0.0
            self.lines.append(
                Line(
                    self.page,
                    len(self.lines),
                    text,
                    size,
                    self.chars > 0 and self.bold_chars >= 0.8 * self.chars,
                    self.y,
                )
            )
        self.parts, self.weights, self.bold_chars, self.chars, self.y = [], Counter(), 0, 0, None


_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


def page_lines(page: Any, index: int, limit: int) -> tuple[str, list[Line]]:
    """The page's extracted text (at most `limit` characters are kept) and its lines."""
    builder = _Builder(index)

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text:
            return
        try:
            scale = math.hypot(float(tm[2]), float(tm[3])) * math.hypot(float(cm[2]), float(cm[3]))
            y = float(tm[5]) * float(cm[3]) + float(cm[5])
        except (TypeError, ValueError, IndexError):
            scale, y = 1.0, None
        name = ""
        if font is not None:
            try:
                name = str(font.get("/BaseFont", ""))
            except AttributeError:
                name = ""
        builder.add(text, float(size or 0) * (scale or 1.0), bool(_BOLD.search(name)), y)

    text = page.extract_text(visitor_text=visit) or ""
    builder.end()
    lines = builder.lines
    previous: Line | None = None
    for line in lines:
        if previous is not None and previous.y is not None and line.y is not None:
            line.gap = abs(previous.y - line.y)
        previous = line
    return text[: limit + 1], lines


# --- normalising ---------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("`", "'").replace("‘", "'").lower()
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> str:
    """`normalise`, then punctuation and apostrophes turned into spaces: " l entreprise "."""
    return " " + " ".join(re.sub(r"[^\w]+", " ", normalise(text)).split()) + " "


_ROMAN = r"(?:i{1,3}|iv|vi{0,3}|ix|x{1,3}i{0,3}|xi?v|xv?i{0,3})"
_NUMBERING = re.compile(
    r"^(?:"
    r"(?:partie|chapitre|section|part|chapter)\s+(?:\d+|" + _ROMAN + r")\b\.?"
    r"|(?:premiere|deuxieme|seconde|troisieme|\d+\s*(?:e|er|re|ere|eme))\s+partie\b"
    r"|\d+(?:\.\d+)*\.?\)?(?=[\s\-–—:]|$)"
    r"|" + _ROMAN + r"[.)]?(?=[\s\-–—:])"
    r"|" + _ROMAN + r"[.)]"
    r"|[a-z][.)]"
    r"|[a-z](?=\s*[-–—]\s)"
    r")\s*[-–—:.)]?\s*"
)


def strip_numbering(text: str) -> tuple[str, int]:
    """The text without its numbering prefix(es), and the numbering's depth (0: none,
    1: « 2. », « II – », « A) », 2: « 2.1 », …). Works on the original text (any case)."""
    rest = text.strip()
    depth = 0
    for _ in range(3):
        match = _NUMBERING.match(normalise(rest))
        if not match or not match.group(0).strip():
            break
        prefix = match.group(0).strip()
        numbers = re.match(r"^(\d+(?:\.\d+)*)", prefix)
        depth = max(depth, len(numbers.group(1).split(".")) if numbers else 1)
        rest = rest[len(match.group(0)) :] if len(match.group(0)) <= len(rest) else ""
        rest = rest.strip()
    return rest, depth


_ANNEX = re.compile(r"^(?:liste des )?annexes?\b")


def is_annex_title(text: str) -> bool:
    """« Annexes », « Annexe 1 : certificats », « ANNEXES » — a heading that opens annexes."""
    rest, _ = strip_numbering(text)
    return bool(_ANNEX.match(normalise(rest)))


# --- headings ------------------------------------------------------------------------------


@dataclass
class Heading:
    page: int  # 0-based
    title: str
    level: float
    line: int | None = None
    """Index of its line on the page, when known."""
    opens_page: bool = True
    source: str = "text"


_TOC_TITLE = re.compile(
    r"^(?:sommaire|table des matieres|plan(?: du rapport)?|contents|table of contents)\s*:?$"
)
_TOC_ENTRY = re.compile(r"(?:\.{3,}|…|_{3,}|\s)\s*\d{1,3}\s*$")
_FINAL_PUNCTUATION = (".", ",", ";", ":", "!", "…")


def _toc_lines(pages: Sequence[Sequence[Line]]) -> set[tuple[int, int]]:
    """(page, index) of every line that belongs to a table of contents."""
    found: set[tuple[int, int]] = set()
    toc_page = False
    for number, lines in enumerate(pages):
        entries = [line for line in lines if _TOC_ENTRY.search(line.text)]
        titled = any(_TOC_TITLE.match(normalise(line.text)) for line in lines[:3])
        # a TOC page, or the page after one that goes on with entries
        if titled or (toc_page and lines and len(entries) >= 0.6 * len(lines)):
            toc_page = True
            found.update((number, line.index) for line in lines)
            continue
        toc_page = False
        run: list[Line] = []
        for line in [*lines, None]:
            if line is not None and _TOC_ENTRY.search(line.text):
                run.append(line)
                continue
            if len(run) >= 3:
                found.update((number, item.index) for item in run)
            run = []
    return found


def _running_lines(pages: Sequence[Sequence[Line]]) -> set[str]:
    """Lines repeated at the top or bottom of many pages (running headers, footers)."""
    if len(pages) < 4:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = {re.sub(r"\d+", "#", normalise(line.text)) for line in [*lines[:2], *lines[-2:]]}
        counts.update(edge)
    return {text for text, count in counts.items() if count >= max(3, len(pages) // 3)}


def is_cover(pages: Sequence[Sequence[Line]], texts: Sequence[str]) -> bool:
    """A title page: the first page of a report of 4 pages or more, with little text and no
    paragraph (at most one long line)."""
    if len(texts) < 4 or not pages[0] or len(texts[0].strip()) >= COVER_MAX_CHARS:
        return False
    return sum(1 for line in pages[0] if len(line.text) >= COVER_LONG_LINE) <= 1


@dataclass
class Layout:
    """What the text says about the pages beyond their headings."""

    cover: bool
    toc: set[tuple[int, int]]
    running: set[str]
    body_size: float

    def ignored(self, line: Line) -> bool:
        return (
            (line.page == 0 and self.cover)
            or (line.page, line.index) in self.toc
            or re.sub(r"\d+", "#", normalise(line.text)) in self.running
            or bool(re.fullmatch(r"[\W\d]*(?:page)?[\W\d]*", normalise(line.text)))
        )


def layout(pages: Sequence[Sequence[Line]], texts: Sequence[str]) -> Layout:
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    return Layout(is_cover(pages, texts), _toc_lines(pages), _running_lines(pages), body)


def looks_like_heading(line: Line, emphasised: bool) -> bool:
    text = line.text.strip()
    if not 2 <= len(text) <= MAX_HEADING_CHARS or len(text.split()) > MAX_HEADING_WORDS:
        return False
    # « Conclusion : » in bold is still a heading; a sentence's end is not
    colon = emphasised and text.endswith(":") and len(text.split()) <= 8
    if text.endswith(_FINAL_PUNCTUATION) and not text.endswith("...") and not colon:
        return False
    rest, _ = strip_numbering(text)
    if not any(c.isalpha() for c in rest):
        return False
    # « Première partie : rapport … » is a heading; « budget, en remplaçant … » is not
    first = next((c for c in text if c.isalnum()), "")
    return first.isupper() or first.isdigit()


def _emphasised(line: Line, body: float) -> bool:
    return line.bold or line.size >= body + EMPHASIS_POINTS


def first_content_index(lines: Sequence[Line], shape: Layout) -> int | None:
    """Index of the first line of the page that is not a running header or a page number."""
    return next((line.index for line in lines if not shape.ignored(line)), None)


def text_headings(pages: Sequence[Sequence[Line]], shape: Layout) -> list[Heading]:
    """The headings of the text, in reading order, with levels."""
    candidates = [
        line
        for lines in pages
        for line in lines
        if not shape.ignored(line) and looks_like_heading(line, _emphasised(line, shape.body_size))
    ]
    emphasised = [line for line in candidates if _emphasised(line, shape.body_size)]
    if emphasised:
        chosen = emphasised
    else:
        # No emphasis anywhere: short lines standing apart from the text around them.
        gaps = sorted(line.gap for lines in pages for line in lines if line.gap)
        usual = gaps[len(gaps) // 2] if gaps else 0.0
        chosen = [
            line
            for line in candidates
            if len(line.text) <= 60 and (line.gap is None or line.gap >= 1.4 * usual)
        ]
    classes = sorted({(line.size, line.bold) for line in chosen}, key=lambda c: (-c[0], not c[1]))
    rank = {c: float(i) for i, c in enumerate(classes)}
    numbered: dict[tuple[float, bool], float] = {}
    for c in classes:
        members = [line for line in chosen if (line.size, line.bold) == c]
        numbered[c] = sum(1 for line in members if strip_numbering(line.text)[1]) / len(members)
    found: list[Heading] = []
    for line in chosen:
        c = (line.size, line.bold)
        _, depth = strip_numbering(line.text)
        level = rank[c] + 0.5 * max(0, depth - 1)
        if not depth and numbered[c] > 0.5 and c[0] < shape.body_size + EMPHASIS_POINTS:
            # bold lines of the body's size, mostly numbered: an unnumbered one is below them
            level += 0.5
        start = first_content_index(pages[line.page], shape)
        found.append(Heading(line.page, line.text, level, line.index, start == line.index, "text"))
    return found


def locate(heading: Heading, lines: Sequence[Line], shape: Layout) -> None:
    """Find an outline heading's line on its page, to know whether it opens the page."""
    target = words(heading.title)
    for line in lines:
        if shape.ignored(line):
            continue
        text = words(line.text)
        if text.strip() and (target.startswith(text) or text.startswith(target)):
            heading.line = line.index
            heading.opens_page = line.index == first_content_index(lines, shape)
            return
    heading.opens_page = True
