"""Supporting documents of a derogation request: read, checked, refused when hostile.

`refuse_hostile_pdf` is the one place this app asks for a PDF's hostile-content check (scripts,
launch actions, embedded files, encryption, decompression bombs, damaged files). Today it calls
the report analyser (`milieu.reports.analysis.analyse_report`), whose refusals are the house
rules for deposited PDFs; when those rules move to a shared module, only this function changes.
"""

from __future__ import annotations

from typing import Any

from milieu import storage

STORAGE_CATEGORY = "derogations"


class AttachmentRefused(Exception):
    """A supporting document refused before anything is stored, with a French message."""


def refuse_hostile_pdf(content: bytes) -> None:
    """Raise `AttachmentRefused` (French message) when the PDF must not be kept."""
    from milieu.reports.analysis import ReportRejected, analyse_report

    try:
        analyse_report(content, diploma_id="", section_keywords={})
    except ReportRejected as refused:
        raise AttachmentRefused(refused.message) from refused


def read_attachment(upload: Any) -> bytes:
    """The bytes of an uploaded supporting document: a PDF within the size limit, without
    active content; `AttachmentRefused` otherwise (nothing is stored)."""
    try:
        content, _ = storage.read_upload(upload, kinds=("pdf",))
    except storage.UploadRefused as refused:
        raise AttachmentRefused(str(refused)) from refused
    refuse_hostile_pdf(content)
    return content


def clean_file_name(name: str) -> str:
    """The deposited file's own name, for display: no folders, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:200] or "piece.pdf"
