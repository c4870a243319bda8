"""Two schools, rectorats and a client logged in as whoever a test needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.core.conftest import (  # noqa: F401 (fixtures)
    School,
    academie,
    make_school,
    other_rectorat,
    rectorat,
    school_a,
    school_b,
)


@pytest.fixture
def client_for(client: Client) -> Callable[[Any], Client]:
    """`client_for(user)`: the test client, logged in as `user` (anonymous for None)."""

    def login(user: Any) -> Client:
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


def company_siret(company: int, establishment: int) -> str:
    """A valid SIRET: establishment number `establishment` of company number `company`."""
    from milieu.factories import luhn_complete

    siren = luhn_complete(f"{81_000_000 + company * 1_111:08d}")
    return luhn_complete(f"{siren}{establishment:04d}")
