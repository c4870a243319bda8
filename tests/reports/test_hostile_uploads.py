"""Hostile or broken files through the deposit page: a French message on the page (400), nothing
stored, the attempt recorded with its reason; never a 500."""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.conf import settings
from django.test import Client
from pypdf.actions import JavaScript
from pypdf.generic import RectangleObject

from milieu import storage
from milieu.reports.models import ReportDeposit, ReportRefusal
from tests.reports.conftest import Candidate, upload
from tests.reports.pdfs import Page, make_pdf
from tests.reports.test_hostile import PNG, raw_pdf


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    return make_pdf([Page("Présentation de l'entreprise"), Page("Conclusion")])


def _rewrite(pdf: bytes, change: Callable[[pypdf.PdfWriter], Any]) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted(pdf: bytes) -> bytes:
    return _rewrite(pdf, lambda w: w.encrypt("secret", algorithm="AES-128"))


def with_javascript(pdf: bytes) -> bytes:
    return _rewrite(pdf, lambda w: w.add_open_action(JavaScript("app.alert('bonjour');")))


def with_attachment(pdf: bytes) -> bytes:
    return _rewrite(pdf, lambda w: w.add_attachment("outil.exe", b"MZ" + b"\0" * 200))


def bomb() -> bytes:
    data = zlib.compress(b" " * (40 * 1024 * 1024), 9)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        ]
    )


