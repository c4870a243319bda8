"""The demo shows the pedagogy the texts require (issue 11): a BEP period with its préparation,
two visits and its exploitation (seed 000 §1), a jewellery visit confirmed by the tutor (seed
004), a stay abroad with its adaptations and the embassy's notice (seeds 001/003 §2.1.1)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import override_settings

from tests.web.test_loaddemo import run


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_demo_shows_the_pedagogy_the_texts_require(settings: Any, tmp_path: Any) -> None:
    from milieu.conventions.models import Convention
    from milieu.followup.models import PedagogySession
    from milieu.visits.models import Visit

    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    with time_machine.travel("2026-11-23 09:00 +0100", tick=False):
        run()
    bep = PedagogySession.objects.filter(period__convention__student__cohort__diploma="bep-mpmi")
    assert set(bep.values_list("kind", flat=True)) == {"preparation", "exploitation"}
    period = bep.first().period  # type: ignore[union-attr]
    assert Visit.objects.filter(period=period, status="done").count() == 2
    confirmed = Visit.objects.get(
        convention__student__cohort__diploma="bma-bijou", tutor_answer="confirmed"
    )
    assert confirmed.status == "planned"
    abroad = Convention.objects.exclude(host__country="FR").get(embassy_notified_on__isnull=False)
    assert abroad.foreign_law_adaptations
    assert abroad.status == "approved"
