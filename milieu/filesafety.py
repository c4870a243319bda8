"""The refusal rules for every deposited PDF and image, in one place.

Reports (`milieu.reports.analysis`), apprenticeship contracts and work certificates
(`milieu.evidence`), scans of conventions signed on paper (`milieu.conventions`) and any file
read by `milieu.storage.read_upload` go through `check_pdf` or `check_image` before a byte is
stored. Each refusal is a `FileRefused` whose message is French and can be shown as it is.

A PDF is refused when it is:

- not a PDF (no ``%PDF-`` in its first KiB), empty, too big, or truncated (no ``%%EOF`` at its
  end), or so damaged that it cannot be read;
- encrypted or protected by a password (nobody could check what it holds);
- active: JavaScript (``/JS``, ``/JavaScript``), an action that launches a program or imports
  data (``/Launch``, ``/ImportData``, ``/RichMediaExecute``), an XFA form or rich media (Flash);
  links to web pages (``/URI``) are accepted;
- carrying embedded files (``/EmbeddedFiles``, ``/EF``, file attachment annotations);
- a bomb: a stream that decompresses to more than `MAX_STREAM_BYTES` (or all of them together to
  more than `MAX_TOTAL_DECODED_BYTES`), an image larger than `MAX_IMAGE_PIXELS`, more objects
  than `MAX_OBJECTS`, more pages than `MAX_PAGES` (declared or real), no page at all;
- made of pages larger than `MAX_PAGE_SIDE_PT` on a side (5,08 m, the largest a PDF reader must
  handle), or of empty or nonsensical size.

An image (PNG, JPEG) is refused when its header cannot be read as the kind its bytes announce, or
when it declares more than `MAX_IMAGE_PIXELS` pixels (a decompression bomb): only the header is
read, nothing is decoded.
"""

from __future__ import annotations

import io
import math
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pypdf
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from milieu.refusals import Refused

MAX_PDF_BYTES = 30 * 1024 * 1024
"""Largest PDF read, in bytes (uploads are limited before by `storage.max_bytes`)."""
MAX_PAGES = 500
"""Most pages accepted (the declared page count is checked before the pages are read)."""
MAX_STREAM_BYTES = 20 * 1024 * 1024
"""Most bytes one stream (other than an image) may decompress to."""
MAX_TOTAL_DECODED_BYTES = 512 * 1024 * 1024
"""Most bytes all the streams of a file may decompress to together (images included)."""
MAX_OBJECTS = 300_000
"""Most PDF objects walked when looking for active content, attachments and bombs."""
MAX_PAGE_SIDE_PT = 14_400.0
"""Longest page side, in points: 200 inches (5,08 m), the largest page PDF readers handle."""
MAX_IMAGE_PIXELS = 80_000_000
"""Most pixels in one image (an A3 page scanned at 600 dpi holds 70 million)."""


class FileRefused(Refused):
    """A deposited file that must not be stored; `message` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NOT_A_PDF = "Le fichier n'est pas un PDF : déposez-le au format PDF."
DAMAGED = (
    "Le fichier PDF est endommagé ou illisible : enregistrez-le de nouveau au format PDF depuis "
    "votre traitement de texte ou votre scanner."
)
BOMB = "Le fichier contient des données compressées démesurées : il est refusé."
SCRIPT = (
    "Le PDF contient du JavaScript ou une action qui lance un programme : ce contenu actif est "
    "refusé. Enregistrez de nouveau le document au format PDF depuis votre traitement de texte "
    "(« Exporter au format PDF »)."
)
ATTACHMENT = (
    "Le PDF contient des fichiers joints (pièces jointes incorporées) : ils sont refusés. "
    "Mettez les annexes dans les pages du document et déposez un PDF sans pièce jointe."
)


def _too_many_pages(limit: int) -> str:
    return f"Le document compte trop de pages (plus de {limit})."


# --- PDF -----------------------------------------------------------------------------------


PAGE_TREE_ENTRIES_PER_PAGE = 64


@contextmanager
def pypdf_limits(
    max_stream_bytes: int = MAX_STREAM_BYTES, max_pages: int = MAX_PAGES
) -> Iterator[None]:
    """pypdf's own decompression and page-tree limits lowered to ours while reading."""
    with pypdf.apply_configuration(
        maximum_declared_stream_length=max_stream_bytes,
        array_based_stream_maximum_output_length=max_stream_bytes,
        jbig2_maximum_output_length=max_stream_bytes,
        lzw_maximum_output_length=max_stream_bytes,
        run_length_maximum_output_length=max_stream_bytes,
        zlib_maximum_output_length=max_stream_bytes,
        brotli_maximum_output_length=max_stream_bytes,
        image_maximum_buffer_size=max_stream_bytes,
        stream_decoding_work_maximum_length=4 * max_stream_bytes,
        # pypdf counts the entries of the page dictionaries (about ten a page), not pages: a
        # limit of `max_pages` refused every report over about 70 pages (issue 15)
        page_tree_maximum_page_entries=max_pages * PAGE_TREE_ENTRIES_PER_PAGE,
    ):
        yield


