"""The establishment's seal: a PAdES signature (pyHanko) over the final PDF of a convention.

The certificate and key of an establishment are read from `SEAL_DIRECTORY` (default `var/seals/`):
`<UAI>.cert.pem` and `<UAI>.key.pem`. In a demo (DEBUG on) a missing pair is generated,
self-signed; in production a missing pair is an error to fix, never a silent fallback.
`pdfsig` (poppler-utils) reports the sealed file "Signature is Valid", and a copy with one
altered byte "Digest Mismatch" (tests/conventions/test_sealing.py).
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from django.conf import settings


class SealUnavailable(Exception):
    """No certificate for this establishment (and not a demo that may make one)."""


def _paths(uai: str) -> tuple[Path, Path]:
    directory = Path(settings.SEAL_DIRECTORY)
    return directory / f"{uai}.cert.pem", directory / f"{uai}.key.pem"


def make_self_signed(uai: str, name: str, *, rsa_key: bool = False) -> tuple[Path, Path]:
    """A self-signed seal certificate for a demo establishment.

    Its key is ECDSA P-256: made in a millisecond and read back quickly at every seal, where an
    RSA key is checked again each time it is loaded (about 60 ms, twice per seal). An
    establishment's real certificate may hold either kind; `rsa_key` makes an RSA 2048 one, for
    the tests of that case."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    cert_path, key_path = _paths(uai)
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if rsa_key
        else ec.generate_private_key(ec.SECP256R1())
    )
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"UAI {uai}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Cachet {name}"[:64]),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def seal_pdf(pdf: bytes, *, uai: str, name: str, reason: str, location: str) -> bytes:
    """The PDF with the establishment's PAdES seal appended (an incremental update)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    cert_path, key_path = _paths(uai)
    if not cert_path.exists() or not key_path.exists():
        if not settings.DEBUG:
            raise SealUnavailable(
                f"Aucun certificat de cachet pour l'établissement {uai} : déposez {cert_path.name} et "
                f"{key_path.name} dans {cert_path.parent}."
            )
        make_self_signed(uai, name)
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path), key_passphrase=None)
    if signer is None:
        raise SealUnavailable(f"Le certificat de cachet de l'établissement {uai} est illisible.")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name="CachetEtablissement",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    return bytes(signers.sign_pdf(writer, metadata, signer=signer).getvalue())
