"""Restoring a backup (`milieu restore`): the archive is verified whole before anything is
written (its manifest, each member's name, size and SHA-256), then the database and the files are
put back. The archive's shape and the backup itself are in `milieu.dataprotection.backup`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

from milieu import storage
from milieu.dataprotection.backup import (
    CHUNK,
    DUMP_NAMES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_MAX_BYTES,
    SECTION_NAMES,
    SECTIONS,
    BackupError,
    ManifestEntry,
    Progress,
    VerifiedArchive,
    pg_arguments,
    quiet,
    run_tool,
)


def database_has_data() -> bool:
    """Does any of the site's tables hold a row? (A new, migrated database holds none.)"""
    existing = set(connection.introspection.table_names())
    for model in apps.get_models():
        module = model.__module__
        if not module.startswith("milieu."):
            continue
        if model._meta.db_table in existing and model._default_manager.exists():
            return True
    return False


def restore_database(archive: VerifiedArchive) -> None:
    engine = archive.engine
    dump = archive.staged[DUMP_NAMES[engine]]
    if engine == "postgresql":
        arguments, env = pg_arguments()
        connection.close()
        run_tool(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *arguments,
                str(dump),
            ],
            env,
        )
        return
    source = sqlite3.connect(dump)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


# --- the archive ------------------------------------------------------------------------------


def safe_member_name(name: str) -> bool:
    """A relative POSIX path inside one of the sections, without `..`, `.` or empty parts."""
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return False
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or parts[0] not in SECTIONS:
        return False
    return all(part not in ("", ".", "..") for part in parts) and "/".join(parts) == name


def _manifest_entries(manifest: Any) -> list[ManifestEntry]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("Ce fichier n’est pas une sauvegarde de Milieu (manifeste inconnu).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Version de sauvegarde {manifest.get('format_version')!r} inconnue "
            f"(attendue : {FORMAT_VERSION})."
        )
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("engine") not in DUMP_NAMES:
        raise BackupError("Le manifeste ne dit pas de quelle base vient la sauvegarde.")
    rows = manifest.get("files")
    if not isinstance(rows, list):
        raise BackupError("Le manifeste ne liste pas les fichiers de la sauvegarde.")
    entries: list[ManifestEntry] = []
    seen: set[str] = set()
    for row in rows:
        if not isinstance(row, dict):
            raise BackupError("Le manifeste contient une ligne illisible.")
        path, sha, size = row.get("path"), row.get("sha256"), row.get("size")
        if not isinstance(path, str) or not safe_member_name(path):
            raise BackupError(f"Chemin refusé dans le manifeste : {path!r}.")
        if path in seen:
            raise BackupError(f"Le manifeste cite deux fois {path}.")
        valid_hash = (
            isinstance(sha, str) and len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)
        )
        if not valid_hash or not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise BackupError(f"Empreinte ou taille illisible dans le manifeste pour {path}.")
        seen.add(path)
        entries.append(ManifestEntry(path, str(sha), size))
    if DUMP_NAMES[database["engine"]] not in seen:
        raise BackupError("Le manifeste ne cite pas la copie de la base de données.")
    return entries


def verify_archive(source: Path, staging: Path, *, progress: Progress = quiet) -> VerifiedArchive:
    """Check every member of the archive against its manifest, copying each into `staging`
    (a private folder, under names of our own). Nothing else is written."""
    if not source.is_file():
        raise BackupError(f"{source} n’existe pas ou n’est pas un fichier.")
    try:
        with tarfile.open(source, mode="r:*") as tar:
            return _verify(tar, staging, progress)
    except tarfile.ReadError as error:
        raise BackupError(f"{source} n’est pas une archive lisible ({error}).") from None
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError) as error:
        raise BackupError(f"Archive illisible ou tronquée ({error}).") from None


def _verify(tar: tarfile.TarFile, staging: Path, progress: Progress) -> VerifiedArchive:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isreg():
        raise BackupError("L’archive ne commence pas par son manifeste (manifest.json).")
    if first.size > MANIFEST_MAX_BYTES:
        raise BackupError("Le manifeste de l’archive est anormalement grand.")
    handle = tar.extractfile(first)
    assert handle is not None
    try:
        manifest = json.loads(handle.read().decode("utf-8"))
    except ValueError:
        raise BackupError("Le manifeste de l’archive n’est pas un JSON lisible.") from None
    entries = _manifest_entries(manifest)
    expected = {e.path: e for e in entries}
    staged: dict[str, Path] = {}
    for member in tar:  # iterating starts again from the first member: the manifest
        if member is first:
            continue
        name = member.name
        if not safe_member_name(name):
            raise BackupError(f"Chemin refusé dans l’archive : {name!r}.")
        if not member.isreg():
            raise BackupError(f"Élément refusé dans l’archive (lien ou fichier spécial) : {name}.")
        entry = expected.get(name)
        if entry is None:
            raise BackupError(f"L’archive contient un fichier absent du manifeste : {name}.")
        if name in staged:
            raise BackupError(f"L’archive contient deux fois {name}.")
        if member.size != entry.size:
            raise BackupError(f"Taille inattendue pour {name}.")
        target = staging / f"{len(staged):06d}"
        digest = hashlib.sha256()
        reader = tar.extractfile(member)
        assert reader is not None
        with open(target, "xb") as out:
            while chunk := reader.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != entry.sha256:
            raise BackupError(f"Empreinte SHA-256 inattendue pour {name} : archive altérée.")
        staged[name] = target
        if len(staged) % 200 == 0:
            progress(f"… {len(staged)} / {len(entries)} fichiers vérifiés")
    missing = [e.path for e in entries if e.path not in staged]
    if missing:
        raise BackupError(
            f"{len(missing)} fichier(s) du manifeste manquent dans l’archive, dont {missing[0]}."
        )
    return VerifiedArchive(manifest=manifest, entries=entries, staged=staged)


def _place(staged: Path, base: Path, relative: str) -> None:
    target = (base / relative).resolve()
    if base.resolve() not in target.parents:
        raise BackupError(f"Chemin refusé : {relative}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restauration")
    shutil.copyfile(staged, partial)
    partial.chmod(0o600)
    os.replace(partial, target)


def restore_files(archive: VerifiedArchive, *, progress: Progress = quiet) -> dict[str, int]:
    """Put the deposited files (into the storage: the local folder or the bucket) and the seals
    back; return how many of each."""
    counts = {}
    for section in ("private", "seals"):
        rows = archive.section(section)
        base = Path(settings.SEAL_DIRECTORY)
        if section == "seals":
            base.mkdir(parents=True, exist_ok=True)
        for entry in rows:
            relative = entry.path.split("/", 1)[1]
            if section == "seals":
                _place(archive.staged[entry.path], base, relative)
                continue
            try:
                with open(archive.staged[entry.path], "rb") as handle:
                    storage.write(relative, handle)
            except ValueError:
                raise BackupError(f"Chemin refusé : {relative}.") from None
        counts[section] = len(rows)
        progress(f"{SECTION_NAMES[section].capitalize()} : {len(rows)} fichier(s) remis en place.")
    return counts
