"""Issue 15: a long report is analysed, a page-tree bomb is still refused.

pypdf's `page_tree_maximum_page_entries` counts the entries of the page dictionaries copied
while the page tree is flattened (about ten a page), not pages: the analyser once passed it its
page limit, so any report over about 70 pages was refused as « données compressées
démesurées ».
"""

from __future__ import annotations

import time

import pytest

from milieu.reports import analyse_report
from milieu.reports.analysis import ReportRejected
from tests.reports.pdfs import make_pdf, mm_pages


def test_a_report_of_over_100_pages_with_annexes_is_analysed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = mm_pages(legal=3, qsse=4, activities=60, annexes=46)
    pdf = make_pdf(pages)
    analysis = analyse_report(pdf, diploma_id="bts-metiers-de-la-mesure")
    assert analysis.total_pages == len(pages) > 100
    assert (analysis.pages, analysis.annex_pages) == (len(pages) - 46, 46)
    assert len(analysis.sections) == 6
    # what the limit was: one entry a page refuses it
    monkeypatch.setattr("milieu.reports.analysis.MAX_PAGE_ENTRIES", 1)
    with pytest.raises(ReportRejected, match="démesurées"):
        analyse_report(pdf, diploma_id="bts-metiers-de-la-mesure")


def _page_tree_bomb(references: int) -> bytes:
    """One page listed `references` times in the page tree, which declares a single page."""
    kids = " ".join(["3 0 R"] * references)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Count 1 /Kids [{kids}] >>".encode(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Rotate 0 /UserUnit 1 >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    body += f"startxref\n{xref}\n%%EOF\n".encode()
    return body


def test_a_page_tree_listing_one_page_thousands_of_times_is_still_refused() -> None:
    started = time.perf_counter()
    with pytest.raises(ReportRejected) as refused:
        analyse_report(_page_tree_bomb(60_000), diploma_id="bts-metiers-de-la-mesure")
    assert time.perf_counter() - started < 10
    assert refused.value.message in {
        "Le fichier contient des données compressées démesurées : il est refusé.",
        "Le rapport compte trop de pages (plus de 500).",
    }
