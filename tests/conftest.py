"""Shared test configuration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is the production hasher; tests create many accounts and use a fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_cache(settings: Any) -> Iterator[None]:
    """Each test starts with an empty, in-memory cache (login throttling counters live there)."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture(autouse=True)
def _private_files(settings: Any, tmp_path_factory: Any) -> None:
    """Deposited files go to a temporary directory, never to the repository's var/."""
    settings.PRIVATE_FILES_ROOT = str(tmp_path_factory.mktemp("private"))