def page_flood() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 10000000 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def launch_action() -> bytes:
    """A page action that launches a program, its names hidden behind #xx escapes."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O 4 0 R >> >>",
            b"<< /S /L#61unch /F (calc.exe) >>",
        ]
    )


# name -> (file name, content maker, words of the French message)
CASES: dict[str, tuple[str, Callable[[bytes], bytes], str]] = {
    "png-renamed": (
        "rapport.pdf",
        lambda pdf: PNG,
        "un fichier image PNG : un fichier PDF est attendu",
    ),
    "text-file": ("rapport.pdf", lambda pdf: b"Mon rapport de stage.\n", "type non reconnu"),
    "html-file": (
        "rapport.pdf",
        lambda pdf: b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "type non reconnu",
    ),
    "html-pdf-polyglot": (
        "rapport.html",
        lambda pdf: b"<html><!-- %PDF-1.7 --><script>alert(1)</script></html>\n%%EOF\n",
        "endommagé ou illisible",
    ),
    "empty": ("rapport.pdf", lambda pdf: b"", "Le fichier est vide."),
    "encrypted": ("rapport.pdf", encrypted, "protégé par un mot de passe"),
    "truncated": ("rapport.pdf", lambda pdf: pdf[: len(pdf) // 2], "incomplet"),
    "random-after-magic": (
        "rapport.pdf",
        lambda pdf: b"%PDF-1.7\n" + os.urandom(4096) + b"\n%%EOF\n",
        "endommagé ou illisible",
    ),
    "decompression-bomb": ("rapport.pdf", lambda pdf: bomb(), "démesurée"),
    "too-many-pages": ("rapport.pdf", lambda pdf: page_flood(), "trop de pages"),
    "javascript": ("rapport.pdf", with_javascript, "JavaScript"),
    "launch-action": ("rapport.pdf", lambda pdf: launch_action(), "lance un programme"),
    "embedded-file": ("rapport.pdf", with_attachment, "fichiers joints"),
}


def stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_FILES_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_upload_is_refused_in_french_and_nothing_is_stored(
    client: Client, mm_a: Candidate, small_pdf: bytes, case: str, before_deadline: None
) -> None:
    name, make, words = CASES[case]
    client.force_login(mm_a.user)
    response = client.post(mm_a.page, {"fichier": upload(make(small_pdf), name)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le fichier est refusé" in page
    assert words.replace("'", "&#x27;") in page, page.split("data-report-error")[1][:600]
    assert "Rien n’a été enregistré" in page
    assert not ReportDeposit.objects.exists()
    assert stored_files() == []
    refusal = ReportRefusal.objects.get()
    assert refusal.student == mm_a.student and refusal.attempted_by == mm_a.user
    assert words in refusal.reason
    # the refused attempt is listed on the page afterwards, with its reason
    listed = client.get(mm_a.page).content.decode()
    assert "Dépôts refusés" in listed and name in listed


def test_a_file_over_the_size_limit_is_refused_while_it_is_received(
    client: Client, mm_a: Candidate, small_pdf: bytes, settings: Any, before_deadline: None
) -> None:
    settings.DOCUMENT_MAX_BYTES = len(small_pdf) - 1
    client.force_login(mm_a.user)
    response = client.post(mm_a.page, {"fichier": upload(small_pdf, "gros.pdf")})
    assert response.status_code == 400
    limit = f"{(len(small_pdf) - 1) // 1024} Ko"
    assert f"Le fichier dépasse la limite de {limit}." in response.content.decode()
    assert not ReportDeposit.objects.exists() and stored_files() == []
    refusal = ReportRefusal.objects.get()
    assert (refusal.original_name, refusal.reason) == (
        "gros.pdf",
        f"Le fichier dépasse la limite de {limit}.",
    )
    # at the limit exactly, the file is taken
    settings.DOCUMENT_MAX_BYTES = len(small_pdf)
    assert client.post(mm_a.page, {"fichier": upload(small_pdf)}).status_code == 302


def test_the_upload_handler_stops_at_the_limit() -> None:
    from django.core.files.uploadhandler import SkipFile

    from milieu.reports.views import LimitedUploadHandler

    handler = LimitedUploadHandler(10)
    handler.new_file("fichier", "gros.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"%PDF-1.7", 0) == b"%PDF-1.7"
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"abc", 8)
    assert handler.exceeded == "gros.pdf"


def test_the_upload_still_needs_its_csrf_token(
    mm_a: Candidate, small_pdf: bytes, before_deadline: None
) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(mm_a.user)
    page = strict.get(mm_a.page)
    assert strict.post(mm_a.page, {"fichier": upload(small_pdf)}).status_code == 403
    token = page.cookies["csrftoken"].value
    answer = strict.post(mm_a.page, {"fichier": upload(small_pdf), "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    assert ReportDeposit.objects.count() == 1


def test_no_file_chosen(client: Client, mm_a: Candidate, before_deadline: None) -> None:
    client.force_login(mm_a.user)
    response = client.post(mm_a.page, {})
    assert response.status_code == 400
    assert "Choisissez le fichier PDF du rapport" in response.content.decode()
    assert not ReportRefusal.objects.exists()  # no file, no attempt to record


def test_a_path_in_the_file_name_goes_nowhere(
    client: Client, mm_a: Candidate, small_pdf: bytes, before_deadline: None
) -> None:
    """The stored name is random; the given name is only shown, without its path."""
    client.force_login(mm_a.user)
    for name in ("../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf"):
        assert client.post(mm_a.page, {"fichier": upload(small_pdf, name)}).status_code == 302
    first, second = ReportDeposit.objects.order_by("version")
    assert first.original_name == "passwd.pdf"
    assert second.original_name == "win.ini.pdf"
    root = storage.root()
    for deposit in (first, second):
        assert ".." not in deposit.path and "passwd" not in deposit.path
        assert storage.path_of(deposit.path).parent.parent == root / "reports"
    assert sorted(stored_files()) == sorted(storage.path_of(d.path) for d in (first, second))
    assert not (root.parent / "etc").exists()


def test_a_link_action_is_accepted(
    client: Client, mm_a: Candidate, small_pdf: bytes, before_deadline: None
) -> None:
    """Links to web pages are ordinary in a report: only scripts and attachments are refused."""
    linked = _rewrite(
        small_pdf, lambda w: w.add_uri(0, "https://www.exemple.fr", RectangleObject([0, 0, 90, 20]))
    )
    client.force_login(mm_a.user)
    assert client.post(mm_a.page, {"fichier": upload(linked)}).status_code == 302
    assert ReportDeposit.objects.get().sha256
