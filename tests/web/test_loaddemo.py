"""milieu loaddemo: idempotent, refused outside a demo, says what the demo offers."""

from __future__ import annotations

from io import StringIO

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
