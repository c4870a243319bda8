"""The main pages' queries and response times at 1× and 10× the demo, and on an académie.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/milieu_pages \\
        .venv/bin/python bench/pages.py [--requests 20] [--academie-candidates 60000] \\
        [--sizes 1x,10x,academie] [--reuse]

The database must be migrated and hold no demo yet. Three sizes, measured one after the other:

1. **1×** — the demo (`milieu.demo.load_demo`: four schools, about 300 students), stored
   verdicts refreshed;
2. **10×** — the same demo with nine times its students added to its own cohorts
   (`bench.academie_data.build_academie(..., into_cohorts=...)`: conventions, certificates,
   reports, derogations…), verdicts refreshed: every page of the demo's accounts shows ten
   times more rows;
3. **académie** — an académie of 150 schools and `--academie-candidates` candidates (the
   académie bench's builder), verdicts refreshed: the académie board as its rectorat.

For each page: SQL queries, median and p95 (ms) over `--requests` requests through Django's
test client (logged in as the page's user, one warm-up request first), and the p95's ratio to
a trivial page's (the anonymous login page). Figures only, no timed assertion. Goals (issue
15): a constant query count, p95 at 10× within 1.5× of 1×, no page above 300 ms p95.

`--sizes` picks the sizes measured (the académie is built beside the demo, without the 10×
students when `10x` is not asked). `--reuse` keeps what an earlier run left in the database:
the demo is loaded only when the database holds no student, and the académie is built only when
`bench/out/pages-academie-SCHOOLS-CANDIDATES.json` (written by the run that built it) is
missing. Building 60,000 candidates takes several minutes: build once, measure many times.
Each size's figures are kept in `bench/out/pages-figures.json`; with `--reuse`, an académie
run without `1x` compares with the 1× figures kept there (measured, say, on a database holding
the demo alone: `--sizes 1x --reuse` on another `DATABASE_URL`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "milieu.settings")


ACADEMIE = "académie : "
FIGURES = ROOT / "bench" / "out" / "pages-figures.json"  # the last figures of each size


@dataclass(frozen=True)
class Page:
    label: str
    email: str | None  # None: anonymous
    url: str


@dataclass(frozen=True)
class Figure:
    queries: int
    median: float
    p95: float


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def measure(page: Page, count: int) -> Figure:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from milieu.people.models import User

    client = Client()
    if page.email:
        client.force_login(User.objects.get(email=page.email))
    response = client.get(page.url)  # warm-up
    if response.status_code != 200:
        raise SystemExit(f"{page.label} ({page.url}) : HTTP {response.status_code}")
    times = []
    queries = 0
    for _ in range(count):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            client.get(page.url)
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return Figure(queries, statistics.median(times), p95(times))


def demo_pages() -> list[Page]:
    """The demo's pages, each seen by the user who works on it (Lycée Louis Couffignal)."""
    from django.urls import reverse

    from milieu.conventions.models import Convention
    from milieu.establishments.models import Cohort

    key = "couffignal"
    chef, ddfpt = f"chef.{key}@demo.milieu.fr", f"ddfpt.{key}@demo.milieu.fr"
    teacher, student = f"prof1.{key}@demo.milieu.fr", f"eleve.{key}@demo.milieu.fr"
    cohort = (
        Cohort.objects.filter(teachers__email=teacher).order_by("pk").first()
        or Cohort.objects.order_by("pk").first()
    )
    assert cohort is not None
    pupil = cohort.students.order_by("pk").first()
    convention = (
        Convention.objects.filter(student__cohort=cohort).order_by("pk").first()
        or Convention.objects.order_by("pk").first()
    )
    dashboard = reverse("dashboard")
    pages = [
        Page("tableau de bord — chef d'établissement", chef, dashboard),
        Page("tableau de bord — DDFPT", ddfpt, dashboard),
        Page("tableau de bord — secrétariat", f"secretariat.{key}@demo.milieu.fr", dashboard),
        Page("tableau de bord — enseignant", teacher, dashboard),
        Page("tableau de bord — élève", student, dashboard),
        Page("tableau de bord — rectorat", "examens@demo.milieu.fr", dashboard),
        Page("liste des promotions", ddfpt, reverse("establishments:cohort_list")),
        Page("page de promotion", ddfpt, reverse("establishments:cohort_detail", args=[cohort.pk])),
        Page(
            "placements de la promotion",
            ddfpt,
            reverse("establishments:placement_board", args=[cohort.pk]),
        ),
        Page(
            "verdicts de la promotion",
            ddfpt,
            reverse("establishments:cohort_verdicts", args=[cohort.pk]),
        ),
        Page("liste des conventions", ddfpt, reverse("conventions:list")),
        Page("alertes de visite", teacher, reverse("visits:alerts")),
        Page("rapports de la promotion", teacher, reverse("reports:cohort", args=[cohort.pk])),
        Page("tableau de l'académie", "examens@demo.milieu.fr", reverse("exams:board")),
    ]
    if pupil is not None:
        pages.append(Page("page d'élève", ddfpt, reverse("students:detail", args=[pupil.pk])))
    if convention is not None:
        pages.append(
            Page("page de convention", ddfpt, reverse("conventions:detail", args=[convention.pk]))
        )
    pages.extend(establishment_board(chef))
    return pages


