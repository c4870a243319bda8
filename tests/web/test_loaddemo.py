"""milieu loaddemo: idempotent, refused outside a demo, says what the demo offers."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from milieu.checker.samples import all_samples


@pytest.fixture(autouse=True)
def _demo_day(request: pytest.FixtureRequest) -> Iterator[None]:
    """The demo is built on the day the other demo tests build it (tests/demo_snapshot.py then
    copies one build into them all); the one run with --force still builds it today."""
    if request.node.name == "test_force_runs_even_when_debug_is_off":
        yield
        return
    with time_machine.travel("2026-11-23 09:00 +0100", tick=False):
        yield


def run(*args: str) -> str:
    out = StringIO()
    call_command("loaddemo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_lists_the_checker_page_and_every_sample() -> None:
    output = run()

    assert "Vérifier un dossier : http://127.0.0.1:8000/dossiers/verifier/" in output
    for sample in all_samples():
        assert sample.title in output
        assert f"?exemple={sample.slug}" in output


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_running_twice_gives_the_same_demo() -> None:
    assert run() == run()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_announced_url_can_be_changed() -> None:
    assert "http://demo.example/dossiers/verifier/" in run("--url", "http://demo.example/")


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_refuses_when_debug_is_off() -> None:
    with pytest.raises(CommandError, match="DEBUG est faux"):
        run()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_force_runs_even_when_debug_is_off() -> None:
    assert "Démonstration prête." in run("--force")


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_demo_academie_covers_every_diploma_and_pathway() -> None:
    from datetime import date

    from milieu.establishments.models import Cohort, Establishment
    from milieu.hosts.models import Host, Placement
    from milieu.identifiers import siret_error
    from milieu.people.models import User
    from milieu.rules import get_catalogue
    from milieu.students.models import Student

    output = run()
    assert Establishment.objects.count() == 3
    assert set(Cohort.objects.values_list("diploma", flat=True)) == set(get_catalogue().ids())
    students = list(Student.objects.all())
    assert 280 <= len(students) <= 320
    assert {s.pathway for s in students} == {
        "scolaire",
        "apprentissage",
        "formation-continue",
        "experience-professionnelle",
    }
    assert {s.continuing_situation for s in students} >= {
        "premiere-formation",
        "reconversion",
        "perfectionnement",
    }
    assert any(s.distance for s in students) and any(s.repeater for s in students)
    assert sum(s.is_minor_on(date(2026, 11, 22)) for s in students) >= 50
    hosts = list(Host.objects.all())
    assert 75 <= len(hosts) <= 90
    assert all(siret_error(h.siret) is None for h in hosts if h.country == "FR")
    assert {p.status for p in Placement.objects.all()} == {"proposed", "validated", "arrete"}
    for user in User.objects.filter(email__endswith="@demo.milieu.fr"):
        assert f"{user.email} / milieu-demo-2026" in output
    assert "examens@demo.milieu.fr" in output and "chef.rostand@demo.milieu.fr" in output


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_demo_has_conventions_at_every_step(settings: Any, tmp_path: Any) -> None:
    from milieu.conventions.models import Amendment, ConventionDocument, ConventionPeriod

    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    run()
    from milieu.conventions.models import Convention

    statuses = set(Convention.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "validated", "approved", "signing", "signed"} <= statuses
    assert ConventionDocument.objects.filter(kind="sealed").exists()
    assert Amendment.objects.filter(status="signed").exists()
    assert ConventionPeriod.objects.filter(
        active=False, convention__amendments__status="signed"
    ).exists()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_demo_follows_one_stage_to_a_compliant_verdict(settings: Any, tmp_path: Any) -> None:
    """Done means: in the demo, a stage goes from signed convention to visit, absence,
    certificate, evaluation and report, and the student's verdict is computed from them."""
    from datetime import date

    import time_machine

    from milieu.demo import STORY_EMAIL
    from milieu.exams.assembly import build_dossier
    from milieu.followup.models import Absence, Certificate, Evaluation, FollowupEvent
    from milieu.reports.models import ReportDeposit
    from milieu.rules import evaluate
    from milieu.students.models import Student
    from milieu.visits.models import Visit

    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    day = date(2026, 11, 23)
    with time_machine.travel("2026-11-23 09:00 +0100", tick=False):
        out = run("--url", "http://demo.example")
    student = Student.objects.get(user__email=STORY_EMAIL)
    assert Visit.objects.filter(convention__student=student, status="done").exists()
    assert Absence.objects.filter(period__convention__student=student).count() == 1
    assert Certificate.objects.filter(period__convention__student=student).exists()
    assert Evaluation.objects.get(convention__student=student).status == "cosigned"
    assert ReportDeposit.objects.filter(student=student).exists()
    assert FollowupEvent.objects.filter(convention__student=student).count() >= 5
    verdict = evaluate(build_dossier(student, as_of=day))
    assert verdict["status"] == "compliant", verdict["findings"]
    assert "CONVENTION_SIGNED_LATE" not in {f["code"] for f in verdict["findings"]}
    assert verdict["weeks_completed"] == 6.0
    assert f"Stage suivi jusqu'au bout ({student.full_name}" in out
    # the classmate's stage waits for its tutor: the console gives the tutor's link
    # the tutor's link points to the announced server, not to port 8000 (issue 13 §1)
    assert "Lien du tuteur de ce stage (sans compte) : http://demo.example/suivi/" in out
    from milieu.demo import STORY_PERIOD

    walked = (  # the classmate of the story (the pathway candidates' stage is another one)
        Student.objects.filter(
            cohort=student.cohort,
            conventions__status="signed",
            conventions__periods__start=STORY_PERIOD[0],
            conventions__periods__end=STORY_PERIOD[1],
        )
        .exclude(pk=student.pk)
        .first()
    )
    assert walked is not None
    codes = {f["code"] for f in evaluate(build_dossier(walked, as_of=day))["findings"]}
    assert {"CERTIFICATE_MISSING", "EVALUATION_MISSING"} <= codes
    # issue 11: one conforme candidate of each pathway, listed by the console
    from milieu.factories import valid_ine
    from milieu.pathways_demo import INE_BASE, LAST_PIECES

    for index, (what, _) in enumerate(LAST_PIECES.values()):
        candidate = Student.objects.get(ine=valid_ine(INE_BASE + index))
        judged = evaluate(build_dossier(candidate, as_of=day))
        assert judged["status"] == "compliant", (what, judged["findings"])
        assert f"Dossier conforme — {what} ({candidate.full_name})" in out


def test_make_demo_serves_and_links_on_the_chosen_port() -> None:
    """`make demo PORT=8101`: the demo, the worker and the server all use that address in the
    links they e-mail or print (issue 13 §1)."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    plan = subprocess.run(
        ["make", "-n", "demo", "PORT=8101", "UV=true", "UV_DEP="],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "loaddemo --url http://127.0.0.1:8101" in plan
    assert "export SITE_URL=http://127.0.0.1:8101" in plan
    assert "runserver 127.0.0.1:8101" in plan
