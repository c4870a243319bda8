"""Large `IN (…)` lists cut into chunks that every database accepts (SQLite: 999 parameters)."""

from __future__ import annotations

from collections.abc import Iterator


def chunks(items: list[str], size: int = 900) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
