"""One archive that gives everything back: the database, the deposited files and the seals.

`create_backup` writes a ``.tar.gz`` holding, first, ``manifest.json`` (format, Milieu's version,
the date, the database engine, and the SHA-256 and size of every other member), then the
database dump (``pg_dump -Fc`` for PostgreSQL, a consistent copy through SQLite's backup API
otherwise), every deposited file (read through the storage: the folder ``PRIVATE_FILES_ROOT``
or the bucket of ``STORAGE_URL``) and every file of ``SEAL_DIRECTORY``.

`verify_archive` reads an archive into a private staging directory and refuses it, before
anything of the site is touched, when a member is not a plain file, leaves its folder (``..``,
an absolute path), is not in the manifest, is missing, or does not match its hash and size.
`restore_database` and `restore_files` then put the verified copy in place.

`SECRET_KEY` is not in the archive (it is configuration, not data): it must be kept beside it,
or every link already sent (signatures, tutors, calendar feeds) stops working.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from milieu import storage

FORMAT = "milieu-sauvegarde"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
SECTIONS = ("database", "private", "seals")
SECTION_NAMES = {"private": "fichiers déposés", "seals": "cachets (clés et certificats)"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
DUMP_NAMES = {"postgresql": "database/milieu.pgdump", "sqlite": "database/milieu.sqlite3"}
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    return None


class BackupError(Exception):
    """A backup or a restore that cannot be done, with the reason in French."""


@dataclass(frozen=True)
class ManifestEntry:
    path: str  # inside the archive: database/…, private/…, seals/…
    sha256: str
    size: int


@dataclass
class BackupSummary:
    archive: Path
    sha256: str
    size: int
    engine: str
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


@dataclass
class VerifiedArchive:
    """An archive whose every member was checked; `staged` maps each member to its copy."""

    manifest: dict[str, Any]
    entries: list[ManifestEntry]
    staged: dict[str, Path]

    @property
    def engine(self) -> str:
        return str(self.manifest["database"]["engine"])

    def section(self, name: str) -> list[ManifestEntry]:
        return [e for e in self.entries if e.path.startswith(f"{name}/")]


def milieu_version() -> str:
    try:
        return importlib.metadata.version("milieu")
    except importlib.metadata.PackageNotFoundError:
        return "inconnue"


def current_engine() -> str:
    vendor = connection.vendor
    if vendor not in ENGINE_NAMES:
        raise BackupError(
            f"Le moteur de base de données « {vendor} » n’est pas pris en charge "
            "(PostgreSQL ou SQLite)."
        )
    return vendor


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} o"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} Kio".replace(".", ",")
    return f"{size / (1024 * 1024):.1f} Mio".replace(".", ",")


# --- PostgreSQL's own tools -------------------------------------------------------------------


def pg_arguments() -> tuple[list[str], dict[str, str]]:
    """pg_dump / pg_restore connection options from Django's settings (the password by the
    environment, never on the command line)."""
    conf = connection.settings_dict
    arguments: list[str] = []
    if conf.get("HOST"):
        arguments += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        arguments += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        arguments += ["--username", str(conf["USER"])]
    arguments += ["--dbname", str(conf["NAME"])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    sslmode = (conf.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    env.setdefault("PGAPPNAME", "milieu-sauvegarde")
    return arguments, env


def run_tool(tool: str, arguments: list[str], env: dict[str, str]) -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"L’outil {tool} est introuvable : installez postgresql-client.")
    done = subprocess.run(
        [program, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{tool} a échoué : {detail[-1] if detail else done.returncode}")


# --- the database -------------------------------------------------------------------------------


def dump_database(target: Path) -> None:
    """A consistent copy of the database in `target`."""
    engine = current_engine()
    if engine == "postgresql":
        arguments, env = pg_arguments()
        run_tool(
            "pg_dump",
            ["--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *arguments],
            env,
        )
        return
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()


# --- the files --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """One member to archive: its name in the archive and how to read it."""

    name: str
    open: Callable[[], IO[bytes]]


def _local_file(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: open(path, "rb")


def _stored_file(relative: str) -> Callable[[], IO[bytes]]:
    return lambda: storage.open_stored(relative)


def _files_under(section: str, base: Path, skipped: list[str]) -> Iterator[_Source]:
    """Every plain file under `base` (a local folder); links and others are skipped."""
    if not base.is_dir():
        return
    for folder, directories, names in os.walk(base, followlinks=False):
        directories.sort()
        for name in sorted(names):
            path = Path(folder) / name
            relative = path.relative_to(base).as_posix()
            if path.is_symlink() or not path.is_file():
                skipped.append(f"{section}/{relative}")
                continue
            yield _Source(f"{section}/{relative}", _local_file(path))


def _stored_files(skipped: list[str]) -> Iterator[_Source]:
    """Every deposited file, read through the storage (the local folder or the bucket)."""
    if storage.is_local():
        yield from _files_under("private", storage.root(), skipped)
        return
    for relative in storage.names():
        try:
            storage.checked_name(relative)
        except ValueError:
            skipped.append(f"private/{relative}")
            continue
        yield _Source(f"private/{relative}", _stored_file(relative))


def _measure(source: _Source) -> ManifestEntry:
    digest, size = hashlib.sha256(), 0
    with source.open() as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return ManifestEntry(source.name, digest.hexdigest(), size)


class _HashingReader:
    """Reads a file for tarfile while hashing what was read."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def _destination(dest: Path) -> Path:
    if dest.is_dir():
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        dest = dest / f"milieu-sauvegarde-{stamp}.tar.gz"
    if dest.exists():
        raise BackupError(f"{dest} existe déjà : une sauvegarde n’en écrase jamais une autre.")
    if not dest.parent.is_dir():
        raise BackupError(f"Le dossier {dest.parent} n’existe pas.")
    return dest


