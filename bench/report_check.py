"""Time the report analyser (`milieu.reports.analyse_report`) on a generated 60-page PDF.

Prints the median of 3 runs and its ratio to the goal (≤ 3 s); no timed assertion. The PDF is
made by WeasyPrint, then (when LibreOffice is installed) a second one the way students make
them: a .docx exported by LibreOffice, bold headings, no bookmarks, a table of contents.

    .venv/bin/python bench/report_check.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from milieu.reports import analyse_report
from tests.reports.pdfs import make_pdf, mm_pages

GOAL_SECONDS = 3.0
RUNS = 3


def libreoffice_pdf() -> bytes | None:
    """A 60-page BTS MM report written as a student would, exported by LibreOffice."""
    import tempfile

    from tests.reports.fixtures.builder import build, soffice
    from tests.reports.fixtures.reports import MM_SYNONYMS, mm

    if soffice() is None:
        return None
    report = mm(
        "bench-60",
        MM_SYNONYMS,
        kind="bench",
        style="bold",
        bookmarks=False,
        toc="plain",
        activities=35,
        annex_count=12,
        qsse=4,
    )
    with tempfile.TemporaryDirectory() as workdir:
        return build([report], Path(workdir))["bench-60"]


def main() -> None:
    # 1 cover + 6 sections (47 pages) + 12 pages of annexes = 60 pages.
    pages = mm_pages(legal=3, qsse=4, activities=36, annexes=12)
    started = time.perf_counter()
    pdf = make_pdf(pages)
    print(
        f"PDF généré : {len(pages)} pages, {len(pdf) / 1024:.0f} Kio "
        f"en {time.perf_counter() - started:.2f} s (WeasyPrint, non compté)"
    )
    measure(pdf, "WeasyPrint, signets")
    started = time.perf_counter()
    student = libreoffice_pdf()
    if student is None:
        print("LibreOffice (soffice) absent : pas de second PDF")
    else:
        print(f"PDF LibreOffice généré en {time.perf_counter() - started:.2f} s (non compté)")
        measure(student, "LibreOffice, titres en gras, sans signets")
    print(f"charge : {os.getloadavg()[0]:.2f}")


def measure(pdf: bytes, label: str) -> None:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        analysis = analyse_report(pdf, diploma_id="bts-metiers-de-la-mesure")
        times.append(time.perf_counter() - started)
    assert analysis.total_pages == 60, analysis.total_pages
    median = statistics.median(times)
    print(
        f"[{label}] analyse_report : médiane de {RUNS} = {median:.3f} s "
        f"(essais : {', '.join(f'{t:.3f}' for t in times)} s ; le premier charge lingua)"
    )
    print(
        f"objectif ≤ {GOAL_SECONDS:.0f} s : ratio {median / GOAL_SECONDS:.2f} — "
        f"{'atteint' if median <= GOAL_SECONDS else 'non atteint'}"
    )
    print(
        f"résultat : {analysis.pages} pages + {analysis.annex_pages} annexes, "
        f"{len(analysis.sections)} parties, format {analysis.page_format}"
    )


if __name__ == "__main__":
    main()
