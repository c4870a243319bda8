from __future__ import annotations

from typing import Any

import pytest

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention
from tests.conventions.conftest import draft
from tests.core.conftest import (  # noqa: F401  (fixtures re-exported)
    School,
    academie,
    make_school,
    rectorat,
    school_a,
    school_b,
)


def signed(school: School, **fields: Any) -> Convention:
    """A convention of the school's student, signed (its tutor has an e-mail address)."""
    convention = draft(school, **fields)
    Convention.objects.filter(pk=convention.pk).update(status=ConventionStatus.SIGNED)
    convention.refresh_from_db()
    assert convention.tutor is not None
    convention.tutor.email = convention.tutor.email or "tuteur@entreprise.exemple.fr"
    convention.tutor.save()
    return convention


@pytest.fixture
def convention_a(school_a: School) -> Convention:  # noqa: F811
    return signed(school_a)


@pytest.fixture
def convention_b(school_b: School) -> Convention:  # noqa: F811
    return signed(school_b)


@pytest.fixture(autouse=True)
def _on_commit_runs_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside a transaction that never commits: run the deferred e-mails at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
