"""Deposited files in an S3-compatible bucket (STORAGE_URL=s3://…), against a real local S3
server (moto's server mode): the deposit through the page, the download through Milieu's view
with its hash, nothing on the local disk, no public address, and the backup then restore round
trip with the bucket emptied in between."""

from __future__ import annotations

import hashlib
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from milieu import storage
from milieu.factories import AcademieFactory
from milieu.reports.models import ReportDeposit
from tests.core.conftest import make_school
from tests.hosting.s3 import Bucket, s3_bucket, s3_endpoint  # noqa: F401  (fixtures)
from tests.reports.conftest import (  # noqa: F401  (fixtures)
    BEFORE,
    Candidate,
    academie,
    mm_a,
    mm_pdf,
    school_a,
    upload,
)
from tests.security.documents import every_stored_document


def local_files(settings: Any) -> list[Path]:
    return [p for p in Path(settings.PRIVATE_FILES_ROOT).rglob("*") if p.is_file()]


def test_a_report_is_deposited_into_the_bucket_and_served_back_by_the_view(
    client: Client,
    settings: Any,
    s3_bucket: Bucket,  # noqa: F811
    mm_a: Candidate,  # noqa: F811
    mm_pdf: bytes,  # noqa: F811
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        client.force_login(mm_a.user)
        response = client.post(mm_a.page, {"fichier": upload(mm_pdf)})
    assert response.status_code == 302

    deposit = ReportDeposit.objects.get()
    assert deposit.sha256 == hashlib.sha256(mm_pdf).hexdigest()
    # the object is in the bucket, under the configured prefix, and nowhere on the disk
    assert s3_bucket.object_keys() == [f"milieu/{deposit.path}"]
    assert local_files(settings) == []
    stored = s3_bucket.client().get_object(Bucket=s3_bucket.name, Key=f"milieu/{deposit.path}")
    assert stored["Body"].read() == mm_pdf
    # private: only the owner's grant, no public one, and the storage gives no address
    grants = s3_bucket.client().get_object_acl(Bucket=s3_bucket.name, Key=f"milieu/{deposit.path}")[
        "Grants"
    ]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)
    with pytest.raises(NotImplementedError):
        storage.backend().url(deposit.path)

    url = reverse("reports:download", kwargs={"pk": mm_a.student.pk, "deposit_pk": deposit.pk})
    served = client.get(url)
    assert served.status_code == 200
    assert served.content == mm_pdf
    assert served["X-Content-SHA256"] == hashlib.sha256(served.content).hexdigest()
    assert served["X-Content-SHA256"] == deposit.sha256
    assert "amazonaws" not in str(served.headers)
    assert s3_bucket.endpoint not in str(served.headers)

    # the cohort's teacher reads the same bytes; a student of another cohort gets nothing
    client.force_login(mm_a.school.other_teacher)
    assert client.get(url).content == mm_pdf
    client.force_login(mm_a.school.student_user)
    assert client.get(url).status_code in (403, 404)


def test_a_changed_object_is_refused_by_its_hash(
    client: Client,
    s3_bucket: Bucket,  # noqa: F811
    mm_a: Candidate,  # noqa: F811
    mm_pdf: bytes,  # noqa: F811
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        client.force_login(mm_a.user)
        client.post(mm_a.page, {"fichier": upload(mm_pdf)})
    deposit = ReportDeposit.objects.get()
    s3_bucket.client().put_object(
        Bucket=s3_bucket.name, Key=f"milieu/{deposit.path}", Body=mm_pdf + b"%"
    )
    url = reverse("reports:download", kwargs={"pk": mm_a.student.pk, "deposit_pk": deposit.pk})
    response = client.get(url)
    assert response.status_code == 409
    assert "empreinte" in response.content.decode()


def test_store_read_delete_and_list_through_the_bucket(s3_bucket: Bucket) -> None:  # noqa: F811
    first = storage.store("reports", b"%PDF-1.4\nun\n%%EOF\n", suffix="pdf")
    second = storage.store("evidence", b"\x89PNG\r\n\x1a\nimage", suffix="png")
    assert first.path != second.path
    assert storage.read(first.path) == b"%PDF-1.4\nun\n%%EOF\n"
    assert b"".join(storage.chunks(second.path, 4)) == b"\x89PNG\r\n\x1a\nimage"
    assert sorted(storage.names()) == sorted([first.path, second.path])
    assert storage.exists(first.path) and not storage.exists("reports/2026/absent.pdf")
    with pytest.raises(FileNotFoundError):
        storage.read("reports/2026/absent.pdf")
    with pytest.raises(ValueError):
        storage.read("../milieu/secret")
    storage.delete(first.path)
    storage.delete(first.path)  # already gone: no error
    assert s3_bucket.object_keys() == [f"milieu/{second.path}"]


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_with_the_bucket(
    settings: Any,
    tmp_path: Path,
    s3_bucket: Bucket,  # noqa: F811
) -> None:
    """Everything a school stores (signed and sealed conventions, certificates, grids, the
    livret's PDF in the database; reports and evidence in the bucket) comes back."""
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    school = make_school(AcademieFactory.create(), "A")
    every_stored_document(school, minor=True)
    before = {
        key: s3_bucket.client().get_object(Bucket=s3_bucket.name, Key=key)["ETag"]
        for key in s3_bucket.object_keys()
    }
    assert len(before) == 2 and local_files(settings) == []

    archive = tmp_path / "sauvegarde.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    call_command("flush", interactive=False, verbosity=0)
    s3_bucket.empty()
    shutil.rmtree(settings.SEAL_DIRECTORY, ignore_errors=True)
    assert s3_bucket.object_keys() == []

    out = StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "2 fichier" in out.getvalue()
    after = {
        key: s3_bucket.client().get_object(Bucket=s3_bucket.name, Key=key)["ETag"]
        for key in s3_bucket.object_keys()
    }
    assert after == before
    assert local_files(settings) == []

    checked: dict[str, int] = {}
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        for source, digest in [
            ("content", "sha256"),
            ("path", "sha256"),
            ("file_path", "file_sha256"),
        ]:
            if {source, digest} <= fields:
                for row in model._default_manager.all():
                    value = getattr(row, source)
                    if not value:
                        continue
                    content = storage.read(value) if "path" in source else bytes(value)
                    assert sha256(content) == getattr(row, digest), (model, row.pk)
                    checked[model._meta.label] = checked.get(model._meta.label, 0) + 1
    assert checked["reports.ReportDeposit"] == 1
    assert checked["evidence.EvidenceDocument"] == 1
    assert checked["conventions.ConventionDocument"] == 3  # the signed and sealed PDFs
