"""Every URL of the application, for every role: the expected answer, and zero leaks.

The walk lists every named URL of the resolver (admin aside). A URL without an expectation in
`MATRIX` fails the test: a new page must say who may open it. Objects in the URLs belong to
school A; school B's staff and another académie's rectorat must never reach them (404), other
roles are refused (403) or sent to the login page (302).

`MILIEU_MATRIX_PROBE=1 pytest tests/test_url_matrix.py -s` prints what each role gets today.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from milieu.factories import HostFactory, PlacementFactory, TutorFactory
from milieu.imports.models import ImportJob
from tests.core.conftest import School, make_school

ROLES = (
    "anonymous",
    "a_head",
    "a_ddfpt",
    "a_secretary",
    "a_teacher",
    "a_other_teacher",
    "a_student",
    "b_head",
    "b_ddfpt",
    "b_teacher",
    "b_student",
    "rectorat",
    "other_rectorat",
)


@dataclass
class World:
    a: School
    b: School
    users: dict[str, Any]
    objects: dict[str, Any]


def url_names() -> Iterator[tuple[str, str]]:
    def walk(patterns: list[Any], namespace: str | None) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                inner = p.namespace if p.namespace else namespace
                yield from walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), str(p.pattern)

    yield from walk(get_resolver().url_patterns, None)


@pytest.fixture
def world(db: None) -> World:
    from milieu.establishments.models import Academie
    from milieu.factories import AcademieFactory, member
    from milieu.people.enums import Role

    academie = AcademieFactory.create(name="Matrice")
    a = make_school(academie, "MA")
    b = make_school(academie, "MB")
    rectorat = member(Role.EXAM_SERVICE, academie=academie, email="rectorat@matrice.fr")
    other = member(
        Role.EXAM_SERVICE,
        academie=AcademieFactory.create(name="Ailleurs"),
        email="rectorat@ailleurs.fr",
    )
    assert Academie.objects.count() == 2
    host = HostFactory.create()
    tutor = TutorFactory.create(host=host)
    placement = PlacementFactory.create(
        student=a.student, cohort_period=a.period, host=host, tutor=tutor
    )
    job = ImportJob.objects.create(
        establishment=a.establishment,
        cohort=a.cohort,
        kind="eleves",
        file_name="x.csv",
        created_by=a.ddfpt,
    )
    users = {
        "anonymous": None,
        "a_head": a.head,
        "a_ddfpt": a.ddfpt,
        "a_secretary": a.secretary,
        "a_teacher": a.teacher,
        "a_other_teacher": a.other_teacher,
        "a_student": a.student_user,
        "b_head": b.head,
        "b_ddfpt": b.ddfpt,
        "b_teacher": b.teacher,
        "b_student": b.student_user,
        "rectorat": rectorat,
        "other_rectorat": other,
    }
    objects = {"host": host, "tutor": tutor, "placement": placement, "job": job}
    return World(a=a, b=b, users=users, objects=objects)


Kwargs = Callable[[World], dict[str, Any]]
NO_ARGS: Kwargs = lambda w: {}  # noqa: E731

# Expected GET answers by role group.
ALL = dict.fromkeys(ROLES, 200)
LOGGED = {**dict.fromkeys(ROLES, 200), "anonymous": 302}


def codes(default: int, **overrides: int) -> dict[str, int]:
    result = dict.fromkeys(ROLES, default)
    result.update(overrides)
    return result


def row(text: str) -> dict[str, int]:
    """Codes in ROLES order: "302 200 …" (the column heads are written above MATRIX)."""
    values = [int(part.rpartition("=")[2]) for part in text.split()]
    assert len(values) == len(ROLES), text
    return dict(zip(ROLES, values, strict=True))


def pk_of(*path: str) -> Kwargs:
    def build(w: World) -> dict[str, Any]:
        obj: Any = w
        for step in path:
            obj = obj[step] if isinstance(obj, dict) else getattr(obj, step)
        return {"pk": obj.pk}

    return build


STUDENT = pk_of("a", "student")
COHORT = pk_of("a", "cohort")
HOST = pk_of("objects", "host")
JOB = pk_of("objects", "job")
SCHOOL: Kwargs = lambda w: {"establishment_pk": w.a.establishment.pk}  # noqa: E731
TOKEN: Kwargs = lambda w: {"token": "inconnu"}  # noqa: E731

#             an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
PUBLIC = row("200  200  200  200  200  200  200  200  200  200  200  200  200")
SIGNED_IN = row("302  200  200  200  200  200  200  200  200  200  200  200  200")
STAFF_A_READ = row("302  200  200  200  200  404  404  404  404  404  404  200  404")
# no background worker beats in the matrix's world: the readiness probe says so to everyone
UNREADY = row("503  503  503  503  503  503  503  503  503  503  503  503  503")
MANAGERS_A = row("302  200  200  200  403  404  404  404  404  404  404  403  404")

# name -> (kwargs, method, expected codes per role)
MATRIX: dict[str, tuple[Kwargs, str, dict[str, int]]] = {
    "home": (NO_ARGS, "get", PUBLIC),
    "login": (
        NO_ARGS,
        "get",
        row("200  302  302  302  302  302  302  302  302  302  302  302  302"),
    ),
    "logout": (
        NO_ARGS,
        "post",
        row("302  302  302  302  302  302  302  302  302  302  302  302  302"),
    ),
    "dashboard": (NO_ARGS, "get", SIGNED_IN),
    # sign-in through ProConnect / ÉduConnect (tests/hosting/test_oidc.py): not configured here,
    # so no provider exists; the return from a provider's logout leads home
    "oidc_start": (lambda w: {"provider": "proconnect"}, "get", codes(404)),
    "oidc_callback": (lambda w: {"provider": "proconnect"}, "get", codes(404)),
    "oidc_logged_out": (NO_ARGS, "get", codes(302)),
    "establishments:cohort_list": (
        NO_ARGS,
        "get",
        row("302  200  200  200  200  200  403  200  200  200  403  200  200"),
    ),
    "establishments:cohort_create": (
        NO_ARGS,
        "get",
        row("302  200  200  200  403  403  403  200  200  403  403  403  403"),
    ),
    "establishments:cohort_detail": (COHORT, "get", STAFF_A_READ),
    "establishments:cohort_edit": (COHORT, "get", MANAGERS_A),
    "establishments:placement_board": (COHORT, "get", STAFF_A_READ),
    "establishments:cohort_verdicts": (COHORT, "get", STAFF_A_READ),
    "establishments:period_create": (COHORT, "get", MANAGERS_A),
    "establishments:period_edit": (
        lambda w: {"pk": w.a.cohort.pk, "period_pk": w.a.period.pk},
        "get",
        MANAGERS_A,
    ),
    "students:detail": (
        STUDENT,
        "get",
        row("302  200  200  200  200  404  200  404  404  404  404  200  404"),
    ),
    "students:edit": (
        STUDENT,
        "get",
        row("302  200  200  200  403  404  403  404  404  404  404  403  404"),
    ),
    "students:propose": (
        STUDENT,
        "get",
        row("302  200  200  200  200  404  200  404  404  404  404  403  404"),
    ),
    "students:export": (
        STUDENT,
        "get",
        row("302  200  200  200  200  404  200  404  404  404  404  200  404"),
    ),
    # an empty POST: the team (head, DDFPT, the cohort's teacher) is sent back to the student
    # page with a French message; the secretariat, the student and the rectorat are refused
    "students:decide": (
        lambda w: {"pk": w.objects["placement"].pk, "action": "valider"},
        "post",
        row("302  302  302  403  302  404  403  404  404  404  404  403  404"),
    ),
    "hosts:list": (NO_ARGS, "get", SIGNED_IN),
    "hosts:create": (
        NO_ARGS,
        "get",
        row("302  200  200  200  200  200  403  200  200  200  403  403  403"),
    ),
    "hosts:check_siret": (NO_ARGS, "get", SIGNED_IN),
    "hosts:detail": (HOST, "get", SIGNED_IN),
    # the host has a placement of school A only: A's managers may edit it (and add a site),
    # never a teacher, nor school B, which merely reads the shared directory
    "hosts:edit": (
        HOST,
        "get",
        row("302  200  200  200  403  403  403  403  403  403  403  403  403"),
    ),
    "hosts:site_create": (
        HOST,
        "get",
        row("302  200  200  200  403  403  403  403  403  403  403  403  403"),
    ),
    "hosts:tutor_create": (
        HOST,
        "get",
        row("302  200  200  200  200  200  403  200  200  200  403  403  403"),
    ),
    "hosts:tutors": (
        NO_ARGS,
        "get",
        row("302  200  200  200  200  200  403  200  200  200  403  200  200"),
    ),
    # the same for the tutor of school A's placement (issue 9: no cross-school write)
    "hosts:tutor_edit": (
        pk_of("objects", "tutor"),
        "get",
        row("302  200  200  200  403  403  404  403  403  403  404  403  403"),
    ),
    "imports:students": (
        SCHOOL,
        "get",
        row("302  200  200  200  403  403  404  404  404  404  404  403  404"),
    ),
    "imports:hosts": (
        SCHOOL,
        "get",
        row("302  200  200  200  403  403  404  404  404  404  404  403  404"),
    ),
    "imports:job": (
        JOB,
        "get",
        row("302  200  200  200  403  403  404  404  404  404  404  403  404"),
    ),
    "imports:progress": (
        JOB,
        "get",
        row("302  200  200  200  403  403  404  404  404  404  404  403  404"),
    ),
    "imports:confirm": (
        JOB,
        "post",
        row("302  302  302  302  403  403  404  404  404  404  404  403  404"),
    ),
    "imports:cancel": (
        JOB,
        "post",
        row("302  302  302  302  403  403  404  404  404  404  404  403  404"),
    ),
    "imports:sample": (lambda w: {"name": "eleves-exemple.csv"}, "get", SIGNED_IN),
    "conventions:sign": (
        TOKEN,
        "get",
        row("410  410  410  410  410  410  410  410  410  410  410  410  410"),
    ),
    "conventions:sign_document": (
        TOKEN,
        "get",
        row("410  410  410  410  410  410  410  410  410  410  410  410  410"),
    ),
    "checker:check": (NO_ARGS, "get", PUBLIC),
    "health:liveness": (NO_ARGS, "get", PUBLIC),
    "health:readiness": (NO_ARGS, "get", UNREADY),
    "regulation:diploma_list": (NO_ARGS, "get", PUBLIC),
    "regulation:diploma_detail": (lambda w: {"diploma_id": "bts-ciel"}, "get", PUBLIC),
    "api-v1:openapi-json": (NO_ARGS, "get", PUBLIC),
    "api-v1:openapi-view": (NO_ARGS, "get", PUBLIC),
    "api-v1:check": (
        NO_ARGS,
        "get",
        row("405  405  405  405  405  405  405  405  405  405  405  405  405"),
    ),
    "api-v1:check_wrong_method": (
        NO_ARGS,
        "get",
        row("405  405  405  405  405  405  405  405  405  405  405  405  405"),
    ),
    "api-v1:api-root": (
        NO_ARGS,
        "get",
        row("404  404  404  404  404  404  404  404  404  404  404  404  404"),
    ),
}

# --- the convention screens (issue "Conventions") ------------------------------------------


def _convention(w: World) -> Any:
    """School A's student's draft convention, with one signatory row and one stored PDF, made
    on first use."""
    if "convention" not in w.objects:
        from datetime import date

        from milieu.conventions.models import ConventionDocument, Signatory
        from milieu.conventions.operations import create_convention

        convention = create_convention(
            student=w.a.student,
            host=w.objects["host"],
            periods=[(date(2027, 5, 31), date(2027, 7, 9))],
            by=w.a.teacher,
            tutor=w.objects["tutor"],
            activities="Maintenance",
        )
        w.objects["convention"] = convention
        w.objects["signatory"] = Signatory.objects.create(
            convention=convention, version=1, role="host", name="Claire Dubois"
        )
        w.objects["document"] = ConventionDocument.objects.create(
            convention=convention, kind="for-signature", version=1, content=b"%PDF-1.4\n%%EOF\n"
        )
    return w.objects["convention"]


CONVENTION: Kwargs = lambda w: {"pk": _convention(w).pk}  # noqa: E731
CONVENTION_READ = row("302  200  200  200  200  404  200  404  404  404  404  200  404")

MATRIX.update(
    {
        "conventions:list": (NO_ARGS, "get", SIGNED_IN),
        # without ?eleve= or ?choix=, there is no student to draft for
        "conventions:create": (
            NO_ARGS,
            "get",
            row("302  404  404  404  404  404  404  404  404  404  404  404  404"),
        ),
        "conventions:detail": (CONVENTION, "get", CONVENTION_READ),
        "conventions:edit": (
            CONVENTION,
            "get",
            row("302  200  200  200  200  404  200  404  404  404  404  403  404"),
        ),
        # an empty POST submits the draft (the team and the student may): back to its page
        "conventions:transition": (
            lambda w: {"pk": _convention(w).pk, "action": "soumettre"},
            "post",
            row("302  302  302  302  302  404  302  404  404  404  404  403  404"),
        ),
        # an empty POST: the managers see the page again with "choose the file"
        "conventions:paper": (
            lambda w: {"pk": _convention(w).pk, "signatory_pk": w.objects["signatory"].pk},
            "post",
            row("302  200  200  200  403  404  403  404  404  404  404  403  404"),
        ),
        "conventions:document": (
            lambda w: {"pk": _convention(w).pk, "doc_pk": w.objects["document"].pk},
            "get",
            CONVENTION_READ,
        ),
    }
)


# --- the avenants (issue "Conventions", amendment_views.py) ---------------------------------


def _amendment(w: World) -> Any:
    """An avenant of the convention above (a draft convention: every action is refused with a
    message and a redirect, which is enough to say who reaches it), with its signatory and PDF."""
    if "amendment" not in w.objects:
        from milieu.conventions.models import Amendment, ConventionDocument, Signatory

        convention = _convention(w)
        amendment = Amendment.objects.create(
            convention=convention, number=1, reason="Report.", created_by=w.a.ddfpt
        )
        w.objects["amendment"] = amendment
        w.objects["amendment_signatory"] = Signatory.objects.create(
            convention=convention, amendment=amendment, version=1, role="host", name="C. Dubois"
        )
        w.objects["amendment_document"] = ConventionDocument.objects.create(
            convention=convention,
            amendment=amendment,
            kind="amendment",
            version=1,
            content=b"%PDF-1.4\n%%EOF\n",
        )
    return w.objects["amendment"]


AMENDMENT: Kwargs = lambda w: {"pk": _amendment(w).pk}  # noqa: E731
# the managers may amend; the cohort's teacher and the student see the convention but may not
AMEND = row("302  302  302  302  403  404  403  404  404  404  404  403  404")

MATRIX.update(
    {
        # a draft convention takes no avenant: the managers are sent back with a message
        "conventions:amendment_create": (CONVENTION, "get", AMEND),
        "conventions:amendment_detail": (AMENDMENT, "get", CONVENTION_READ),
        "conventions:amendment_send": (AMENDMENT, "post", AMEND),
        "conventions:amendment_cancel": (AMENDMENT, "post", AMEND),
        "conventions:amendment_paper": (
            lambda w: {
                "pk": _amendment(w).pk,
                "signatory_pk": w.objects["amendment_signatory"].pk,
            },
            "post",
            AMEND,
        ),
        "conventions:amendment_document": (
            lambda w: {
                "pk": _amendment(w).pk,
                "document_pk": w.objects["amendment_document"].pk,
            },
            "get",
            CONVENTION_READ,
        ),
    }
)


def _load_entries() -> None:
    """Apps may keep their rows beside their tests: `tests/<app>/matrix_entries.py`, ENTRIES."""
    import importlib
    from pathlib import Path

    for path in sorted(Path(__file__).parent.glob("*/matrix_entries.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.matrix_entries")
        MATRIX.update(module.ENTRIES)


_load_entries()

OUTSIDERS = ("b_head", "b_ddfpt", "b_teacher", "b_student", "other_rectorat", "a_other_teacher")


def answer(client: Client, method: str, url: str) -> int:
    response = client.post(url, {}) if method == "post" else client.get(url)
    return int(response.status_code)


def test_every_url_has_an_expectation() -> None:
    missing = [name for name, _ in url_names() if name not in MATRIX]
    assert not missing, f"URLs without an expectation in MATRIX: {missing}"


def _close(response: Any) -> None:
    """Close a response (a file response closes its file) without closing the test's database
    connection, as Django's test client does."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected(world: World, client: Client, role: str) -> None:
    user = world.users[role]
    student = world.a.student
    secrets = (student.ine, str(student), student.full_name)  # faker names alone may collide
    wrong = []
    for name, _ in url_names():
        kwargs, method, expected = MATRIX[name]
        url = reverse(name, kwargs=kwargs(world))
        if user is not None:
            client.force_login(user)  # again: the walk passes by the logout URL
        response = client.post(url, {}) if method == "post" else client.get(url)
        if response.status_code != expected[role]:
            wrong.append(
                f"{method.upper()} {url} ({name}): {response.status_code}, attendu {expected[role]}"
            )
        elif role in OUTSIDERS and response.status_code == 200 and not name.startswith("api-v1"):
            body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
            page = body.decode(errors="replace")
            leaked = [s for s in secrets if s in page]
            if leaked:
                wrong.append(f"GET {url} ({name}) shows school A's student to {role}: {leaked}")
        _close(response)
    assert not wrong, "\n".join(wrong)