def create_backup(dest: Path, *, progress: Progress = quiet) -> BackupSummary:
    """Write the archive at `dest` (a file name, or a folder to write a dated file into)."""
    archive_path = _destination(dest)
    engine = current_engine()
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="milieu-sauvegarde-") as scratch:
        dump = Path(scratch) / "dump"
        progress(f"Base de données ({ENGINE_NAMES[engine]}) : copie en cours…")
        dump_database(dump)
        progress(f"Base de données : {human_size(dump.stat().st_size)}.")
        sources: list[_Source] = [_Source(DUMP_NAMES[engine], _local_file(dump))]
        sources += _stored_files(skipped)
        sources += _files_under("seals", Path(settings.SEAL_DIRECTORY), skipped)
        entries = [_measure(source) for source in sources]
        counts = {s: sum(1 for e in entries if e.path.startswith(f"{s}/")) for s in SECTIONS}
        progress(f"Fichiers déposés : {counts['private']} ; cachets : {counts['seals']}.")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "milieu_version": milieu_version(),
            "created_at": timezone.localtime().isoformat(),
            "database": {
                "engine": engine,
                "file": DUMP_NAMES[engine],
                "format": "pg_dump -Fc" if engine == "postgresql" else "sqlite3",
            },
            "files": [e.__dict__ for e in entries],
        }
        encoded = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        partial = archive_path.with_name(f".{archive_path.name}.partiel")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = (
                    len(encoded),
                    0o600,
                    int(timezone.now().timestamp()),
                )
                tar.addfile(info, _BytesReader(encoded))
                for done, (source, entry) in enumerate(zip(sources, entries, strict=True)):
                    _add(tar, source, entry)
                    if done and done % 200 == 0:
                        progress(f"… {done} / {len(entries)} fichiers archivés")
            os.replace(partial, archive_path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupSummary(
        archive=archive_path,
        sha256=sha256_of(archive_path),
        size=archive_path.stat().st_size,
        engine=engine,
        counts=counts,
        skipped=skipped,
    )


class _BytesReader:
    def __init__(self, content: bytes) -> None:
        self.content, self.offset = content, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.content) if size < 0 else self.offset + size
        chunk = self.content[self.offset : end]
        self.offset += len(chunk)
        return chunk


def _add(tar: tarfile.TarFile, source: _Source, entry: ManifestEntry) -> None:
    info = tarfile.TarInfo(source.name)
    info.size, info.mode = entry.size, 0o600
    info.mtime = int(timezone.now().timestamp())
    with source.open() as handle:
        reader = _HashingReader(handle)
        try:
            tar.addfile(info, reader)
        except OSError:  # shorter than measured: tarfile says "unexpected end of data"
            raise BackupError(
                f"Le fichier {source.name} a changé pendant la sauvegarde : recommencez."
            ) from None
    if reader.digest.hexdigest() != entry.sha256:
        raise BackupError(f"Le fichier {source.name} a changé pendant la sauvegarde : recommencez.")


# --- reading an archive back --------------------------------------------------------------------
