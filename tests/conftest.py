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


def postgresql_skips(reports: list[Any]) -> int:
    """How many of the skipped tests' reports give PostgreSQL as their reason."""
    count = 0
    for report in reports:
        longrepr = getattr(report, "longrepr", None)
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
        if "PostgreSQL" in str(reason):
            count += 1
    return count


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly, at the end of `make test`, that PostgreSQL-only tests did not run."""
    count = postgresql_skips(terminalreporter.stats.get("skipped", []))
    if count:
        terminalreporter.write_line(
            f"{count} test{'s' if count > 1 else ''} propre{'s' if count > 1 else ''} à "
            f"PostgreSQL {'ont' if count > 1 else 'a'} été sauté{'s' if count > 1 else ''} "
            "(base SQLite) : pour les exécuter, lancez `make test` avec "
            "DATABASE_URL=postgres://…, comme le fait la CI.",
            yellow=True,
            bold=True,
        )
