"""Supporting documents of a derogation request: read, checked, refused when hostile.

`refuse_hostile_pdf` asks the shared hostile-file rules (`milieu.filesafety.check_pdf`: scripts,
launch actions, embedded files, encryption, decompression bombs, damaged files), the same as every
other deposit; `storage.read_upload` already applies them, this keeps the promise explicit.
"""

from __future__ import annotations

from typing import Any

from milieu import storage
from milieu.filesafety import FileRefused, check_pdf

STORAGE_CATEGORY = "derogations"


class AttachmentRefused(Exception):
    """A supporting document refused before anything is stored, with a French message."""


def refuse_hostile_pdf(content: bytes) -> None:
    """Raise `AttachmentRefused` (French message) when the PDF must not be kept."""
    try:
        check_pdf(content)
    except FileRefused as refused:
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
