"""Two schools, an import client, and tasks run inline whatever the environment says."""

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

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings: Any) -> None:
    """The import tasks run inside the request, as with TASKS_BACKEND=immediate."""
    settings.TASKS = IMMEDIATE


@pytest.fixture
def client_for(client: Client) -> Callable[[Any], Client]:
    """`client_for(user)`: the test client, logged in as `user` (anonymous for None)."""

    def login(user: Any) -> Client:
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
