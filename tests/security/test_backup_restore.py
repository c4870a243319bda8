"""`milieu backup` and `milieu restore`: everything comes back, and a bad archive writes nothing.

The round trip runs on the configured database: SQLite by default, PostgreSQL (pg_dump -Fc,
pg_restore) when DATABASE_URL points to one. The archive is checked member by member before the
first write: a changed byte, a file too many or too few, a path leaving its folder, a link.
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from milieu import storage
from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.conventions.sealing import make_self_signed
from milieu.dataprotection.restore import database_has_data
from milieu.factories import AcademieFactory, EstablishmentFactory
from milieu.people.models import User
from milieu.students.models import Student
from tests.core.conftest import make_school
from tests.security.documents import every_stored_document, sha256

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _seals_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")


def backup(destination: Path) -> str:
    out = StringIO()
    call_command("backup", str(destination), stdout=out)
    return out.getvalue()


def restore(source: Path, *options: str) -> str:
    out = StringIO()
    call_command("restore", str(source), *options, stdout=out)
    return out.getvalue()


def wipe(settings: Any) -> None:
    """A new, empty database (the schema stays), no deposited file, no seal."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.PRIVATE_FILES_ROOT, ignore_errors=True)
    shutil.rmtree(settings.SEAL_DIRECTORY, ignore_errors=True)


