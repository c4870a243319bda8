"""Deposited files: read with a size limit, recognised by their bytes, stored outside the web root.

Reports, apprenticeship contracts and work certificates are kept under ``PRIVATE_FILES_ROOT``
(never under a served directory); a view sends one back only after asking
`milieu.permissions`. A stored file is named by a random identifier, never by what the user
called it, and is never overwritten: each deposit is a new file.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from milieu import filesafety
from milieu.refusals import Refused


class UploadRefused(Refused):
    """A deposited file refused before anything is stored, with a French message."""


# kind → (first bytes, French name)
_SIGNATURES: tuple[tuple[str, bytes, str], ...] = (
    ("pdf", b"%PDF-", "PDF"),
    ("png", b"\x89PNG\r\n\x1a\n", "image PNG"),
    ("jpeg", b"\xff\xd8\xff", "image JPEG"),
)
KIND_NAMES = {kind: name for kind, _, name in _SIGNATURES}
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def sniff(content: bytes) -> str | None:
    """The file's kind by its first bytes ("pdf", "png", "jpeg"), whatever its name says.

    A PDF may start with a few bytes of junk (readers accept up to 1 KiB before ``%PDF-``).
    """
    for kind, magic, _ in _SIGNATURES:
        if content.startswith(magic):
            return kind
    if b"%PDF-" in content[:1024]:
        return "pdf"
    return None


def max_bytes() -> int:
    return int(settings.DOCUMENT_MAX_BYTES)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " Mo"


def read_upload(
    upload: Any, *, kinds: tuple[str, ...] = ("pdf",), limit: int | None = None
) -> tuple[bytes, str]:
    """The bytes and kind of an uploaded file, or `UploadRefused` with the reason in French.

    The size is checked before the file is read (and again while reading: a client may lie);
    the kind is told by the bytes, not by the name or the declared content type; the content
    must pass `milieu.filesafety` (no script, attachment, encryption or bomb).
    """
    limit = max_bytes() if limit is None else limit
    if upload is None:
        raise UploadRefused("Choisissez un fichier à déposer.")
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise UploadRefused(
            f"Le fichier pèse {_megabytes(declared)} : la limite est de {_megabytes(limit)}."
        )
    chunks: list[bytes] = []
    total = 0
    for chunk in upload.chunks():
        total += len(chunk)
        if total > limit:
            raise UploadRefused(f"Le fichier dépasse la limite de {_megabytes(limit)}.")
        chunks.append(chunk)
    content = b"".join(chunks)
    if not content:
        raise UploadRefused("Le fichier est vide.")
    kind = sniff(content)
    if kind not in kinds:
        expected = " ou ".join(KIND_NAMES[k] for k in kinds)
        found = f"un fichier {KIND_NAMES[kind]}" if kind else "un fichier d'un type non reconnu"
        raise UploadRefused(f"Le fichier déposé est {found} : un fichier {expected} est attendu.")
    # hostile content (scripts, attachments, bombs…): the rules shared by every deposit
    try:
        filesafety.check_file(content, kind)
    except filesafety.FileRefused as refused:
        raise UploadRefused(refused.message) from refused
    return content, kind


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to PRIVATE_FILES_ROOT
    sha256: str
    size: int


def root() -> Path:
    return Path(settings.PRIVATE_FILES_ROOT).resolve()


def store(category: str, content: bytes, *, suffix: str) -> StoredFile:
    """Write `content` under ``<root>/<category>/<year>/<random>.<suffix>``; never overwrites."""
    if not category.isidentifier() or not suffix.isalnum():
        raise ValueError("category and suffix must be plain words")
    relative = Path(category) / f"{timezone.now():%Y}" / f"{secrets.token_hex(16)}.{suffix}"
    target = root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as handle:
        handle.write(content)
    return StoredFile(str(relative), hashlib.sha256(content).hexdigest(), len(content))


def path_of(relative: str) -> Path:
    """The absolute path of a stored file; refuses anything that would leave the root."""
    base = root()
    target = (base / relative).resolve()
    if base not in target.parents:
        raise ValueError("stored path outside the private root")
    return target


def read(relative: str) -> bytes:
    return path_of(relative).read_bytes()


UPLOAD_NAME_MAX = 200
"""The longest name kept for a deposited file (the shortest column that records one)."""


def _name_character(character: str) -> str:
    """Spaces of any kind become a space; control, format and line separators disappear."""
    category = unicodedata.category(character)
    if category == "Zs":
        return " "
    return "" if category[0] in "CZ" else character


def upload_name(name: object, *, default: str = "fichier") -> str:
    """A deposited file's own name made safe to show and record: its last path part, without
    control or invisible formatting characters, at most `UPLOAD_NAME_MAX` characters with its
    extension kept when it is a short one. Never used to name the stored file."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join("".join(map(_name_character, text)).split())
    if len(text) > UPLOAD_NAME_MAX:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            text = stem[: UPLOAD_NAME_MAX - len(extension) - 2].rstrip() + "…." + extension
        else:
            text = text[: UPLOAD_NAME_MAX - 1].rstrip() + "…"
    return text or default
