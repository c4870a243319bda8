"""One dossier with many periods: what the public checker pays for it (issue 9, item 2).

    .venv/bin/python bench/big_dossier.py                     # 200 and 10,000 periods, now
    .venv/bin/python bench/big_dossier.py --before ac66aea    # and with the engine of a commit
    .venv/bin/python bench/big_dossier.py --counts 200 1000 --timeout 60

Each dossier is a BTS CIEL file (finished, certified, conventioned periods, some absences, a
host each) in two layouts: "chevauchantes" (every period shares days with every other: they start
within 100 days and last 120, the worst case of overlap counting) and "disjointes" (two days
every three days). What is timed, best of --repeat, in a fresh process each time:

- "moteur actuel": ``json.loads`` + ``evaluate`` + ``dumps_verdict`` with the cap on periods
  lifted, so that the counting itself is measured at 10,000 periods;
- "moteur actuel, plafond": the same with the cap (200 periods): above it, the error object;
- "avant (REV)": the engine of git revision REV (``milieu/rules`` extracted with ``git archive``),
  when --before is given; a run longer than --timeout is stopped and shown as "> N s", one that
  needs more than --memory MiB is stopped and shown as such (the former engine listed every
  overlapping pair: 50 million of them for 10,000 periods).

Figures only, no timed assertion.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LAYOUTS = ("chevauchantes", "disjointes")


def make_dossier(count: int, layout: str) -> dict[str, object]:
    first = date(2026, 9, 7)
    periods = []
    for index in range(count):
        if layout == "chevauchantes":  # starts within 100 days, 120 days long: all pairs overlap
            start = first + timedelta(days=index % 100)
            end = start + timedelta(days=120)
        else:  # two days every three days
            start = first + timedelta(days=3 * index)
            end = start + timedelta(days=1)
        periods.append(
            {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "absence_days": index % 3 if layout == "chevauchantes" else 0,
                "convention_signed": True,
                "certificate": True,
                "host": {"name": f"Entreprise d'accueil n° {index}", "country": "FR"},
            }
        )
    return {
        "id": f"gros-{layout}-{count}",
        "diploma": "bts-ciel",
        "pathway": "scolaire",
        "session": 2120,
        "training_start": "2026-09-07",
        "as_of": "2119-06-01",
        "periods": periods,
        "evaluation": True,
    }


_WORKER = """
import json, sys, time
sys.path.insert(0, {source!r})
import milieu.rules.parsing as reader
from milieu.rules import dumps_verdict, evaluate
if {lift!r} and hasattr(reader, "MAX_PERIODS"):
    reader.MAX_PERIODS = 10**9
text = open({path!r}, encoding="utf-8").read()
evaluate({{"diploma": "bts-ciel"}})  # loads the catalogue, outside the timing
best = None
for _ in range({repeat!r}):
    began = time.perf_counter()
    verdict = dumps_verdict(evaluate(json.loads(text)))
    elapsed = time.perf_counter() - began
    best = elapsed if best is None else min(best, elapsed)
print(json.dumps({{"seconds": best, "verdict_bytes": len(verdict.encode()),
                  "error": "error" in json.loads(verdict)}}))
"""


def measure(
    source: Path, path: Path, repeat: int, timeout: float, lift: bool, memory_mib: int
) -> dict[str, object] | None:
    code = _WORKER.format(source=str(source), path=str(path), repeat=repeat, lift=lift)

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mib * 1024 * 1024,) * 2)

    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        if "MemoryError" in done.stderr:
            return {"memory": memory_mib}
        raise RuntimeError(done.stderr)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def extract(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", revision, "milieu/__init__.py", "milieu/rules"],
        capture_output=True,
        check=True,
    ).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _shown(result: dict[str, object] | None, timeout: float) -> str:
    if result is None:
        return f"> {timeout:.0f} s (interrompu)"
    if "memory" in result:
        return f"mémoire épuisée (> {result['memory']} Mio)"
    seconds = float(str(result["seconds"]))
    size = int(str(result["verdict_bytes"]))
    note = ", objet d'erreur" if result["error"] else ""
    shown = f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
    kib = f"{size / 1024:,.1f}".replace(",", " ")
    return f"{shown} (verdict {kib} Kio{note})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[200, 10_000])
    parser.add_argument("--before", metavar="REV", help="also time the engine of this revision")
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run (600)")
    parser.add_argument("--memory", type=int, default=2048, help="MiB per run (2048)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        before = None
        if options.before:
            before = extract(options.before, workdir / "before")
        rows = []
        for count in options.counts:
            for layout in LAYOUTS:
                path = workdir / f"{layout}-{count}.json"
                path.write_text(json.dumps(make_dossier(count, layout)), encoding="utf-8")
                size = path.stat().st_size
                row = [
                    f"{count:,}".replace(",", " "),
                    layout,
                    f"{size / 1024:,.0f} Kio".replace(",", " "),
                    _shown(
                        measure(REPO, path, options.repeat, options.timeout, True, options.memory),
                        0,
                    ),
                    _shown(
                        measure(REPO, path, options.repeat, options.timeout, False, options.memory),
                        0,
                    ),
                ]
                if before is not None:
                    # the former engine is slow: one run is enough to see it
                    row.append(
                        _shown(
                            measure(before, path, 1, options.timeout, False, options.memory),
                            options.timeout,
                        )
                    )
                rows.append(row)
                print(" | ".join(row), flush=True)

    header = ["périodes", "disposition", "taille", "moteur actuel", "moteur actuel, plafond"]
    if options.before:
        header.append(f"avant ({options.before})")
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
