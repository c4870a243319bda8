"""milieu loaddemo: idempotent, refused outside a demo, says what the demo offers."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from milieu.dossiers.samples import all_samples


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
