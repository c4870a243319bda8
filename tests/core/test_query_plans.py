"""A school's pages use the indexes, whatever the size of the académie (issue 15).

PostgreSQL only: the planner's choices are what is tested. Each page is fetched by a school
user, every SELECT it ran is EXPLAINed, and a sequential scan of the students, conventions or
convention periods tables fails the test (with enough rows, ANALYZEd, for the planner to prefer
an index whenever one is usable): 100 schools of 400 students, each with a convention. Then 50
other schools are added (60,000 students, the académie of issue 15): the page's query count and
the way each plan reads those tables must not change, and it reads no more of their rows.
(Timings are not compared: they would make the test flaky.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from milieu.conventions.models import Convention, ConventionPeriod
from milieu.establishments.models import Cohort, Establishment
from milieu.factories import CohortFactory, ConventionFactory, EstablishmentFactory, HostFactory
from milieu.permissions import visible_students
from milieu.students.models import Student
from tests.core.conftest import School, make_school

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="query plans are PostgreSQL's: run with DATABASE_URL=postgres://… to check them",
)

WATCHED = {
    Student._meta.db_table,
    Convention._meta.db_table,
    ConventionPeriod._meta.db_table,
}
COHORTS_PER_SCHOOL = 10
STUDENTS_PER_COHORT = 40


def _template_convention(school: School) -> Convention:
    today = timezone.localdate()
    convention = ConventionFactory.create(
        signed=True,
        student=school.student,
        host=HostFactory.create(),
        periods=[(today - timedelta(days=10), today + timedelta(days=30))],
        created_by=school.head,
        referent=school.teacher,
    )
    return convention


def _copy_rows(model: Any, template_pk: int, source: str, changes: dict[str, str]) -> None:
    """INSERT … SELECT: one copy of the template row per row of `source` (a FROM clause naming
    `src`), with the columns of `changes` set to SQL expressions over `tpl` and `src`."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = [changes.get(c, f'tpl."{c}"') for c in columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ({quoted}) SELECT {", ".join(values)} '
            f'FROM "{table}" tpl, {source} WHERE tpl.id = %s',
            [template_pk],
        )


def add_rows(cohort_ids: list[int], template: Convention, per_cohort: int) -> None:
    """`per_cohort` students in each cohort, each with a signed convention and an active period
    without a visit (copies of the template's), written by the database itself."""
    first_student = Student.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first_convention = Convention.objects.order_by("-pk").values_list("pk", flat=True).first()
    cohorts = ",".join(str(int(c)) for c in cohort_ids) or "NULL"
    _copy_rows(
        Student,
        template.student_id,
        f"(SELECT c.id AS cohort_id, g.n FROM establishments_cohort c, "
        f"generate_series(1, {int(per_cohort)}) AS g(n) WHERE c.id IN ({cohorts})) src",
        {
            "cohort_id": "src.cohort_id",
            "user_id": "NULL",
            "ine": "lpad((src.cohort_id * 10000 + src.n)::text, 9, '0') || 'ZZ'",
            "last_name": "'Élève ' || src.cohort_id || '-' || src.n",
        },
    )
    _copy_rows(
        Convention,
        template.pk,
        f"(SELECT id FROM students_student WHERE id > {int(first_student)}) src",
        {"student_id": "src.id"},
    )
    _copy_rows(
        ConventionPeriod,
        template.periods.get().pk,
        f"(SELECT id, student_id FROM conventions_convention "
        f"WHERE id > {int(first_convention or 0)}) src",
        {"convention_id": "src.id", "student_id": "src.student_id"},
    )


def add_schools(academie: Any, template: Convention, count: int) -> None:
    """`count` other schools of the académie, each with `COHORTS_PER_SCHOOL` cohorts of
    `STUDENTS_PER_COHORT` students."""
    schools = Establishment.objects.bulk_create(
        EstablishmentFactory.build_batch(count, academie=academie)
    )
    cohorts = Cohort.objects.bulk_create(
        [CohortFactory.build(establishment=e) for e in schools for _ in range(COHORTS_PER_SCHOOL)]
    )
    add_rows([c.pk for c in cohorts], template, STUDENTS_PER_COHORT)
    with connection.cursor() as cursor:
        # statistics from every row rather than a random sample: the same plans on every run
        cursor.execute("SET LOCAL default_statistics_target = 1000")
        cursor.execute("ANALYZE")


