"""Shared test configuration."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import pytest
from xdist.scheduler import LoadFileScheduling

from milieu import demo
from tests.demo_snapshot import cached


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


@pytest.fixture(autouse=True, scope="session")
def _demo_built_once() -> Iterator[None]:
    """The demo académie is built once per kind and process, then copied into the tests that
    load it (tests/demo_snapshot.py): ten tests load it, 10 to 15 s a build."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "build_academie", cached(demo.build_academie))
        yield


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


# Under pytest-xdist (`-n auto --dist loadfile`, pyproject.toml), each file runs whole on one worker,
# and the files that load the demo run on the same one, so that it is built there once per kind
# (tests/demo_snapshot.py). The slowest units start first: nothing long is left for the end.
DEMO_FILES = {
    "tests/web/test_loaddemo.py",
    "tests/web/test_loaddemo_pedagogy.py",
    "tests/exams/test_demo.py",
    "tests/exams/test_batched_dossiers.py",
}
# the units measured slowest (`pytest --durations`), so that the two workers end together
FIRST = (
    "tests/serve/test_gunicorn.py",
    "tests/test_url_matrix.py",
    "demo",
    "tests/web/test_pathway_candidates.py",
    "tests/visits/test_period_migration.py",
    "tests/security/test_hostile_pdfs.py",
    "tests/security/test_cache_setting.py",
    "tests/hosting/test_cache_redis.py",
    "tests/reports/test_reading_like_a_teacher.py",
    "tests/rules/test_properties.py",
    "tests/conventions/test_amendments.py",
    "tests/browser/test_convention_in_chromium.py",
    "tests/browser/test_csp_in_chromium.py",
)


class _SlowestFirst(OrderedDict[str, Any]):
    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        if key in FIRST:
            self.move_to_end(key, last=False)


class DemoFilesTogether(LoadFileScheduling):
    def __init__(self, config: pytest.Config, log: Any = None) -> None:
        super().__init__(config, log)
        self.workqueue = _SlowestFirst()

    def _split_scope(self, nodeid: str) -> str:
        scope = super()._split_scope(nodeid)
        return "demo" if scope in DEMO_FILES else scope


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    return DemoFilesTogether(config, log) if config.getvalue("dist") == "loadfile" else None