def check_pdf_envelope(
    data: bytes | bytearray | memoryview, *, max_bytes: int = MAX_PDF_BYTES
) -> None:
    """What is refused before the PDF is parsed: not bytes, empty, too big, no header, truncated."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise FileRefused("Le fichier reçu n'est pas un fichier.")
    if len(data) == 0:
        raise FileRefused("Le fichier est vide.")
    if len(data) > max_bytes:
        raise FileRefused(
            f"Le fichier dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo."
        )
    # The header may follow a little junk (the PDF specification tolerates it in 1 KiB).
    if b"%PDF-" not in bytes(data[:1024]):
        raise FileRefused(NOT_A_PDF)
    # Checked before parsing: a truncated file would otherwise only read as "damaged".
    if b"%%EOF" not in bytes(data[-2048:]):
        raise FileRefused(
            "Le fichier PDF est incomplet (tronqué) : déposez-le de nouveau en entier."
        )


def check_pdf(
    data: bytes | bytearray | memoryview,
    *,
    max_bytes: int = MAX_PDF_BYTES,
    max_pages: int = MAX_PAGES,
    max_objects: int = MAX_OBJECTS,
    max_stream_bytes: int = MAX_STREAM_BYTES,
) -> int:
    """Refuse (`FileRefused`) a PDF that is hostile or unreadable; return its page count."""
    check_pdf_envelope(data, max_bytes=max_bytes)
    with pypdf_limits(max_stream_bytes, max_pages):
        try:
            return _inspect(
                bytes(data),
                max_pages=max_pages,
                max_objects=max_objects,
                max_stream_bytes=max_stream_bytes,
            )
        except FileRefused:
            raise
        except pypdf.errors.LimitReachedError as error:
            raise FileRefused(BOMB) from error
        except Exception as error:  # pypdf raises many kinds on broken files
            raise FileRefused(DAMAGED) from error


def _inspect(data: bytes, *, max_pages: int, max_objects: int, max_stream_bytes: int) -> int:
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise FileRefused(
            "Le PDF est protégé par un mot de passe ou chiffré : déposez une version sans "
            "protection."
        )
    declared = _resolved(_resolved(reader.trailer["/Root"])["/Pages"]).get("/Count", 0)
    if not isinstance(declared, int) or declared < 0 or declared > max_pages:
        raise FileRefused(_too_many_pages(max_pages))
    pages = list(reader.pages)
    if not pages:
        raise FileRefused("Le PDF ne contient aucune page.")
    if len(pages) > max_pages:
        raise FileRefused(_too_many_pages(max_pages))
    for page in pages:
        _check_page_size(page)
    _walk(reader, max_objects=max_objects, max_stream_bytes=max_stream_bytes)
    return len(pages)


def _check_page_size(page: Any) -> None:
    box = page.mediabox
    unit = _resolved(page.get("/UserUnit", 1))
    scale = float(unit) if isinstance(unit, int | float) else 1.0
    sides = (abs(float(box.width)) * scale, abs(float(box.height)) * scale)
    if not all(math.isfinite(side) and side >= 1 for side in sides):
        raise FileRefused(
            "Une page du PDF a une taille vide ou incohérente : le fichier est refusé."
        )
    if max(sides) > MAX_PAGE_SIDE_PT:
        raise FileRefused(
            "Une page du PDF est démesurée (plus de 5 mètres de côté) : le fichier est refusé."
        )


def _resolved(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


_SCRIPT_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"})
_ACTIVE_SUBTYPES = frozenset({"/RichMedia"})


def _walk(
    reader: pypdf.PdfReader,
    *,
    max_objects: int,
    max_stream_bytes: int,
) -> None:
    """Walk every object reachable from the trailer: refuse scripts, attachments, too many
    objects and streams that decompress beyond `max_stream_bytes`."""
    stack: list[Any] = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    walked = 0
    budget = [MAX_TOTAL_DECODED_BYTES]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        walked += 1
        if walked > max_objects:
            raise FileRefused(
                "Le fichier PDF contient un nombre démesuré d'objets : il est refusé."
            )
        if isinstance(item, DictionaryObject):
            found = _danger(item)
            if found is not None:
                raise FileRefused(SCRIPT if found == "script" else ATTACHMENT)
            if isinstance(item, StreamObject):
                _check_stream(item, max_stream_bytes, budget)
            stack.extend(value for name, value in dict.items(item) if name != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))


def _danger(item: DictionaryObject) -> str | None:
    if "/JS" in item or "/JavaScript" in item or "/XFA" in item:
        return "script"
    if _resolved(dict.get(item, "/S")) in _SCRIPT_ACTIONS:
        return "script"
    subtype = _resolved(dict.get(item, "/Subtype"))
    if subtype in _ACTIVE_SUBTYPES:
        return "script"
    if (
        "/EmbeddedFiles" in item
        or "/EF" in item
        or _resolved(dict.get(item, "/Type")) == "/EmbeddedFile"
        or subtype == "/FileAttachment"
    ):
        return "attachment"
    return None


def _filters(stream: StreamObject) -> list[str]:
    value = _resolved(dict.get(stream, "/Filter"))
    if value is None:
        return []
    if isinstance(value, ArrayObject):
        return [str(_resolved(v)) for v in value]
    return [str(value)]


_FLATE = frozenset({"/FlateDecode", "/Fl"})
_RAW_IMAGE_FILTERS = frozenset(
    {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"}
)


def _check_stream(stream: StreamObject, limit: int, budget: list[int]) -> None:
    """Refuse a stream that decompresses beyond `limit` (an image: beyond what its declared
    size needs) or beyond what is left of the file's `budget`; nothing decoded is kept."""
    filters = _filters(stream)
    if not filters:
        return
    if _resolved(dict.get(stream, "/Subtype")) == "/Image":
        width = _resolved(dict.get(stream, "/Width", 0))
        height = _resolved(dict.get(stream, "/Height", 0))
        if not isinstance(width, int) or not isinstance(height, int):
            raise FileRefused(DAMAGED)
        if width * height > MAX_IMAGE_PIXELS:
            raise FileRefused(_image_too_large(width, height))
        # at most 4 components of 16 bits, plus a predictor byte per row
        limit = max(limit, width * height * 8 + height + 1024)
    raw = bytes(getattr(stream, "_data", b"") or b"")
    if filters[0] in _FLATE:
        budget[0] -= _inflate(raw, min(limit, budget[0]))
        return
    if all(name in _RAW_IMAGE_FILTERS for name in filters):
        return  # decoded by the viewer from the image's declared size, checked above
    size = len(stream.get_data())  # pypdf's own limits (pypdf_limits) apply
    budget[0] -= size
    if budget[0] < 0:
        raise FileRefused(BOMB)


