"""An académie of N candidates: the verdict refresh, the académie board and the exports.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/milieu_acad \\
        .venv/bin/python bench/academie.py --candidates 60000 [--schools 150] [--seed 2026]

Builds the académie in the configured database (`bench.academie_data.build_academie`, bulk
inserts; the database must be migrated), then measures:

1. ``milieu eligibility refresh`` of its candidates (wall time, queries);
2. the académie board, first page and a filtered page (establishment + status), 30 requests
   each through Django's test client logged in as the rectorat's exam service (median, p95,
   queries);
3. the CSV and XLSX exports of the académie's candidates, each in a child process
   (``milieu eligibility export``): wall time and the child's peak memory (``ru_maxrss``).

Figures only, no timed assertion. Goals (issue 10): refresh ≤ 60 s for 60,000 candidates on two
cores, board p95 ≤ 300 ms, exports ≤ 30 s. The last line is
``academie: N candidates, refresh R s, board p95 B ms, csv C s, xlsx X s``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "milieu.settings")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def timed_requests(client: Any, url: str, count: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    times = []
    queries = 0
    for _ in range(count):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} : HTTP {response.status_code}")
        queries = len(captured)
    return times, queries


CHILD = """
import os, sys
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "milieu.settings")
import django
django.setup()
from django.core.management import call_command
call_command("eligibility", "export", "--format", {fmt!r}, "-o", {target!r})
status = open("/proc/self/status").read()
peak = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
print(int(peak[0]) if peak else 0)
"""


def export_in_child(fmt: str, target: Path) -> tuple[float, float]:
    """``milieu eligibility export --format FMT -o TARGET`` in a fresh Python process: seconds
    and its peak memory (MiB). The peak is the child's own high-water mark (``VmHWM``, reset
    by ``exec``): its ``ru_maxrss`` would start from this process's peak at the fork."""
    code = CHILD.format(root=str(ROOT), fmt=fmt, target=str(target))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"export {fmt} : {done.stderr[-2000:]}")
    return seconds, int(done.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=60_000)
    parser.add_argument("--schools", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from bench.academie_data import build_academie
    from milieu.exams.models import StoredVerdict
    from milieu.exams.verdicts import refresh_verdicts
    from milieu.people.models import User
    from milieu.students.models import Student

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    vendor = connection.vendor
    print(f"base : {vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} cœurs")
    if vendor != "postgresql":
        print("(les chiffres à rapporter se mesurent sur PostgreSQL : DATABASE_URL=postgres://…)")

    start = time.perf_counter()
    built = build_academie(
        args.candidates,
        args.schools,
        args.seed,
        progress=lambda m: print(f"  {time.perf_counter() - start:6.1f} s  {m}", flush=True),
    )
    build_s = time.perf_counter() - start
    print(f"construction : {built.student_count} candidats en {build_s:.1f} s ({built.name})")

    # 1. the refresh ---------------------------------------------------------------------
    students = Student.objects.filter(cohort__establishment__academie_id=built.academie_id)
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        done = refresh_verdicts(students, timezone.localdate())
    refresh_s = time.perf_counter() - start
    print(
        f"refresh : {done} verdicts en {refresh_s:.1f} s "
        f"({done / refresh_s:.0f} candidats/s, {len(captured)} requêtes SQL)"
    )
    assert StoredVerdict.objects.filter(student__in=students).count() == built.student_count

    # 2. the académie board ----------------------------------------------------------------
    client = Client()
    client.force_login(User.objects.get(email=built.rectorat_email))
    board = reverse("exams:board")
    first = f"{board}?session={built.sessions[0]}"
    filtered = (
        f"{board}?session={built.sessions[0]}&establishment={built.establishment_ids[0]}"
        "&status=non-compliant"
    )
    board_p95 = 0.0
    for label, url in (("première page", first), ("page filtrée", filtered)):
        times, queries = timed_requests(client, url, args.requests)
        board_p95 = max(board_p95, p95(times))
        print(
            f"tableau de l'académie, {label} : médiane {statistics.median(times):.0f} ms, "
            f"p95 {p95(times):.0f} ms, {queries} requêtes SQL ({args.requests} requêtes HTTP)"
        )

    # 3. the exports -----------------------------------------------------------------------
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("csv", "xlsx"):
            target = Path(folder) / f"export.{fmt}"
            seconds, peak = export_in_child(fmt, target)
            figures[fmt] = seconds
            print(
                f"export {fmt} (toutes les académies de la base) : {seconds:.1f} s, "
                f"mémoire maximale du processus {peak:.0f} Mio, {target.stat().st_size / 1e6:.1f} Mo"
            )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mémoire maximale du banc d'essai : {own:.0f} Mio")
    print(
        f"academie: {built.student_count} candidates, refresh {refresh_s:.1f} s, "
        f"board p95 {board_p95:.0f} ms, csv {figures['csv']:.1f} s, xlsx {figures['xlsx']:.1f} s"
    )


if __name__ == "__main__":
    main()
