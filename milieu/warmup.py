"""Warm a new server process up before its first request (issue 15).

The first PDF of a process costs 1.2–1.5 s (WeasyPrint imports, font discovery with
fontconfig, the first layout) and the first rule check loads and validates the regulation
catalogue. `warm_up()` pays both at start, so that no user waits for them. `milieu/wsgi.py`
calls it once the application is created; `MILIEU_WARMUP=0` skips it (tests, one-off
commands). It never stops the process: a failure is logged and the first request pays instead.
"""

from __future__ import annotations

import logging
import os
import time

from milieu.rules import get_catalogue

logger = logging.getLogger(__name__)

# the fonts of the generated documents (convention, avenant, signatures): loading them is what
# the first real PDF would otherwise pay
SAMPLE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9.5pt; }
.hash { font-family: "DejaVu Sans Mono", monospace; }
</style></head><body><h1>Préchauffage</h1><p>Convention de stage — période de
formation en milieu professionnel.</p><p class="hash">0123456789abcdef</p></body></html>"""

_done: dict[str, float] = {}


def enabled() -> bool:
    """False when `MILIEU_WARMUP` is 0, false, no, off or non."""
    value = os.environ.get("MILIEU_WARMUP", "1").strip().lower()
    return value not in {"0", "false", "no", "off", "non"}


def warm_up() -> dict[str, float]:
    """Load the catalogue and render one tiny PDF; the seconds each step took (a step already
    done in this process is not done again). Never raises."""
    steps = {"catalogue": _catalogue, "pdf": _pdf}
    for name, step in steps.items():
        if name in _done:
            continue
        started = time.perf_counter()
        try:
            step()
        except Exception:
            logger.exception("warm-up: %s failed; the first request will pay for it", name)
            continue
        _done[name] = time.perf_counter() - started
    if _done:
        logger.info(
            "warm-up: %s",
            ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in _done.items()),
        )
    return dict(_done)


def _catalogue() -> None:
    get_catalogue()


def _pdf() -> None:
    from weasyprint import HTML

    if not HTML(string=SAMPLE).write_pdf():
        raise RuntimeError("WeasyPrint rendered an empty document")
