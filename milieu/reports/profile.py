"""What a diploma's report is made of, read from its catalogue file: its sections (title,
heading keywords, synonyms, excluding words), the sections that are the contract's `parts`, the
part whose pages are `pages`, whether English documents are counted (`report_profile`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from milieu.rules.catalogue import Catalogue, get_catalogue


@dataclass(frozen=True)
class ReportSection:
    key: str
    """The contract's section key, e.g. "legal-analysis"."""
    title: str
    """French title, for the screen."""
    keywords: tuple[str, ...]
    """Heading keywords (any case, accents optional)."""
    synonyms: tuple[str, ...] = ()
    """Other ways students title the section; matched like the keywords."""
    excluding: tuple[str, ...] = ()
    """Words that, in a heading, mean it is not this section (« Conclusion partielle »)."""


@dataclass(frozen=True)
class ReportPart:
    """The part of the dossier whose pages are the contract's `pages` (`report_pages_part`)."""

    title: str
    keywords: tuple[str, ...]
    from_sections: tuple[str, ...]


@dataclass(frozen=True)
class ReportProfile:
    """What a diploma's report is made of, read from its catalogue file."""

    diploma_id: str
    sections: tuple[ReportSection, ...]
    parts: tuple[str, ...] = ()
    english_documents: bool = False
    pages_part: ReportPart | None = None

    def keywords(self) -> dict[str, list[str]]:
        """Section key → every word that names it (keywords, then synonyms)."""
        return {section.key: [*section.keywords, *section.synonyms] for section in self.sections}

    def excluding(self) -> dict[str, list[str]]:
        """Section key → the words that disqualify a heading."""
        return {s.key: list(s.excluding) for s in self.sections if s.excluding}

    def title(self, key: str) -> str:
        """The French title of a section key (the key itself when the catalogue has none)."""
        return next((s.title for s in self.sections if s.key == key), key)


def _layout_keys(diploma: Any, pathway_key: str) -> set[str]:
    """The section keys the pathway's rules name (its layout of the dossier)."""
    if pathway_key not in diploma.plans:
        return set()
    plan = diploma.plan(pathway_key)
    keys: set[str] = set()
    for rule in plan.get("report-sections", ()):
        keys.update(str(k) for k in rule.params.get("sections", ()))
    for rule in plan.get("report-section-length", ()):
        keys.add(str(rule.params["section"]))
    for rule in plan.get("report-pages", ()):
        keys.update(str(k) for k in rule.params.get("max_parts", {}))
    return keys


def report_profile(
    diploma_id: str, catalogue: Catalogue | None = None, *, pathway_key: str | None = None
) -> ReportProfile | None:
    """The report data of `diploma_id`'s catalogue file; None when it expects no report (or the
    diploma is unknown). With `pathway_key`, only the sections that the pathway's rules name
    are looked for: a dossier of one layout is not cut by the other layout's headings."""
    diploma = (catalogue or get_catalogue()).get(diploma_id)
    if diploma is None:
        return None
    raw = diploma.extra.get("report_sections")
    if not raw:
        return None
    sections = tuple(
        ReportSection(
            str(key),
            str(spec["title"]),
            tuple(str(k) for k in spec["keywords"]),
            tuple(str(k) for k in spec.get("synonyms", ())),
            tuple(str(k) for k in spec.get("excluding", ())),
        )
        for key, spec in raw.items()
    )
    if pathway_key is not None:
        keys = _layout_keys(diploma, pathway_key)
        if keys:
            sections = tuple(s for s in sections if s.key in keys)
    present = {s.key for s in sections}
    part = diploma.extra.get("report_pages_part")
    pages_part = None
    if part:
        pages_part = ReportPart(
            str(part["title"]),
            tuple(str(k) for k in part.get("keywords", ())),
            tuple(str(k) for k in part.get("from_sections", ())),
        )
        if not present & set(pages_part.from_sections):
            pages_part = None
    return ReportProfile(
        diploma_id=diploma_id,
        sections=sections,
        parts=tuple(str(k) for k in diploma.extra.get("report_parts", ()) if str(k) in present),
        english_documents=bool(diploma.extra.get("report_english_documents", False)),
        pages_part=pages_part,
    )
