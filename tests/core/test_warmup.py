"""The process warm-up (issue 15): catalogue and a first PDF before the first request."""

from __future__ import annotations

import importlib
import logging
from typing import Any

import pytest

from milieu import warmup
from milieu.rules import get_catalogue


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warmup, "_done", {})


def test_warm_up_loads_the_catalogue_and_renders_a_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    rendered: list[bytes] = []
    real = weasyprint.HTML.write_pdf

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        pdf = real(self, *args, **kwargs)
        rendered.append(pdf)
        return pdf

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", spy)
    get_catalogue.cache_clear()
    done = warmup.warm_up()
    assert set(done) == {"catalogue", "pdf"}
    assert get_catalogue.cache_info().currsize == 1
    assert len(rendered) == 1 and rendered[0].startswith(b"%PDF-")

    # idempotent: a second call in the same process renders nothing again
    assert set(warmup.warm_up()) == {"catalogue", "pdf"}
    assert len(rendered) == 1


def test_a_failure_is_logged_never_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise OSError("fontconfig absent")

    monkeypatch.setattr(warmup, "_pdf", broken)
    with caplog.at_level(logging.ERROR, logger="milieu.warmup"):
        done = warmup.warm_up()
    assert set(done) == {"catalogue"}
    assert "pdf failed" in caplog.text


@pytest.mark.parametrize(("value", "expected"), [("0", False), ("non", False), ("1", True)])
def test_milieu_warmup_switches_it(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("MILIEU_WARMUP", value)
    assert warmup.enabled() is expected


@pytest.mark.parametrize(("value", "calls"), [("0", 0), ("1", 1)])
def test_the_wsgi_entry_point_warms_up_unless_disabled(
    monkeypatch: pytest.MonkeyPatch, value: str, calls: int
) -> None:
    seen: list[int] = []

    def counted() -> dict[str, float]:
        seen.append(1)
        return {}

    monkeypatch.setenv("MILIEU_WARMUP", value)
    monkeypatch.setattr(warmup, "warm_up", counted)
    import milieu.wsgi

    importlib.reload(milieu.wsgi)
    assert len(seen) == calls
