"""Supporting documents of a derogation request: read, checked, refused when hostile.

`storage.read_upload` applies the shared hostile-file rules (`milieu.filesafety`: scripts,
launch actions, embedded files, encryption, decompression bombs, damaged files), the same as every
other deposit.
"""

from __future__ import annotations

from typing import Any

from milieu import storage
from milieu.refusals import Refused

STORAGE_CATEGORY = "derogations"


class AttachmentRefused(Refused):
    """A supporting document refused before anything is stored, with a French message."""


def read_attachment(upload: Any) -> bytes:
    """The bytes of an uploaded supporting document: a PDF within the size limit, without
    active content; `AttachmentRefused` otherwise (nothing is stored)."""
    try:
        content, _ = storage.read_upload(upload, kinds=("pdf",))
    except storage.UploadRefused as refused:
        raise AttachmentRefused(str(refused)) from refused
    return content


def clean_file_name(name: str) -> str:
    """The deposited file's own name, for display: no folders, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:200] or "piece.pdf"
