"""Hostile or broken files are refused with a French `ReportRejected`, never a crash."""

from __future__ import annotations

import io
import os
import zlib

import pypdf
import pytest

from milieu.reports import ReportRejected, analyse_report
from milieu.reports import analysis as module
from tests.reports.pdfs import Page, make_pdf

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    return make_pdf([Page("Présentation de l'entreprise"), Page("Conclusion")])


def rejected(data: bytes) -> str:
    with pytest.raises(ReportRejected) as caught:
        analyse_report(data, diploma_id="bts-ciel")
    message = caught.value.message
    assert message == str(caught.value)
    assert any(word in message for word in ("Le ", "La ", "Une ", "fichier")), message
    return message


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


def test_png_is_not_a_pdf() -> None:
    assert "n'est pas un PDF" in rejected(PNG)


def test_empty_file() -> None:
    assert "vide" in rejected(b"")


def test_text_file() -> None:
    assert "n'est pas un PDF" in rejected("Mon rapport de stage, été 2027.\n".encode())


def test_truncated_pdf(small_pdf: bytes) -> None:
    assert "incomplet" in rejected(small_pdf[: len(small_pdf) // 2])


def test_encrypted_pdf(small_pdf: bytes) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(small_pdf)))
    writer.encrypt("secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert "mot de passe" in rejected(out.getvalue())


def test_encrypted_pdf_with_empty_user_password(small_pdf: bytes) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(small_pdf)))
    writer.encrypt("", "owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert "chiffré" in rejected(out.getvalue())


def test_random_bytes_after_the_magic() -> None:
    rejected(b"%PDF-1.7\n" + os.urandom(4096) + b"\n%%EOF\n")


def test_random_bytes_without_end_marker() -> None:
    rejected(b"%PDF-1.4\n" + bytes(range(256)) * 8)


def test_too_large_file(monkeypatch: pytest.MonkeyPatch, small_pdf: bytes) -> None:
    monkeypatch.setattr(module, "MAX_BYTES", len(small_pdf) - 1)
    assert "taille maximale" in rejected(small_pdf)


def test_real_size_limit_is_checked_before_parsing() -> None:
    assert "taille maximale de 30 Mo" in rejected(b"%PDF-1.7\n" + b"0" * (30 * 1024 * 1024))


def test_huge_declared_page_count() -> None:
    pdf = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 10000000 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )
    assert "trop de pages" in rejected(pdf)


def test_more_pages_than_the_limit(monkeypatch: pytest.MonkeyPatch, small_pdf: bytes) -> None:
    monkeypatch.setattr(module, "MAX_PAGES", 1)
    assert "trop de pages" in rejected(small_pdf)


def test_pdf_without_pages() -> None:
    pdf = raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    assert "aucune page" in rejected(pdf)


def test_decompression_bomb() -> None:
    bomb = zlib.compress(b" " * (40 * 1024 * 1024), 9)  # 40 MiB of spaces in about 40 KiB
    pdf = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream",
        ]
    )
    assert len(pdf) < 100_000
    assert "démesurée" in rejected(pdf)


def test_too_much_text_on_a_page(monkeypatch: pytest.MonkeyPatch, small_pdf: bytes) -> None:
    monkeypatch.setattr(module, "MAX_PAGE_TEXT", 20)
    assert "Une page" in rejected(small_pdf)


def test_too_much_text_in_total(monkeypatch: pytest.MonkeyPatch, small_pdf: bytes) -> None:
    monkeypatch.setattr(module, "MAX_TOTAL_TEXT", 400)
    assert "quantité de texte" in rejected(small_pdf)


def test_broken_page_tree() -> None:
    pdf = raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"(not a dictionary)"])
    rejected(pdf)


def _rewritten(pdf: bytes, change: object) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    change(writer)  # type: ignore[operator]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_javascript_is_refused(small_pdf: bytes) -> None:
    from pypdf.actions import JavaScript

    pdf = _rewritten(small_pdf, lambda w: w.add_open_action(JavaScript("app.alert(1);")))
    assert "JavaScript" in rejected(pdf)


def test_escaped_names_do_not_hide_a_script() -> None:
    pdf = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O 4 0 R >> >>",
            b"<< /S /Java#53cript /J#53 (app.alert(1)) >>",
        ]
    )
    assert "JavaScript" in rejected(pdf)


def test_embedded_files_are_refused(small_pdf: bytes) -> None:
    pdf = _rewritten(small_pdf, lambda w: w.add_attachment("outil.exe", b"MZ" + b"\0" * 64))
    assert "fichiers joints" in rejected(pdf)


def test_too_many_objects_to_walk(monkeypatch: pytest.MonkeyPatch, small_pdf: bytes) -> None:
    monkeypatch.setattr(module, "MAX_OBJECTS", 5)
    assert "nombre démesuré d'objets" in rejected(small_pdf)


def test_web_links_are_accepted(small_pdf: bytes) -> None:
    pdf = _rewritten(small_pdf, lambda w: w.add_uri(0, "https://www.exemple.fr", [0, 0, 90, 20]))
    assert analyse_report(pdf, diploma_id="bts-ciel").sections == ("presentation", "conclusion")
