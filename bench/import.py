"""Time of a 5,000-student import, through the same operations and tasks as the web pages.

    .venv/bin/python bench/import.py                         # SQLite, in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/milieu_dev .venv/bin/python bench/import.py
    .venv/bin/python bench/import.py --count 20000           # a bigger file

The database is a fresh throwaway one, migrated first: a temporary SQLite file, or, when
DATABASE_URL points at PostgreSQL, a dedicated database `milieu_bench_import` created on that
server and dropped at the end (the database named in the URL is only used to connect).

The CSV (`bench/out/eleves-COUNT.csv`, `;`, UTF-8 with BOM, dates JJ/MM/AAAA) is generated from
`random.Random(--seed)`. Tasks run inline (TASKS_BACKEND=immediate), so each phase is the whole
work a worker would do:

1. contrôle au dépôt — what the upload form does before accepting the file (its kind, from its
   first bytes: the file itself is read by the task);
2. vérification — `start_import`: the file stored in an ImportJob, then every row checked and
   classified against the database (the preview);
3. enregistrement — `confirm_import`: the rows written in one transaction;
then the same file with every division changed, imported again (5,000 updates), for information.

Figures only, no timed assertion: the goal (first import < 10 s on PostgreSQL) is said
"atteint" or "non atteint".
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from random import Random
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
BENCH_DATABASE = "milieu_bench_import"
GOAL_SECONDS = 10.0

LAST_NAMES = [
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPONT",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFÈVRE",
    "FAURE",
    "ANDRÉ",
    "MERCIER",
    "BLANC",
    "GUÉRIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
]
FIRST_NAMES = [
    "Léa",
    "Hugo",
    "Inès",
    "Lucas",
    "Manon",
    "Chloé",
    "Nathan",
    "Jade",
    "Adam",
    "Zoé",
    "Louis",
    "Emma",
    "Gabriel",
    "Alice",
    "Raphaël",
    "Louise",
    "Arthur",
    "Lina",
    "Jules",
    "Rose",
    "Maël",
    "Ambre",
    "Noé",
    "Anna",
    "Léo",
    "Mia",
    "Éthan",
    "Lou",
    "Timéo",
    "Juliette",
]


def csv_text(count: int, seed: int, *, division_suffix: str = "") -> str:
    rng = Random(seed)
    lines = ["INE;Nom;Prénom;Date de naissance;Division;Formation"]
    for n in range(count):
        ine = f"{700_000_000 + n:09d}" + "BE"
        born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2005, 2010)}"
        division = f"{rng.choice(('1', '2'))} CIEL {rng.choice('ABCD')}{division_suffix}"
        lines.append(
            f"{ine};{rng.choice(LAST_NAMES)};{rng.choice(FIRST_NAMES)};{born};{division};"
            "BTS CIEL option A (informatique et réseaux)"
        )
    return "\r\n".join(lines) + "\r\n"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _maintenance(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


def prepare_database() -> tuple[str, Callable[[], None]]:
    """Point DATABASE_URL at a fresh database; return its label and how to remove it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        _maintenance(url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        _maintenance(url, f"CREATE DATABASE {BENCH_DATABASE}")
        os.environ["DATABASE_URL"] = _with_database(url, BENCH_DATABASE)

        def drop() -> None:
            _maintenance(url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")

        return f"PostgreSQL, base {BENCH_DATABASE} (créée puis supprimée)", drop
    directory = tempfile.mkdtemp(prefix="milieu-bench-import-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    return f"SQLite, fichier temporaire {directory}/bench.sqlite3", lambda: shutil.rmtree(
        directory, ignore_errors=True
    )


def timed(label: str, results: list[tuple[str, float]], action: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = action()
    elapsed = time.perf_counter() - start
    results.append((label, elapsed))
    print(f"  {label:<42} {elapsed:7.2f} s", flush=True)
    return value


def run(count: int, seed: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from milieu.factories import AcademieFactory, CohortFactory, EstablishmentFactory, member
    from milieu.imports.enums import ImportKind, ImportMode, ImportStatus
    from milieu.imports.operations import confirm_import, start_import
    from milieu.imports.reading import file_kind
    from milieu.people.enums import Role
    from milieu.students.models import Student

    call_command("migrate", verbosity=0)
    establishment = EstablishmentFactory.create(
        academie=AcademieFactory.create(name="Strasbourg"), name="Lycée du banc d’essai"
    )
    cohort = CohortFactory.create(establishment=establishment, name="BTS CIEL 1re année")
    secretary = member(Role.SECRETARY, establishment=establishment, email="secretariat@banc.fr")

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"eleves-{count}.csv"
    data = csv_text(count, seed).encode("utf-8-sig")
    path.write_bytes(data)
    print(f"Fichier : {path.relative_to(ROOT)} ({count} élèves, {len(data) / 1024:.0f} Kio)")
    print(f"Base : {connection.vendor}\n")

    def import_once(payload: bytes, results: list[tuple[str, float]]) -> Any:
        timed("contrôle au dépôt (formulaire)", results, lambda: file_kind(payload))
        job = timed(
            "vérification (tâche, aperçu)",
            results,
            lambda: start_import(
                establishment=establishment,
                kind=ImportKind.STUDENTS,
                cohort=cohort,
                file_name=path.name,
                data=payload,
                by=secretary,
            ),
        )
        job.refresh_from_db()
        if job.status != ImportStatus.READY:
            raise SystemExit(f"Vérification : état inattendu {job.status} ({job.error_message})")
        timed(
            "enregistrement (tâche, une transaction)",
            results,
            lambda: confirm_import(job, mode=ImportMode.ALL_OR_NOTHING, by=secretary),
        )
        job.refresh_from_db()
        if job.status != ImportStatus.DONE:
            raise SystemExit(
                f"Enregistrement : état inattendu {job.status} ({job.error_message or job.notice})"
            )
        return job

    print(f"Premier import ({count} créations)")
    first: list[tuple[str, float]] = []
    job = import_once(data, first)
    total = sum(seconds for _, seconds in first)
    print(f"  {'total':<42} {total:7.2f} s   ({count / total:,.0f} lignes/s)".replace(",", " "))
    created = Student.objects.filter(cohort=cohort).count()
    print(f"  élèves créés : {job.created_count} (en base : {created})\n")

    print(f"Réimport du même fichier, divisions changées ({count} mises à jour)")
    again: list[tuple[str, float]] = []
    changed = csv_text(count, seed, division_suffix=" bis").encode("utf-8-sig")
    job = import_once(changed, again)
    total_again = sum(seconds for _, seconds in again)
    print(f"  {'total':<42} {total_again:7.2f} s")
    print(
        f"  élèves mis à jour : {job.updated_count} ; "
        f"en base : {Student.objects.filter(cohort=cohort).count()} (aucun doublon)\n"
    )

    on_postgres = connection.vendor == "postgresql"
    verdict = "atteint" if total < GOAL_SECONDS else "non atteint"
    where = "" if on_postgres else " (mesuré sur SQLite : l’objectif vaut pour PostgreSQL)"
    print(
        f"Objectif : import de {count} élèves en moins de {GOAL_SECONDS:.0f} s sur PostgreSQL — "
        f"{verdict}{where} ({total:.2f} s)."
    )
    connection.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="élèves dans le fichier (5000)")
    parser.add_argument("--seed", type=int, default=2026, help="graine du générateur (2026)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "milieu.settings"
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["DEBUG"] = "false"  # no query log: measure the import, not the debug toolbar
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["LOG_LEVEL"] = "WARNING"

    label, cleanup = prepare_database()
    print(f"Banc d’essai des imports — {label}")
    try:
        return run(args.count, args.seed)
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