@pytest.mark.skipif(not os.environ.get("MILIEU_MATRIX_PROBE"), reason="probe mode only")
def test_probe(world: World, client: Client) -> None:
    kwargs_for: dict[str, Kwargs] = {
        "students:detail": lambda w: {"pk": w.a.student.pk},
        "students:edit": lambda w: {"pk": w.a.student.pk},
        "students:propose": lambda w: {"pk": w.a.student.pk},
        "students:export": lambda w: {"pk": w.a.student.pk},
        "students:decide": lambda w: {"pk": w.objects["placement"].pk, "action": "valider"},
        "establishments:cohort_detail": lambda w: {"pk": w.a.cohort.pk},
        "establishments:cohort_edit": lambda w: {"pk": w.a.cohort.pk},
        "establishments:placement_board": lambda w: {"pk": w.a.cohort.pk},
        "establishments:cohort_verdicts": lambda w: {"pk": w.a.cohort.pk},
        "establishments:period_create": lambda w: {"pk": w.a.cohort.pk},
        "establishments:period_edit": lambda w: {"pk": w.a.cohort.pk, "period_pk": w.a.period.pk},
        "hosts:detail": lambda w: {"pk": w.objects["host"].pk},
        "hosts:edit": lambda w: {"pk": w.objects["host"].pk},
        "hosts:site_create": lambda w: {"pk": w.objects["host"].pk},
        "hosts:tutor_create": lambda w: {"pk": w.objects["host"].pk},
        "hosts:tutor_edit": lambda w: {"pk": w.objects["tutor"].pk},
        "imports:students": lambda w: {"establishment_pk": w.a.establishment.pk},
        "imports:hosts": lambda w: {"establishment_pk": w.a.establishment.pk},
        "imports:job": lambda w: {"pk": w.objects["job"].pk},
        "imports:progress": lambda w: {"pk": w.objects["job"].pk},
        "imports:confirm": lambda w: {"pk": w.objects["job"].pk},
        "imports:cancel": lambda w: {"pk": w.objects["job"].pk},
        "imports:sample": lambda w: {"name": "eleves-exemple.csv"},
        "conventions:sign": lambda w: {"token": "inconnu"},
        "conventions:sign_document": lambda w: {"token": "inconnu"},
        "regulation:diploma_detail": lambda w: {"diploma_id": "bts-ciel"},
    }
    for name, _ in url_names():
        kwargs = kwargs_for.get(name, NO_ARGS)(world)
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception as error:
            print(name, "cannot reverse", error)
            continue
        row = []
        for role in ROLES:
            client.logout()
            if world.users[role] is not None:
                client.force_login(world.users[role])
            method = "post" if os.environ.get("MILIEU_MATRIX_PROBE") == "post" else "get"
            row.append(f"{role}={answer(client, method, url)}")
        print(name, url, " ".join(row))


def test_the_leak_check_would_see_the_student(world: World, client: Client) -> None:
    """Positive control: the names the matrix looks for are on school A's own pages."""
    client.force_login(world.a.head)
    page = client.get(reverse("establishments:cohort_detail", kwargs={"pk": world.a.cohort.pk}))
    text = page.content.decode()
    assert str(world.a.student) in text or world.a.student.full_name in text
