from __future__ import annotations

import re
import shutil
from datetime import date
from typing import Any

import pytest
from django.core import mail

from milieu.conventions.models import Convention
from milieu.conventions.operations import create_convention
from milieu.factories import HostFactory, TutorFactory
from tests.core.conftest import (  # noqa: F401  (fixtures re-exported)
    School,
    academie,
    make_school,
    other_rectorat,
    rectorat,
    school_a,
    school_b,
)

PDFSIG = shutil.which("pdfsig")


@pytest.fixture(autouse=True)
def _seals_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    settings.DEBUG = True  # the demo's self-signed seal is made on first use
    settings.SITE_URL = "http://testserver"


def draft(school: School, **fields: Any) -> Convention:
    host = HostFactory.create(headcount=50)
    tutor = TutorFactory.create(host=host)
    school.student.email = school.student.email or "eleve@exemple.fr"
    school.student.save()
    defaults: dict[str, Any] = {
        "tutor": tutor,
        "referent": school.teacher,
        "activities": "Maintenance d'un réseau local ; câblage ; supervision.",
        "objectives": "Compétences C01 et C04 du référentiel.",
        "host_signatory_name": "Claire Dubois",
        "host_signatory_position": "Gérante",
        "host_signatory_email": "gerante@entreprise.exemple.fr",
    }
    defaults.update(fields)
    periods = defaults.pop("periods", [(date(2027, 5, 31), date(2027, 7, 9))])
    return create_convention(
        student=school.student, host=host, periods=periods, by=school.teacher, **defaults
    )


def links_in_outbox() -> list[str]:
    found = []
    for message in mail.outbox:
        found += re.findall(r"http://testserver(/conventions/signer/[^/\s]+/)", str(message.body))
    return found


def code_for(email: str) -> str:
    for message in reversed(mail.outbox):
        if email in message.to and "Votre code de signature" in message.body:
            match = re.search(r"code de signature : (\d{6})", str(message.body))
            assert match
            return match.group(1)
    raise AssertionError(f"no code sent to {email}")


@pytest.fixture(autouse=True)
def _on_commit_runs_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside a transaction that never commits: run the deferred e-mails at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
