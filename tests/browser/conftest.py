from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's chromium driven by Playwright (its own browser download does not work here)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        # ORM calls made by the test while Playwright's event loop runs opened a connection of
        # their own: close it here, inside that context, or PostgreSQL refuses to drop the test
        # database at the end of the run.
        connections.close_all()
        launched.close()


@pytest.fixture(autouse=True)
def _background_work_inline(settings: Any) -> None:
    """No `milieu worker` runs beside the live server: background tasks (a deposited report's
    analysis) run inline, as with TASKS_BACKEND=immediate, and the page shows their result."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
