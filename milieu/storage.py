"""Deposited files: read with a size limit, recognised by their bytes, stored outside the web root.

Reports, apprenticeship contracts, work certificates and derogation attachments are kept in
Django's default storage, made from ``STORAGE_URL``: a folder of the local disk
(``PRIVATE_FILES_ROOT``, never under a served directory: the default) or an S3-compatible bucket
shared by every web machine and worker. Nothing here uses a path of the disk: the same code reads
and writes both. A view sends a file back only after asking `milieu.permissions`, never through
an address of the storage. A stored file is named by a random identifier, never by what the user
called it, and is never overwritten: each deposit is a new file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils import timezone
from storages.backends.s3 import S3Storage

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
    path: str  # the name in the storage (relative to PRIVATE_FILES_ROOT on the local disk)
    sha256: str
    size: int


class PrivateStorageMixin:
    """A storage of private files: no address of its own. Every file goes back to a person
    through a view of Milieu that asks `milieu.permissions` first, never through a link to the
    disk or to the bucket."""

    def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
        raise NotImplementedError("Les fichiers déposés n’ont pas d’adresse publique.")


class PrivateFileSystemStorage(PrivateStorageMixin, FileSystemStorage):
    """The local disk (the default): the folder is ``PRIVATE_FILES_ROOT`` unless ``STORAGE_URL``
    (``file:///…``) names another; read at each use, so that a test may change it."""

    @property
    def base_location(self) -> str:
        return str(getattr(self, "_location", None) or settings.PRIVATE_FILES_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


class PrivateS3Storage(PrivateStorageMixin, S3Storage):
    """An S3-compatible bucket (``STORAGE_URL=s3://…``): objects without any public ACL."""


def backend() -> Storage:
    """The storage of deposited files: ``STORAGES["default"]``, made from ``STORAGE_URL``."""
    return storages["default"]


def checked_name(relative: str) -> str:
    """A stored file's name as written by `store`: relative, POSIX, without ``..`` nor empty
    parts. Anything else (a path that would leave the storage) is a `ValueError`."""
    parts = str(relative).split("/")
    if (
        not relative
        or "\\" in relative
        or "\x00" in relative
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ValueError("stored path outside the private storage")
    return str(relative)


def store(category: str, content: bytes, *, suffix: str) -> StoredFile:
    """Write `content` as ``<category>/<year>/<random>.<suffix>``; never overwrites."""
    if not category.isidentifier() or not suffix.isalnum():
        raise ValueError("category and suffix must be plain words")
    name = f"{category}/{timezone.now():%Y}/{secrets.token_hex(16)}.{suffix}"
    saved = backend().save(name, ContentFile(content))
    return StoredFile(saved, hashlib.sha256(content).hexdigest(), len(content))


def open_stored(relative: str) -> IO[bytes]:
    """The stored file opened for reading (`FileNotFoundError` when it is gone)."""
    return cast(IO[bytes], backend().open(checked_name(relative), "rb"))


def read(relative: str) -> bytes:
    with open_stored(relative) as handle:
        return handle.read()


def chunks(relative: str, size: int = 1024 * 1024) -> Iterator[bytes]:
    """The stored file's bytes, a piece at a time (archives of many files)."""
    with open_stored(relative) as handle:
        while chunk := handle.read(size):
            yield chunk


def exists(relative: str) -> bool:
    try:
        return backend().exists(checked_name(relative))
    except ValueError:
        return False


def delete(relative: str) -> None:
    """Remove a stored file; one already gone is not an error."""
    backend().delete(checked_name(relative))


def write(relative: str, content: IO[bytes]) -> None:
    """Put a file back under its own name (a restore), replacing what is there."""
    name = checked_name(relative)
    store_ = backend()
    if store_.exists(name):
        store_.delete(name)
    saved = store_.save(name, File(content))
    if saved != name:
        raise ValueError("the storage renamed a restored file")


def names(prefix: str = "") -> Iterator[str]:
    """Every stored file's name, in a stable order (backups)."""
    store_ = backend()
    try:
        directories, files = store_.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for directory in sorted(directories):
        yield from names(f"{prefix}{directory}/")


def is_local() -> bool:
    return isinstance(backend(), FileSystemStorage)


def root() -> Path:
    """The local folder of the stored files (the local disk only: tests and diagnostics)."""
    return Path(str(cast(FileSystemStorage, backend()).location)).resolve()


def path_of(relative: str) -> Path:
    """The absolute path of a stored file on the local disk (tests and diagnostics only: the
    application reads through the storage API, which also works with a bucket)."""
    base = root()
    target = (base / checked_name(relative)).resolve()
    if base not in target.parents:
        raise ValueError("stored path outside the private root")
    return target


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