def members(archive: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(archive, "r:gz") as tar:
        out = []
        for member in tar:
            handle = tar.extractfile(member)
            out.append((member, handle.read() if handle else b""))
        return out


def rewrite(archive: Path, target: Path, change: Callable[[list[Any]], list[Any]]) -> Path:
    """A copy of `archive` whose (TarInfo, bytes) members went through `change`."""
    with tarfile.open(target, "w:gz") as tar:
        for info, content in change(members(archive)):
            tar.addfile(info, io.BytesIO(content) if info.isreg() else None)
    return target


def manifest_of(archive: Path) -> dict[str, Any]:
    info, content = members(archive)[0]
    assert info.name == "manifest.json"
    loaded: dict[str, Any] = json.loads(content)
    return loaded


# --- the round trip -----------------------------------------------------------------------------


def test_backup_wipe_restore_gives_back_every_stored_document_with_its_hash(
    settings: Any, tmp_path: Path
) -> None:
    school = make_school(AcademieFactory.create(), "A")
    documents = every_stored_document(school, minor=False)
    make_self_signed(school.establishment.uai, school.establishment.name)
    seals = {p.name: p.read_bytes() for p in Path(settings.SEAL_DIRECTORY).iterdir()}
    private_files = sorted(
        p.relative_to(settings.PRIVATE_FILES_ROOT).as_posix()
        for p in Path(settings.PRIVATE_FILES_ROOT).rglob("*")
        if p.is_file()
    )
    assert len(private_files) == 2 and len(seals) == 2

    archive = tmp_path / "sauvegarde.tar.gz"
    printed = backup(archive)
    assert "Sauvegarde écrite" in printed and "SECRET_KEY" in printed
    manifest = manifest_of(archive)
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["milieu_version"] == "0.1.0" and manifest["created_at"]
    listed = {row["path"]: row for row in manifest["files"]}
    assert {f"private/{p}" for p in private_files} | {f"seals/{n}" for n in seals} <= set(listed)
    dump = next(row for path, row in listed.items() if path.startswith("database/"))
    assert dump["size"] > 0 and len(dump["sha256"]) == 64
    assert AuditEntry.objects.filter(action=AuditAction.BACKUP).count() == 1

    wipe(settings)
    assert not database_has_data()
    client = Client()
    assert client.get(documents[0].url).status_code == 302  # nobody to sign in as any more

    printed = restore(archive)
    assert "Archive intègre" in printed and "Restauration terminée" in printed
    client.force_login(User.objects.get(email=school.head.email))
    for document in documents:
        response = client.get(document.url)
        assert response.status_code == 200, document.kind
        assert sha256(response.content) == document.sha256, document.kind
        assert response["X-Content-SHA256"] == document.sha256, document.kind
    assert {p.name: p.read_bytes() for p in Path(settings.SEAL_DIRECTORY).iterdir()} == seals
    restored = AuditEntry.objects.get(action=AuditAction.RESTORE)
    assert restored.changes["fichiers déposés"] == 2 and restored.changes["cachets"] == 2


def test_every_model_that_records_a_hash_gets_its_content_back(
    settings: Any, tmp_path: Path
) -> None:
    """Whatever model stores bytes beside a SHA-256, or a file's path beside its SHA-256, holds
    after a restore exactly what its hash says (a model added later is covered too)."""
    school = make_school(AcademieFactory.create(), "A")
    every_stored_document(school, minor=True)
    archive = tmp_path / "sauvegarde.tar.gz"
    backup(archive)
    wipe(settings)
    restore(archive)

    checked: dict[str, int] = {}
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        pairs = [("content", "sha256"), ("path", "sha256"), ("file_path", "file_sha256")]
        for source, digest in pairs:
            if {source, digest} <= fields:
                for row in model._default_manager.all():
                    value = getattr(row, source)
                    if not value:
                        continue
                    content = storage.read(value) if "path" in source else bytes(value)
                    assert sha256(content) == getattr(row, digest), (model, row.pk)
                    checked[model._meta.label] = checked.get(model._meta.label, 0) + 1
    assert set(checked) >= {
        "conventions.ConventionDocument",
        "followup.Certificate",
        "followup.Evaluation",
        "followup.TrainingContract",
        "followup.Bilan",
        "livret.LivretJob",
        "reports.ReportDeposit",
        "evidence.EvidenceDocument",
    }
    assert checked["conventions.ConventionDocument"] == 3


def test_postgresql_dump_is_pg_dump_custom_format(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL seulement : lancer avec DATABASE_URL=postgres://… pour vérifier pg_dump"
        )
    EstablishmentFactory.create()
    archive = tmp_path / "pg.tar.gz"
    backup(archive)
    info, content = next((i, c) for i, c in members(archive) if i.name.startswith("database/"))
    assert info.name == "database/milieu.pgdump" and content.startswith(b"PGDMP")


def test_sqlite_dump_is_a_consistent_sqlite_file(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite seulement : la base configurée est PostgreSQL")
    EstablishmentFactory.create()
    archive = tmp_path / "lite.tar.gz"
    backup(archive)
    info, content = next((i, c) for i, c in members(archive) if i.name.startswith("database/"))
    assert info.name == "database/milieu.sqlite3" and content.startswith(b"SQLite format 3\x00")


def test_a_backup_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    existing = tmp_path / "deja.tar.gz"
    existing.write_bytes(b"precious")
    with pytest.raises(CommandError, match="existe déjà"):
        backup(existing)
    assert existing.read_bytes() == b"precious"


def test_a_folder_as_destination_gets_a_dated_archive(tmp_path: Path) -> None:
    backup(tmp_path)
    written = list(tmp_path.glob("milieu-sauvegarde-*.tar.gz"))
    assert len(written) == 1 and oct(written[0].stat().st_mode & 0o777) == "0o600"


# --- refusals before any write ------------------------------------------------------------------


@pytest.fixture
def saved(settings: Any, tmp_path: Path) -> Path:
    """An archive of a site with one deposited file and one seal, then the site wiped."""
    school = make_school(AcademieFactory.create(), "A")
    storage.store("reports", b"%PDF-1.4\nrapport\n%%EOF\n", suffix="pdf")
    Path(settings.SEAL_DIRECTORY).mkdir(parents=True)
    Path(settings.SEAL_DIRECTORY, f"{school.establishment.uai}.cert.pem").write_text("cert")
    archive = tmp_path / "ok.tar.gz"
    backup(archive)
    wipe(settings)
    return archive


def assert_nothing_written(settings: Any) -> None:
    assert not database_has_data()
    assert not Path(settings.PRIVATE_FILES_ROOT).exists()
    assert not Path(settings.SEAL_DIRECTORY).exists()


def _tamper_content(rows: list[Any]) -> list[Any]:
    info, content = rows[-1]
    return [*rows[:-1], (info, content[:-1] + bytes([content[-1] ^ 1]))]


def _add_extra(rows: list[Any]) -> list[Any]:
    extra = tarfile.TarInfo("private/reports/2026/en-trop.pdf")
    extra.size = 3
    return [*rows, (extra, b"pdf")]


def _drop_last(rows: list[Any]) -> list[Any]:
    return rows[:-1]


def _named(name: str) -> Callable[[list[Any]], list[Any]]:
    def change(rows: list[Any]) -> list[Any]:
        evil = tarfile.TarInfo(name)
        evil.size = 4
        return [*rows, (evil, b"evil")]

    return change


def _symlink(rows: list[Any]) -> list[Any]:
    link = tarfile.TarInfo("private/lien")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return [*rows, (link, b"")]


def _hardlink(rows: list[Any]) -> list[Any]:
    link = tarfile.TarInfo("private/lien-dur")
    link.type, link.linkname = tarfile.LNKTYPE, "manifest.json"
    return [*rows, (link, b"")]


def _manifest_says_other_engine(rows: list[Any]) -> list[Any]:
    info, content = rows[0]
    manifest = json.loads(content)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    old = manifest["database"]["file"]
    manifest["database"] = {"engine": other, "file": f"database/x-{other}"}
    new = "database/milieu.pgdump" if other == "postgresql" else "database/milieu.sqlite3"
    for row in manifest["files"]:
        if row["path"] == old:
            row["path"] = new
    encoded = json.dumps(manifest).encode()
    info.size = len(encoded)
    renamed = []
    for member, data in rows[1:]:
        if member.name == old:
            member.name = new
        renamed.append((member, data))
    return [(info, encoded), *renamed]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_tamper_content, "Empreinte SHA-256 inattendue"),
        (_add_extra, "absent du manifeste"),
        (_drop_last, "manquent dans l’archive"),
        (_named("private/../../evil.txt"), "Chemin refusé"),
        (_named("/tmp/evil.txt"), "Chemin refusé"),
        (_named("seals/./x.pem"), "Chemin refusé"),
        (_symlink, "lien ou fichier spécial"),
        (_hardlink, "lien ou fichier spécial"),
        (_manifest_says_other_engine, "vient d’une base"),
    ],
    ids=[
        "altered-byte",
        "extra-file",
        "missing-file",
        "dot-dot",
        "absolute",
        "dot-segment",
        "symlink",
        "hardlink",
        "other-engine",
    ],
)
def test_a_damaged_or_hostile_archive_is_refused_before_anything_is_written(
    settings: Any,
    saved: Path,
    tmp_path: Path,
    change: Callable[[list[Any]], list[Any]],
    message: str,
) -> None:
    damaged = rewrite(saved, tmp_path / "abime.tar.gz", change)
    with pytest.raises(CommandError, match=message):
        restore(damaged)
    assert_nothing_written(settings)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_file_that_is_not_an_archive_is_refused_in_french(settings: Any, tmp_path: Path) -> None:
    junk = tmp_path / "rien.tar.gz"
    junk.write_bytes(b"ceci n'est pas une archive")
    with pytest.raises(CommandError, match="n’est pas une archive lisible"):
        restore(junk)


