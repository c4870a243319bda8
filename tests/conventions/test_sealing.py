"""The establishment's seal: `pdfsig` (poppler) accepts the sealed PDF and rejects a copy with
one byte changed; without a certificate, a production server refuses in French."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from milieu.conventions.documents import build_snapshot, render_pdf
from milieu.conventions.sealing import SealUnavailable, make_self_signed, seal_pdf
from tests.conventions.conftest import PDFSIG, draft
from tests.core.conftest import School


def _pdf(school: School) -> bytes:
    convention = draft(school)
    return render_pdf(
        "conventions/pdf/convention.html", {"s": build_snapshot(convention), "final": False}
    )


def _seal(pdf: bytes, school: School) -> bytes:
    return seal_pdf(
        pdf,
        uai=school.establishment.uai,
        name=school.establishment.name,
        reason="Convention de stage n° 1, version 1, signée par toutes les parties",
        location="Strasbourg",
    )


def _pdfsig(content: bytes, tmp_path: Path) -> str:
    if PDFSIG is None:
        pytest.skip("pdfsig (poppler-utils) absent: apt-get install -y poppler-utils")
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    run = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, check=False)
    return run.stdout + run.stderr


def _flipped(content: bytes, position: int) -> bytes:
    changed = bytearray(content)
    changed[position] ^= 0x01
    return bytes(changed)


def test_pdfsig_accepts_the_sealed_pdf(school_a: School, tmp_path: Path) -> None:
    sealed = _seal(_pdf(school_a), school_a)
    report = _pdfsig(sealed, tmp_path)
    assert "Signature is Valid" in report
    assert f"Cachet {school_a.establishment.name}" in report
    assert "Signature Type: ETSI.CAdES.detached" in report  # PAdES
    assert "Total document signed" in report


def test_one_changed_byte_breaks_the_seal(school_a: School, tmp_path: Path) -> None:
    sealed = _seal(_pdf(school_a), school_a)
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", sealed)
    assert match
    start, length, after, after_length = (int(g) for g in match.groups())
    assert (start, after + after_length) == (0, len(sealed))  # the seal covers the whole file
    for position in (length // 4, length // 2):  # inside the document's own objects
        report = _pdfsig(_flipped(sealed, position), tmp_path)
        assert "Digest Mismatch" in report or "Signature is Invalid" in report
        assert "Signature is Valid" not in report
    # after the seal's own bytes (the end of its dictionary, the cross-reference table)
    report = _pdfsig(_flipped(sealed, after + after_length // 2), tmp_path)
    assert "Signature is Valid" not in report


def test_a_demo_makes_its_self_signed_seal_once(
    school_a: School, settings: Any, tmp_path: Path
) -> None:
    settings.DEBUG = True
    pdf = _pdf(school_a)
    _seal(pdf, school_a)
    directory = Path(settings.SEAL_DIRECTORY)
    uai = school_a.establishment.uai
    certificate = (directory / f"{uai}.cert.pem").read_bytes()
    assert (directory / f"{uai}.key.pem").stat().st_mode & 0o777 == 0o600
    _seal(pdf, school_a)
    assert (directory / f"{uai}.cert.pem").read_bytes() == certificate  # reused, not remade


def test_without_a_certificate_production_refuses_in_french(
    school_a: School, settings: Any
) -> None:
    settings.DEBUG = False
    uai = school_a.establishment.uai
    with pytest.raises(SealUnavailable) as refused:
        _seal(_pdf(school_a), school_a)
    assert str(refused.value) == (
        f"Aucun certificat de cachet pour l'établissement {uai} : déposez {uai}.cert.pem et "
        f"{uai}.key.pem dans {settings.SEAL_DIRECTORY}."
    )
    assert not Path(settings.SEAL_DIRECTORY, f"{uai}.key.pem").exists()  # nothing made up


@pytest.mark.parametrize("rsa_key", [False, True], ids=["ecdsa-p256", "rsa-2048"])
def test_an_establishment_s_ecdsa_or_rsa_certificate_both_seal(
    school_a: School, settings: Any, tmp_path: Path, rsa_key: bool
) -> None:
    """The demo makes ECDSA P-256 seals; an establishment's own certificate is often RSA: both
    seal a PDF that `pdfsig` accepts, in production (no certificate is made up)."""
    settings.DEBUG = False
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    make_self_signed(school_a.establishment.uai, school_a.establishment.name, rsa_key=rsa_key)
    key = (tmp_path / "seals" / f"{school_a.establishment.uai}.key.pem").read_bytes()
    kind = rsa.RSAPrivateKey if rsa_key else ec.EllipticCurvePrivateKey
    assert isinstance(load_pem_private_key(key, password=None), kind)
    report = _pdfsig(_seal(_pdf(school_a), school_a), tmp_path)
    assert "Signature is Valid" in report