def _inflate(raw: bytes, limit: int) -> int:
    """The size `raw` inflates to, counted by chunks (nothing kept); `FileRefused` beyond
    `limit`. A damaged stream is left to the viewer: only its size matters here."""
    chunk_size = 1024 * 1024
    inflater = zlib.decompressobj()
    total = 0
    pending = raw
    try:
        while True:
            chunk = inflater.decompress(pending, chunk_size)
            total += len(chunk)
            if total > limit:
                raise FileRefused(BOMB)
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and len(chunk) < chunk_size):
                return total
    except zlib.error:
        return total


# --- images --------------------------------------------------------------------------------


def _image_too_large(width: int, height: int) -> str:
    return (
        f"L'image mesure {width} × {height} pixels : c'est plus que les "
        f"{MAX_IMAGE_PIXELS // 1_000_000} millions de pixels acceptés. Numérisez-la à une "
        "résolution plus basse (300 points par pouce suffisent)."
    )


_PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG"}


def check_image(data: bytes, kind: str) -> tuple[int, int]:
    """Refuse an image whose header does not read as `kind` ("png", "jpeg") or that declares
    more than `MAX_IMAGE_PIXELS` pixels; return its width and height. Nothing is decoded."""
    from PIL import Image, UnidentifiedImageError

    name = _PILLOW_FORMATS[kind]
    unreadable = FileRefused(
        f"L'image {name} est endommagée ou illisible : enregistrez-la de nouveau ou déposez un PDF."
    )
    try:
        with warnings.catch_warnings():  # the size is judged below, by our own limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[name]) as image:
                width, height = image.size
    except Image.DecompressionBombError as error:
        raise FileRefused(
            "L'image est démesurée (trop de pixels) : numérisez-la à une résolution plus basse."
        ) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise unreadable from error
    if width < 1 or height < 1:
        raise unreadable
    if width * height > MAX_IMAGE_PIXELS:
        raise FileRefused(_image_too_large(width, height))
    return width, height


def check_file(data: bytes, kind: str) -> None:
    """The rules of `kind` ("pdf", "png", "jpeg"): `check_pdf` or `check_image`."""
    if kind == "pdf":
        check_pdf(data)
    elif kind in _PILLOW_FORMATS:
        check_image(data, kind)
    else:
        raise ValueError(f"no safety rules for files of kind {kind!r}")
