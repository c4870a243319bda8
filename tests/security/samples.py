"""Small real files to deposit (a one-page PDF, PNG and JPEG images) and hostile ones: what the
deposit rules of `milieu.filesafety` must accept or refuse, whichever page receives them."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable

import pypdf
from PIL import Image
from pypdf.actions import JavaScript


def one_page_pdf(label: str = "scan", *, width: float = 595, height: float = 842) -> bytes:
    """A valid one-page PDF; `label` (its title) makes each file's bytes, and hash, its own."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=width, height=height)
    writer.add_metadata({"/Title": label})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(kind: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format=kind)
    return out.getvalue()


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A hand-written PDF with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _rewrite(pdf: bytes, change: Callable[[pypdf.PdfWriter], object]) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_ONE_PAGE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def _page(extra: bytes = b"", box: bytes = b"[0 0 595 842]") -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox " + box + b" " + extra + b" >>"


def _flate_stream(dictionary: bytes, data: bytes) -> bytes:
    packed = zlib.compress(data, 9)
    return (
        b"<< %s /Length %d /Filter /FlateDecode >>\nstream\n"
        % (
            dictionary,
            len(packed),
        )
        + packed
        + b"\nendstream"
    )


def content_bomb() -> bytes:
    """40 MiB of page content in about 40 KiB."""
    return raw_pdf(
        [
            _CATALOG,
            _ONE_PAGE,
            _page(b"/Contents 4 0 R"),
            _flate_stream(b"", b" " * (40 * 1024 * 1024)),
        ]
    )


def image_bomb() -> bytes:
    """An image declared 10 × 10 pixels whose data inflates to 40 MiB."""
    return raw_pdf(
        [
            _CATALOG,
            _ONE_PAGE,
            _page(b"/Resources << /XObject << /Im0 4 0 R >> >>"),
            _flate_stream(
                b"/Type /XObject /Subtype /Image /Width 10 /Height 10 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8",
                b"\0" * (40 * 1024 * 1024),
            ),
        ]
    )


def giant_image() -> bytes:
    """An image that declares 100 000 × 100 000 pixels (a viewer would allocate 10 Gpx)."""
    return raw_pdf(
        [
            _CATALOG,
            _ONE_PAGE,
            _page(b"/Resources << /XObject << /Im0 4 0 R >> >>"),
            b"<< /Type /XObject /Subtype /Image /Width 100000 /Height 100000 "
            b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length 4 /Filter /DCTDecode >>\n"
            b"stream\n\xff\xd8\xff\xd9\nendstream",
        ]
    )


def page_flood() -> bytes:
    return raw_pdf([_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 10000000 >>", _page()])


def no_page() -> bytes:
    return raw_pdf([_CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"])


def launch_action() -> bytes:
    """A page action that launches a program, its names hidden behind #xx escapes."""
    return raw_pdf(
        [_CATALOG, _ONE_PAGE, _page(b"/AA << /O 4 0 R >>"), b"<< /S /L#61unch /F (calc.exe) >>"]
    )


def escaped_javascript() -> bytes:
    return raw_pdf(
        [
            _CATALOG,
            _ONE_PAGE,
            _page(b"/AA << /O 4 0 R >>"),
            b"<< /S /Java#53cript /J#53 (app.alert(1)) >>",
        ]
    )


def xfa_form() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 4 0 R >> >>",
            _ONE_PAGE,
            _page(),
            b"<< /Length 7 >>\nstream\n<xdp/>\nendstream",
        ]
    )


def attachment_annotation() -> bytes:
    return raw_pdf(
        [
            _CATALOG,
            _ONE_PAGE,
            _page(b"/Annots [4 0 R]"),
            b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS (outil.exe) >>",
        ]
    )


def giant_page() -> bytes:
    return raw_pdf([_CATALOG, _ONE_PAGE, _page(box=b"[0 0 200000 200000]")])


def empty_page_box() -> bytes:
    return raw_pdf([_CATALOG, _ONE_PAGE, _page(box=b"[0 0 0 0]")])


def object_flood() -> bytes:
    """A page whose resources nest 400 000 arrays: too many objects to walk."""
    nested = b"[" * 2000 + b"]" * 2000
    return raw_pdf([_CATALOG, _ONE_PAGE, _page(b"/Extra [" + b" ".join([nested] * 200) + b"]")])


# name -> (hostile bytes, words of the French refusal)
HOSTILE_PDFS: dict[str, tuple[Callable[[], bytes], str]] = {
    "javascript": (
        lambda: _rewrite(one_page_pdf(), lambda w: w.add_open_action(JavaScript("app.alert(1);"))),
        "JavaScript",
    ),
    "escaped-javascript": (escaped_javascript, "JavaScript"),
    "launch-action": (launch_action, "lance un programme"),
    "xfa-form": (xfa_form, "contenu actif"),
    "embedded-file": (
        lambda: _rewrite(
            one_page_pdf(), lambda w: w.add_attachment("outil.exe", b"MZ" + b"\0" * 64)
        ),
        "fichiers joints",
    ),
    "attachment-annotation": (attachment_annotation, "fichiers joints"),
    "encrypted": (
        lambda: _rewrite(one_page_pdf(), lambda w: w.encrypt("secret", algorithm="AES-128")),
        "protégé par un mot de passe",
    ),
    "encrypted-empty-password": (
        lambda: _rewrite(one_page_pdf(), lambda w: w.encrypt("", "owner", algorithm="RC4-128")),
        "chiffré",
    ),
    "content-bomb": (content_bomb, "démesurées"),
    "image-bomb": (image_bomb, "démesurées"),
    "giant-image": (giant_image, "millions de pixels"),
    "page-flood": (page_flood, "trop de pages"),
    "no-page": (no_page, "aucune page"),
    "giant-page": (giant_page, "démesurée"),
    "empty-page-box": (empty_page_box, "taille vide ou incohérente"),
    "truncated": (lambda: one_page_pdf()[:-200], "incomplet"),
    "garbage-after-magic": (
        lambda: b"%PDF-1.7\n" + bytes(range(256)) * 16 + b"\n%%EOF\n",
        "endommagé ou illisible",
    ),
}
