"""The cohort page and the placement board on one cohort of `--students` students (issue 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/milieu_NAME \\
        .venv/bin/python bench/cohort_pages.py [--students 600] [--requests 20]

The database must be migrated and empty (the factories' sequences start again each run).
Per page: SQL queries, min, median and p95 (ms) over `--requests` requests through Django's
test client, with a cohort of 10 students, of 60 (a full page) and of `--students`. Figures
only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "milieu.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=600)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.getLogger("milieu.requests").setLevel(logging.WARNING)
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from milieu.conventions.operations import create_convention
    from milieu.factories import (
        AcademieFactory,
        CohortFactory,
        CohortPeriodFactory,
        EstablishmentFactory,
        HostFactory,
        PlacementFactory,
        StudentFactory,
        member,
    )
    from milieu.hosts.enums import PlacementStatus
    from milieu.people.enums import Role

    academie = AcademieFactory.create(name=f"Bench {time.time_ns()}")
    establishment = EstablishmentFactory.create(academie=academie)
    cohort = CohortFactory.create(establishment=establishment)
    period = CohortPeriodFactory.create(
        cohort=cohort, start=date(2030, 5, 6), end=date(2030, 6, 14)
    )
    head = member(Role.HEAD, establishment=establishment, email=f"chef-{time.time_ns()}@b.fr")
    host = HostFactory.create()
    states = [None, PlacementStatus.PROPOSED, PlacementStatus.VALIDATED, PlacementStatus.ARRETE]

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            student = StudentFactory.create(cohort=cohort)
            status = states[i % 4]
            placement = None
            if status is not None:
                placement = PlacementFactory.create(
                    student=student, cohort_period=period, status=status, host=host
                )
            if i % 8 == 3 and placement is not None:  # a convention for half the arrêté ones
                create_convention(
                    student=student,
                    host=host,
                    periods=[(period.start, period.end)],
                    by=head,
                    placement=placement,
                )

    urls = {
        "cohort page": reverse("establishments:cohort_detail", args=[cohort.pk]),
        "placement board": reverse("establishments:placement_board", args=[cohort.pk]),
        "board, filter « proposé », p.2": reverse(
            "establishments:placement_board", args=[cohort.pk]
        )
        + "?filtre=propose&page=2",
    }
    client = Client()
    client.force_login(head)

    def run(size: int) -> None:
        print(f"\n## cohort of {size} students")
        print(
            f"{'page':34} {'queries':>7} {'min ms':>7} {'median ms':>10} {'p95 ms':>8} {'KiB':>6}"
        )
        for label, url in urls.items():
            assert client.get(url).status_code == 200
            reset_queries()  # request_started empties the log: capture from an empty one
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times = []
            for _ in range(args.requests):
                began = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - began) * 1000)
            ordered = sorted(times)
            p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
            print(
                f"{label:34} {len(queries):7} {ordered[0]:7.1f} {statistics.median(times):10.1f} {p95:8.1f}"
                f" {len(response.content) / 1024:6.1f}"
            )

    size = 0
    for target in sorted({10, 60, args.students}):  # 60: a full page, from a small cohort
        grow(target - size, size)
        size = target
        run(size)


if __name__ == "__main__":
    main()
