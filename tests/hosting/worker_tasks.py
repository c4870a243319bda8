"""Tasks used only by tests/hosting/test_workers.py, run by real `db_worker` processes."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def record(path: str, tag: str) -> None:
    """Append one line per run: a job run twice would show twice."""
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{tag} {os.getpid()}\n")
    time.sleep(0.02)


@task()
def hang_the_first_time(marker: str) -> str:
    """The first run writes the marker then hangs (the test kills its worker); a later run,
    seeing the marker, finishes."""
    if os.path.exists(marker):
        with open(marker, "a", encoding="utf-8") as handle:
            handle.write("retry\n")
        return "fini"
    with open(marker, "w", encoding="utf-8") as handle:
        handle.write("first\n")
    time.sleep(120)
    return "never"


@task()
def pause(path: str, seconds: float) -> None:
    """Hold a worker for a moment, writing its process id (both workers are up when two ids
    are written)."""
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")
    time.sleep(seconds)