def test_the_manifest_must_come_first(settings: Any, saved: Path, tmp_path: Path) -> None:
    damaged = rewrite(saved, tmp_path / "ordre.tar.gz", lambda rows: [*rows[1:], rows[0]])
    with pytest.raises(CommandError, match="ne commence pas par son manifeste"):
        restore(damaged)
    assert_nothing_written(settings)


def test_restore_refuses_a_database_that_holds_data_without_force(
    settings: Any, saved: Path
) -> None:
    make_school(AcademieFactory.create(name="Présente"), "P")
    students = Student.objects.count()
    with pytest.raises(CommandError, match="contient déjà des données"):
        restore(saved)
    assert Student.objects.count() == students
    assert not Path(settings.PRIVATE_FILES_ROOT).exists()


def test_force_outside_a_terminal_needs_yes(settings: Any, saved: Path) -> None:
    make_school(AcademieFactory.create(name="Présente"), "P")
    with pytest.raises(CommandError, match="ajoutez --yes"):
        restore(saved, "--force")
    assert not Path(settings.PRIVATE_FILES_ROOT).exists()


def test_force_on_a_terminal_asks_and_stops_unless_told_oui(
    settings: Any, saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_school(AcademieFactory.create(name="Présente"), "P")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    with pytest.raises(CommandError, match="abandonnée"):
        restore(saved, "--force")
    assert not Path(settings.PRIVATE_FILES_ROOT).exists()


def test_force_and_yes_replace_the_database_with_the_backup(settings: Any, saved: Path) -> None:
    make_school(AcademieFactory.create(name="Présente"), "P")
    restore(saved, "--force", "--yes")
    assert Student.objects.filter(cohort__establishment__name="Lycée A").count() == 1
    assert not Student.objects.filter(cohort__establishment__name="Lycée P").exists()
    assert len([p for p in Path(settings.PRIVATE_FILES_ROOT).rglob("*") if p.is_file()]) == 1
