"""Time of the end-of-stage certificates and of a cohort's livret attestations (one PDF).

    .venv/bin/python bench/livret.py               # a BEP MPMI cohort of 500 students
    .venv/bin/python bench/livret.py --count 100   # smaller and faster

A throwaway SQLite database (migrated, then deleted with its directory) holds one BEP MPMI
cohort of `--count` students; each has a signed convention of three weeks (Monday to Friday)
with a host among 50, a tutor's link, and one student in five an absence of one day. Tasks run
inline (TASKS_BACKEND=immediate): the livret is made by the same task as behind the web page.

1. attestations de fin de stage — `milieu.followup.operations.issue_certificate` for every
   student, as the tutors would through their links: each renders its PDF (WeasyPrint) and
   stores it with its SHA-256;
2. PDF du livret de la promotion — `milieu.livret.operations.start_livret`: the pages of every
   student in name order, laid out by batches, joined into one PDF and stored.

Figures only, no timed assertion: total seconds, milliseconds per document (or per page), the
sizes, the queries of the livret task. The load average is printed: compare runs on the same
machine.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PERIOD = (date(2027, 6, 7), date(2027, 6, 25))
HOSTS = 50
LAST_NAMES = ["MARTIN", "BERNARD", "PETIT", "DURAND", "LEROY", "MOREAU", "SIMON", "LAURENT"]
FIRST_NAMES = ["Léa", "Hugo", "Inès", "Lucas", "Manon", "Nathan", "Jade", "Adam", "Zoé", "Louis"]
ACTIVITIES = (
    "Observation et découverte de l’entreprise ; réglage et conduite d’un tour à commande "
    "numérique ; contrôle dimensionnel des pièces produites."
)
OBJECTIVES = "Comprendre le fonctionnement d’une équipe de production de biens techniques."


def build(count: int) -> tuple[Any, Any, list[tuple[Any, Any]]]:
    """The cohort, its teacher, and (tutor's access, period) for each student."""
    from django.core.management import call_command

    from milieu.conventions.models import Convention
    from milieu.conventions.operations import create_convention
    from milieu.factories import (
        AcademieFactory,
        CohortFactory,
        EstablishmentFactory,
        HostFactory,
        StudentFactory,
        TutorFactory,
        member,
    )
    from milieu.followup.models import Absence
    from milieu.followup.operations import issue_tutor_link, resolve_access
    from milieu.people.enums import Role

    call_command("migrate", verbosity=0)
    establishment = EstablishmentFactory.create(
        academie=AcademieFactory.create(name="Strasbourg"), name="Lycée du banc d’essai"
    )
    cohort = CohortFactory.create(
        establishment=establishment, name="BEP MPMI 2de", diploma="bep-mpmi"
    )
    teacher = member(Role.TEACHER, establishment=establishment, email="prof@banc.fr")
    cohort.teachers.add(teacher)
    tutors = []
    for n in range(HOSTS):
        host = HostFactory.create(name=f"Usinage {n:02d}", city="Colmar")
        tutors.append(TutorFactory.create(host=host, email=f"tuteur{n}@banc.fr"))
    work = []
    for n in range(count):
        student = StudentFactory.create(
            cohort=cohort,
            last_name=f"{LAST_NAMES[n % len(LAST_NAMES)]}{n:04d}",
            first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
        )
        tutor = tutors[n % HOSTS]
        convention = create_convention(
            student=student,
            host=tutor.host,
            periods=[PERIOD],
            by=teacher,
            tutor=tutor,
            activities=ACTIVITIES,
            objectives=OBJECTIVES,
        )
        Convention.objects.filter(pk=convention.pk).update(status="signed")
        convention.refresh_from_db()
        access = resolve_access(issue_tutor_link(convention, by=teacher))
        period = convention.active_periods().get()
        if n % 5 == 0:
            Absence.objects.create(
                period=period,
                start=PERIOD[0],
                end=PERIOD[0],
                days=1,
                reason="Maladie",
                declared_by="Tuteur",
            )
        work.append((access, period))
    return cohort, teacher, work


def pages_of(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def run(count: int) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from milieu.followup.operations import issue_certificate
    from milieu.livret.enums import LivretStatus
    from milieu.livret.models import LivretJob
    from milieu.livret.operations import start_livret

    started = time.perf_counter()
    cohort, teacher, work = build(count)
    print(
        f"  préparation : {count} élèves, conventions signées, liens des tuteurs "
        f"({time.perf_counter() - started:.1f} s, non chronométrée ci-dessous)\n",
        flush=True,
    )

    # 1. one end-of-stage certificate per student, each rendering its PDF
    times: list[float] = []
    sizes: list[int] = []
    begin = time.perf_counter()
    for access, period in work:
        start = time.perf_counter()
        certificate = issue_certificate(access, period, tutor_name="Jean Tuteur")
        times.append((time.perf_counter() - start) * 1000)
        sizes.append(len(bytes(certificate.content)))
    total_a = time.perf_counter() - begin
    print(
        f"  (a) {count} attestations de fin de stage : {total_a:6.1f} s au total, "
        f"{total_a * 1000 / count:6.1f} ms par attestation (médiane {statistics.median(times):.1f}, "
        f"min {min(times):.1f}, max {max(times):.1f} — le 1er appel charge WeasyPrint), "
        f"PDF de {statistics.mean(sizes) / 1024:.1f} Kio en moyenne",
        flush=True,
    )

    # 2. the livret attestations of the whole cohort, one PDF
    begin = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        job = start_livret(cohort, by=teacher)
    total_b = time.perf_counter() - begin
    job = LivretJob.objects.get(pk=job.pk)
    if job.status != LivretStatus.DONE:
        print(f"  (b) échec de l’édition : {job.error_message}")
        return 1
    pdf = bytes(job.content)
    pages = pages_of(pdf)
    print(
        f"  (b) PDF du livret de la promotion : {total_b:6.1f} s au total, "
        f"{total_b * 1000 / count:6.1f} ms par page, {pages} pages, "
        f"{len(pdf) / 1024:.1f} Kio ({len(pdf) / 1024 / pages:.1f} Kio par page), "
        f"{len(queries)} requêtes SQL, avancement {job.done}/{job.total}",
        flush=True,
    )
    load = os.getloadavg()
    print(
        f"\n  machine : {os.cpu_count()} processeurs, charge {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="élèves de la promotion (500)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count vaut au moins 1")

    directory = tempfile.mkdtemp(prefix="milieu-bench-livret-")
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "milieu.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ["SEAL_DIRECTORY"] = f"{directory}/seals"
    os.environ["PRIVATE_FILES_ROOT"] = f"{directory}/private"
    os.environ["CACHE_LOCATION"] = f"{directory}/cache"
    os.environ["DEBUG"] = "false"  # no query log but the one the bench asks for
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    print(f"Banc d’essai du livret — SQLite dans {directory} (supprimé à la fin)")
    try:
        return run(args.count)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