def establishment_board(email: str) -> list[Page]:
    """The establishment board, when this version of the application has one."""
    from django.urls import NoReverseMatch, reverse

    for name in ("exams:establishment_board", "exams:school_board"):
        try:
            return [Page("tableau de l'établissement", email, reverse(name))]
        except NoReverseMatch:
            continue
    return []


def refresh_all() -> float:
    from django.utils import timezone

    from milieu.exams.verdicts import refresh_verdicts
    from milieu.students.models import Student

    start = time.perf_counter()
    refresh_verdicts(Student.objects.all(), timezone.localdate())
    return time.perf_counter() - start


def analyze() -> None:
    """The planner's statistics of the tables just filled in bulk, as autovacuum would gather
    them a little later on a server: without them, plans are chosen for the empty tables."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def table(title: str, figures: dict[str, Figure], trivial: Figure) -> None:
    print(f"\n{title}")
    print(f"{'page':58} {'requêtes':>8} {'médiane':>9} {'p95':>9} {'ratio':>7}")
    for label, f in figures.items():
        ratio = f.p95 / trivial.p95 if trivial.p95 else 0
        print(f"{label:58} {f.queries:8d} {f.median:7.0f}ms {f.p95:7.0f}ms {ratio:6.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--academie-candidates", type=int, default=60_000)
    parser.add_argument("--schools", type=int, default=150)
    parser.add_argument("--sizes", default="1x,10x,academie")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    sizes = set(args.sizes.split(","))

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse

    from bench.academie_data import AcademieData, build_academie
    from milieu.demo import load_demo
    from milieu.establishments.models import Cohort
    from milieu.students.models import Student

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(
        f"base : {connection.vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} cœurs"
    )
    debug = settings.DEBUG
    if not (args.reuse and Student.objects.exists()):
        settings.DEBUG = True  # the demo seals its conventions with a development certificate
        start = time.perf_counter()
        load_demo()
        settings.DEBUG = debug
        print(f"démo chargée en {time.perf_counter() - start:.0f} s")
        print(f"verdicts (1×) en {refresh_all():.1f} s")
        analyze()

    trivial_page = Page("page triviale (connexion, anonyme)", None, reverse("login"))
    pages = demo_pages()
    results: dict[str, dict[str, Figure]] = {}
    trivial: dict[str, Figure] = {}

    def run(size: str, chosen: list[Page]) -> None:
        trivial[size] = measure(trivial_page, args.requests)
        results[size] = {page.label: measure(page, args.requests) for page in chosen}
        count = Student.objects.count()
        table(f"{size} — {count} élèves en base", results[size], trivial[size])
        print(f"{trivial_page.label}: p95 {trivial[size].p95:.0f} ms")
        FIGURES.parent.mkdir(exist_ok=True)
        kept = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
        kept[size] = {
            "trivial": asdict(trivial[size]),
            "pages": {label: asdict(f) for label, f in results[size].items()},
        }
        FIGURES.write_text(json.dumps(kept, ensure_ascii=False, indent=1))

    if "1x" in sizes:
        run("1×", pages)
    if "10x" in sizes:
        demo_students = Student.objects.count()
        cohorts = list(Cohort.objects.values_list("pk", flat=True))
        start = time.perf_counter()
        build_academie(9 * demo_students, seed=10, into_cohorts=cohorts)
        print(f"\n10× : {9 * demo_students} élèves ajoutés en {time.perf_counter() - start:.0f} s")
        print(f"verdicts (10×) en {refresh_all():.1f} s")
        analyze()
        run("10×", pages)
    if "academie" not in sizes:
        compare(results, trivial)
        return

    saved = (
        ROOT / "bench" / "out" / f"pages-academie-{args.schools}-{args.academie_candidates}.json"
    )
    if args.reuse and saved.exists():
        built = AcademieData(**json.loads(saved.read_text()))
        print(f"\nacadémie reprise de {saved.name} : {built.student_count} candidats")
    else:
        start = time.perf_counter()
        built = build_academie(args.academie_candidates, args.schools, seed=15)
        print(
            f"\nacadémie : {built.student_count} candidats, {args.schools} établissements, "
            f"construite en {time.perf_counter() - start:.0f} s"
        )
        print(f"verdicts (tous) en {refresh_all():.1f} s")
        analyze()
        saved.parent.mkdir(exist_ok=True)
        saved.write_text(json.dumps(asdict(built)))
    board = reverse("exams:board")
    # the demo's pages with the académie beside them, then the académie's own pages (compared
    # with the demo's page of the same name at 1×)
    academie_pages = [
        *pages,
        Page(
            f"{ACADEMIE}tableau de l'académie",
            built.rectorat_email,
            f"{board}?session={built.sessions[0]}",
        ),
        Page(
            f"{ACADEMIE}tableau de l'académie, filtré",
            built.rectorat_email,
            f"{board}?session={built.sessions[0]}&establishment={built.establishment_ids[0]}"
            "&status=non-compliant",
        ),
        Page(f"{ACADEMIE}tableau de bord — rectorat", built.rectorat_email, reverse("dashboard")),
        Page(
            f"{ACADEMIE}tableau de bord — chef d'établissement",
            built.head_email,
            reverse("dashboard"),
        ),
        *[
            Page(f"{ACADEMIE}{page.label}", page.email, page.url)
            for page in establishment_board(built.head_email)
        ],
    ]
    run(f"académie de {args.schools} établissements", academie_pages)
    if args.reuse and "1×" not in results and FIGURES.exists():
        earlier = json.loads(FIGURES.read_text()).get("1×")
        if earlier is not None:  # measured by an earlier run (e.g. on a database of the demo alone)
            print(f"\n1× : chiffres d'une exécution précédente ({FIGURES.name})")
            trivial["1×"] = Figure(**earlier["trivial"])
            results = {
                "1×": {label: Figure(**f) for label, f in earlier["pages"].items()},
                **results,
            }
    compare(results, trivial)


def compare(results: dict[str, dict[str, Figure]], trivial: dict[str, Figure]) -> None:
    """Each bigger size against 1×, page by page (same label): the p95's ratio, the same ratio
    with each p95 first divided by its run's trivial page's (what is left of the size once the
    machine's load at each moment is taken out: on a shared machine, compare this one), and
    the query counts."""
    small_figures = results.get("1×")
    if small_figures is None:
        return
    for size, figures in results.items():
        if size == "1×":
            continue
        load = trivial["1×"].p95 / trivial[size].p95 if trivial[size].p95 else 0
        print(f"\n{size} / 1× (p95 ; p95 rapporté à la page triviale) et requêtes :")
        for label, big in figures.items():
            small = small_figures.get(label) or small_figures.get(label.removeprefix(ACADEMIE))
            if small is None:
                continue
            ratio = big.p95 / small.p95 if small.p95 else 0
            same = (
                "constant" if big.queries == small.queries else f"{small.queries} → {big.queries}"
            )
            print(f"  {label:58} {ratio:5.2f}×  {ratio * load:5.2f}×  requêtes {same}")


if __name__ == "__main__":
    main()
