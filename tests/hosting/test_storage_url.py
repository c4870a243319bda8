"""STORAGE_URL: the local folder by default, a folder or an S3 bucket when given; a malformed
address stops the start with a French message that never repeats a secret."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from milieu import storage
from milieu.env import env_storage


def parse(value: str | None) -> dict[str, object]:
    return env_storage("STORAGE_URL", environ={} if value is None else {"STORAGE_URL": value})


def test_unset_is_the_local_private_folder() -> None:
    assert parse(None) == {"BACKEND": "milieu.storage.PrivateFileSystemStorage"}
    assert parse("file:///srv/milieu/fichiers") == {
        "BACKEND": "milieu.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": "/srv/milieu/fichiers"},
    }


def test_an_s3_address_is_a_private_bucket() -> None:
    config = parse(
        "s3://cle:se%2Fcret@milieu-depots/academie-nancy"
        "?endpoint_url=https://s3.fr-par.scw.cloud&region=fr-par&sse=AES256"
    )
    assert config["BACKEND"] == "milieu.storage.PrivateS3Storage"
    assert config["OPTIONS"] == {
        "bucket_name": "milieu-depots",
        "location": "academie-nancy",
        "endpoint_url": "https://s3.fr-par.scw.cloud",
        "region_name": "fr-par",
        "access_key": "cle",
        "secret_key": "se/cret",
        "default_acl": None,  # no public-read: the bucket's own (private) ACL
        "querystring_auth": True,
        "file_overwrite": False,
        "custom_domain": None,
        "object_parameters": {"ServerSideEncryption": "AES256"},
    }


def test_without_keys_in_the_address_boto3_reads_the_environment() -> None:
    options = parse("s3://milieu-depots")["OPTIONS"]
    assert isinstance(options, dict)
    assert "access_key" not in options and "secret_key" not in options
    assert options["location"] == ""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ftp://serveur/dossier", "adresse de stockage reconnue"),
        ("file://relatif", "chemin absolu"),
        ("s3://", "nommer le seau"),
        ("s3://seau?acl=public-read", "paramètre inconnu : acl"),
        ("s3://seau?endpoint_url=ftp://x", "endpoint_url"),
        ("s3://seau?addressing_style=dns", "addressing_style"),
        ("s3://cle-seule@seau", "la clé et le secret ensemble"),
    ],
)
def test_a_malformed_address_is_refused_in_french(value: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message) as refused:
        parse(value.replace("cle-seule", "cle-seule-secrete"))
    assert "secrete" not in str(refused.value)


def test_a_file_address_stores_into_that_folder(settings: Any, tmp_path: Path) -> None:
    folder = tmp_path / "fichiers"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": parse(f"file://{folder}"),
    }
    stored = storage.store("reports", b"%PDF-1.4\nici\n%%EOF\n", suffix="pdf")
    assert (folder / stored.path).read_bytes() == b"%PDF-1.4\nici\n%%EOF\n"
    assert not any(Path(settings.PRIVATE_FILES_ROOT).rglob("*.pdf"))
    assert storage.read(stored.path) == b"%PDF-1.4\nici\n%%EOF\n"
    assert list(storage.names()) == [stored.path]
    with pytest.raises(NotImplementedError):  # no address: only Milieu's views serve files
        storage.backend().url(stored.path)
