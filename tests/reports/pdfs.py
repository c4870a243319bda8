"""Real PDF files made with WeasyPrint, with known pages, headings, formats and languages."""

from __future__ import annotations

import html
from dataclasses import dataclass

from weasyprint import HTML

FRENCH = (
    "Le stage s'est déroulé dans le service de métrologie de l'entreprise, où j'ai participé "
    "à l'étalonnage des instruments de mesure et à la rédaction des procédures. "
)
ENGLISH_PRESS = (
    "The company announced on Monday that it would open a new plant, the newspaper reported. "
    "According to the spokesperson, the project was published in the press and journalists "
    "said it would create two hundred jobs. Read more news in our magazine. "
)
ENGLISH_TECHNICAL = (
    "This datasheet gives the technical specification of the sensor: supply voltage, "
    "interface protocol, pin configuration and installation parameters for the user manual. "
)


@dataclass(frozen=True)
class Page:
    heading: str | None = None
    text: str = FRENCH
    size: str | None = None  # a CSS page size, e.g. "A3" or "500mm 700mm"
    level: int = 1


def make_pdf(pages: list[Page], *, bookmarks: bool = True, toc: bool = False) -> bytes:
    """One PDF page per `Page` (a heading, then its text); `toc` adds a contents page first."""
    sizes = sorted({p.size for p in pages if p.size})
    names = {size: f"p{i}" for i, size in enumerate(sizes)}
    css = ["@page { size: A4; margin: 2cm }", "div.page + div.page { break-before: page }"]
    css += [f"@page {name} {{ size: {size} }}" for size, name in names.items()]
    css += [f"div.{name} {{ page: {name} }}" for name in names.values()]
    if not bookmarks:
        css.append("h1, h2, h3 { bookmark-level: none }")
    body = []
    if toc:
        lines = "".join(
            f"<p>{html.escape(p.heading)} ........ {i + 2}</p>"
            for i, p in enumerate(pages)
            if p.heading
        )
        body.append(f'<div class="page"><p>Sommaire</p>{lines}</div>')
    for page in pages:
        classes = "page" + (f" {names[page.size]}" if page.size else "")
        heading = (
            f"<h{page.level}>{html.escape(page.heading)}</h{page.level}>" if page.heading else ""
        )
        body.append(f'<div class="{classes}">{heading}<p>{html.escape(page.text * 3)}</p></div>')
    document = (
        f"<html><head><style>{' '.join(css)}</style></head><body>{''.join(body)}</body></html>"
    )
    pdf = HTML(string=document).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def mm_pages(*, legal: int = 3, qsse: int = 2, activities: int = 5, annexes: int = 4) -> list[Page]:
    """A BTS Métiers de la mesure report: cover, six sections, then annexes."""
    pages = [
        Page(
            "Rapport de stage",
            "Rapport présenté par la candidate pour la session de l'examen en 2028. " * 3,
        )
    ]
    pages += [Page("1. Présentation de l'entreprise"), Page()]
    pages += [Page("2. Analyse du contexte juridique")] + [Page()] * (legal - 2)
    pages += [Page("2.1 Le cadre réglementaire", level=2)] if legal > 1 else []
    pages += [Page("3. Description et analyse d'activités")] + [Page()] * (activities - 1)
    pages += [Page("4. Exemple de démarche QSSE")] + [Page()] * (qsse - 1)
    pages += [Page("5. Conclusion")]
    pages += [Page("6. Summary", ENGLISH_PRESS)]
    if annexes:
        pages += [Page("Annexes", "Liste des annexes : plans, procédures, certificats. " * 3)]
        pages += [Page()] * (annexes - 1)
    return pages