def _plan(sql: str, *, analyze: bool = False) -> dict[str, Any]:
    with connection.cursor() as cursor:
        options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        raw = cursor.fetchone()[0]
    document = json.loads(raw) if isinstance(raw, str) else raw
    return dict(document[0]["Plan"])


def _text_plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        text = "\n".join(row[0] for row in cursor.fetchall())
    return text


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def sequential_scans(plan: dict[str, Any]) -> list[str]:
    return [
        n["Relation Name"]
        for n in _nodes(plan)
        if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in WATCHED
    ]


def shape(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """How the plan reads the watched tables: each scan's kind (sequential or through an index)
    and table. Which of two usable indexes, and the join methods around them, may change with
    the estimates; a table read in full may not."""
    return sorted(
        ("Seq Scan" if n["Node Type"] == "Seq Scan" else "index", n["Relation Name"])
        for n in _nodes(plan)
        if n.get("Relation Name") in WATCHED
    )


def rows_read(plan: dict[str, Any]) -> int:
    """The rows the executed plan read from the watched tables (kept or filtered out)."""
    return sum(
        (n.get("Actual Rows", 0) + n.get("Rows Removed by Filter", 0)) * n.get("Actual Loops", 1)
        for n in _nodes(plan)
        if n.get("Relation Name") in WATCHED
    )


def page_queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and any(table in q["sql"] for table in WATCHED)
    ]


@pytest.fixture
def school(academie: Any) -> School:
    return make_school(academie, "A")


@pytest.fixture
def template(school: School) -> Convention:
    convention = _template_convention(school)
    add_rows([school.cohort.pk], convention, 20)
    return convention


def school_pages(school: School) -> list[str]:
    return [
        reverse("conventions:list"),
        reverse("visits:alerts"),
        reverse("establishments:cohort_detail", args=[school.cohort.pk]),
    ]


def test_a_school_user_never_scans_a_whole_table(
    academie: Any, school: School, template: Any
) -> None:
    add_schools(academie, template, 100)
    # the check itself: the former « cohort in (…) OR user = … » filter scans every student
    former = Student.objects.filter(
        Q(cohort__in=Cohort.objects.filter(establishment=school.establishment).values("pk"))
        | Q(user_id=school.head.pk)
    )
    assert sequential_scans(_plan(str(former.query))) == [Student._meta.db_table]

    for user in (school.head, school.teacher, school.student_user):
        query = visible_students(user).order_by("last_name")
        assert sequential_scans(_plan(str(query.query))) == [], (user, _text_plan(str(query.query)))
    for user in (school.head, school.teacher):
        client = Client()
        client.force_login(user)
        for url in school_pages(school):
            for sql in page_queries(client, url):
                assert sequential_scans(_plan(sql)) == [], (url, sql, _text_plan(sql))


def measure(client: Client, url: str) -> tuple[int, list[list[tuple[str, str]]], int]:
    queries = page_queries(client, url)
    plans = [_plan(sql, analyze=True) for sql in queries]
    return len(queries), [shape(p) for p in plans], sum(rows_read(p) for p in plans)


def test_a_school_page_does_not_grow_with_other_schools(
    academie: Any, school: School, template: Any
) -> None:
    add_schools(academie, template, 100)  # enough for the planner to use its indexes
    client = Client()
    client.force_login(school.head)
    before = {url: measure(client, url) for url in school_pages(school)}
    with CaptureQueriesContext(connection) as counted:
        for url in school_pages(school):
            client.get(url)
    count_before = len(counted)

    add_schools(academie, template, 50)
    after = {url: measure(client, url) for url in school_pages(school)}
    with CaptureQueriesContext(connection) as counted:
        for url in school_pages(school):
            client.get(url)
    assert len(counted) == count_before
    for url in school_pages(school):
        assert after[url][0] == before[url][0], url  # queries touching the watched tables
        assert after[url][1] == before[url][1], url  # plan shapes
        assert not any(kind == "Seq Scan" for plan in after[url][1] for kind, _ in plan), url
        assert after[url][2] <= before[url][2], url  # rows read in the watched tables


@pytest.mark.django_db
def test_the_web_connection_does_not_jit_compile_its_queries() -> None:
    """A count over an académie's rows passes PostgreSQL's `jit_above_cost`; compiling it cost
    more than running it (90–145 ms of a 150 ms query): the settings turn JIT off."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
