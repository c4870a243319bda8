"""`make test` says when PostgreSQL-only tests were skipped (tests/conftest.py)."""

from __future__ import annotations

from types import SimpleNamespace

from tests.conftest import postgresql_skips


def test_the_postgresql_skips_are_counted_by_their_reason() -> None:
    reports = [
        SimpleNamespace(longrepr=("f.py", 3, "Skipped: row locks need PostgreSQL")),
        SimpleNamespace(longrepr=("g.py", 8, "Skipped: probe mode only")),
        SimpleNamespace(longrepr=None),
    ]
    assert postgresql_skips(reports) == 1


def test_the_summary_line_is_written_in_french() -> None:
    from tests.conftest import pytest_terminal_summary

    lines: list[str] = []
    reporter = SimpleNamespace(
        stats={"skipped": [SimpleNamespace(longrepr=("f.py", 3, "needs PostgreSQL"))] * 2},
        write_line=lambda text, **kw: lines.append(text),
    )
    pytest_terminal_summary(reporter)
    assert lines == [
        "2 tests propres à PostgreSQL ont été sautés (base SQLite) : pour les exécuter, "
        "lancez `make test` avec DATABASE_URL=postgres://…, comme le fait la CI."
    ]
