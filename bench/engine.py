"""Throughput of the regulation engine on many realistic dossiers (contract v1).

    .venv/bin/python bench/engine.py                   # 100,000 dossiers, seed 2026
    .venv/bin/python bench/engine.py --count 10000     # smaller, faster
    .venv/bin/python bench/engine.py --profile 20000   # cProfile of the engine instead

The dossiers are generated from `random.Random(seed)`, so a given seed and count always give the
same files (bench/out/dossiers-SEED-COUNT.json and .jsonl). What is measured, best of 3:

- floor: `json.loads` of the file text (already in memory): the least any reader must pay;
- in-process: `json.loads` + `milieu.rules.evaluate` + `milieu.rules.dumps_verdict` of each
  dossier, in a fresh Python process (so that its peak memory is the engine's, not the
  generator's);
- command: `.venv/bin/milieu check FILE > /dev/null`, wall time of the whole process, on the
  JSON array and on the JSON Lines copy; peak memory from the child's rusage.

Figures only, no timed assertion: the goals (>= 20,000 dossiers/s, <= 5x the floor) are
compared and said "atteint" or "non atteint".
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
REPEAT = 3
GOAL_RATE = 20_000  # dossiers per second
GOAL_RATIO = 5.0  # times the json.loads floor

# --- the dossiers --------------------------------------------------------------------------

# Durations in weeks as the catalogue sets them (min, max); max None: no maximum in the text.
DURATIONS: dict[str, tuple[int, int | None]] = {
    "bep-mpmi": (3, 3),
    "bts-metiers-de-la-mesure": (12, None),
    "bts-ccst": (14, 16),
    "bts-ciel": (6, 8),
    "bma-bijou": (12, 12),
}
REDUCTION_FLOORS = {"bts-metiers-de-la-mesure": 8, "bts-ccst": 10, "bts-ciel": 4}
DIPLOMAS = tuple(DURATIONS)
PATHWAYS = ("scolaire", "apprentissage", "formation-continue", "experience-professionnelle")
PATHWAY_WEIGHTS = (55, 15, 20, 10)
SITUATIONS = ("premiere-formation", "reconversion", "perfectionnement")
REASONS = ("force-majeure", "amenagement", "positionnement", "vae", "other")
DECIDERS_NOT_RECTEUR = ("chef-etablissement", "equipe-pedagogique", "other")
REPORT_SECTIONS = {
    "bts-metiers-de-la-mesure": [
        "presentation",
        "legal-analysis",
        "activities",
        "conclusion",
        "english-summary",
        "qsse-example",
    ],
    "bts-ciel": ["presentation", "activities", "conclusion"],
    "bma-bijou": ["stage-reports", "bilans", "objectives", "contents", "steps", "costs"],
    "bma-bijou/long": ["activity-report", "case-study"],
    "bts-ccst": ["presentation", "activities", "conclusion"],  # no report rule: ignored
}
HOSTS = (
    "Atelier Dupont",
    "Mesures & Contrôles SARL",
    "Lycée des métiers Jean-Jaurès",
    "Bijouterie Lefèvre",
    "Métrologie de l'Ouest",
    "CIEL Réseaux SAS",
    "Laboratoire Pasteur-Sud",
    "Usinage Précis",
    "Orfèvrerie du Marais",
    "Télécom Services",
    "Centre hospitalier de Nantes",
    "Cabinet Moreau",
)
FOREIGN = ("DE", "ES", "BE", "IT", "GB", "CH", "LU")
WORK_DAY_SETS = (
    ["tue", "wed", "thu", "fri", "sat"],
    ["mon", "tue", "wed", "thu"],
    ["mon", "tue", "wed", "thu", "fri", "sat"],
    ["wed", "thu", "fri", "sat", "sun"],
    ["mon", "tue", "wed", "thu", "fri"],
)
INVALID_KINDS = (
    "impossible-date",
    "malformed-date",
    "end-before-start",
    "negative-absence",
    "unknown-diploma",
    "too-many-absences",
    "missing-situation",
    "missing-pathway",
)


def _iso(day: date) -> str:
    return day.isoformat()


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _add_weekdays(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _split(total: int, parts: int, rng: Random) -> list[int]:
    """`total` weeks cut into `parts` positive whole numbers."""
    parts = max(1, min(parts, total))
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, total]
    return [bounds[i + 1] - bounds[i] for i in range(parts)]


class Generator:
    """One realistic dossier after another; everything drawn from one `random.Random`."""

    def __init__(self, seed: int) -> None:
        self.rng = Random(seed)

    def dossier(self, number: int) -> dict[str, Any]:
        rng = self.rng
        diploma = rng.choice(DIPLOMAS)
        pathway = rng.choices(PATHWAYS, PATHWAY_WEIGHTS)[0]
        situation = rng.choice(SITUATIONS) if pathway == "formation-continue" else None

        year = rng.randint(2022, 2027)  # training starts in September of `year`
        session = year + 2
        training_start = _monday_on_or_after(date(year, 9, 1))
        if rng.random() < 0.15:
            training_start += timedelta(days=rng.randint(-3, 10))
        exam_date = date(session, 6, 1)
        d: dict[str, Any] = {"id": f"bench-{number:06d}", "diploma": diploma, "pathway": pathway}
        if situation is not None:
            d["continuing_situation"] = situation
        d["session"] = session
        if rng.random() < 0.2:
            exam_date = date(session, 5, 15) + timedelta(days=rng.randint(0, 30))
            d["exam_date"] = _iso(exam_date)
        d["training_start"] = _iso(training_start)
        as_of = self.as_of(training_start, session, exam_date)
        d["as_of"] = _iso(as_of)
        if rng.random() < 0.05:
            d["distance"] = True

        stage = pathway == "scolaire" or (
            pathway == "formation-continue"
            and (situation != "perfectionnement" or diploma == "bep-mpmi")
        )
        if stage:
            d["periods"] = self.stage_periods(diploma, pathway, training_start, as_of)
        elif pathway == "apprentissage":
            d["apprenticeship_evidence"] = rng.random() < 0.85
            d["periods"] = (
                self.stage_periods(diploma, pathway, training_start, as_of)
                if rng.random() < 0.2
                else []
            )
        else:  # work experience (perfectionnement) or professional experience
            d["periods"] = (
                self.stage_periods(diploma, pathway, training_start, as_of)
                if rng.random() < 0.1
                else []
            )
            if pathway == "formation-continue" or rng.random() < 0.9:
                d["work_certificates"] = self.work_certificates(exam_date)
        if diploma == "bep-mpmi" and pathway == "formation-continue":
            d["professional_experience_in_sector"] = rng.random() < 0.3
        if rng.random() < 0.08:
            d["derogations"] = self.derogations(diploma)
        report = self.report(diploma, pathway, situation, session, exam_date, as_of)
        if report is not None or rng.random() < 0.3:
            d["report"] = report
        if rng.random() < 0.9:
            d["evaluation"] = rng.random() < 0.87
        if rng.random() < 0.03:
            d["repeater"] = {
                "previous_session": session - 1,
                "report": rng.choice(("reuse", "modified", "new")),
            }
        if rng.random() < 0.03:
            self.spoil(d)
        return d

    def as_of(self, training_start: date, session: int, exam_date: date) -> date:
        rng = self.rng
        r = rng.random()
        if r < 0.6:  # judged for the exam, or just after it
            return date(session, 5, 1) + timedelta(days=rng.randint(0, 75))
        if r < 0.85:  # during the training
            span = (exam_date - training_start).days - 60
            return training_start + timedelta(days=60 + rng.randint(0, span))
        return date(session, 3, 15) + timedelta(days=rng.randint(0, 77))  # around the deadlines

    def stage_periods(
        self, diploma: str, pathway: str, training_start: date, as_of: date
    ) -> list[dict[str, Any]]:
        rng = self.rng
        if rng.random() < 0.02:
            return []
        low, high = DURATIONS[diploma]
        high = high if high is not None else low + 4
        r = rng.random()
        if r < 0.8:
            weeks = rng.randint(low, high)
        elif r < 0.9:
            weeks = max(1, low - rng.randint(1, 3))
        else:
            weeks = high + rng.randint(1, 2)
        year = training_start.year
        if diploma == "bep-mpmi" and pathway == "scolaire" and weeks == 3 and rng.random() < 0.7:
            # the recommended phases: 1 week at the start, 2 weeks around the end of year 1
            starts = [
                training_start + timedelta(days=rng.randint(7, 80)),
                date(year + 1, 5, 1) + timedelta(days=rng.randint(0, 120)),
            ]
            lengths = [1, 2]
        else:
            parts = {
                "bep-mpmi": rng.randint(1, 3),
                "bts-ciel": rng.randint(1, 2),
                "bts-metiers-de-la-mesure": rng.randint(1, 3),
                "bts-ccst": rng.randint(2, 3),
                "bma-bijou": rng.randint(2, 4),
            }[diploma]
            lengths = _split(weeks, parts, rng)
            if diploma == "bts-ccst" and rng.random() < 0.85:
                # a block of 4 consecutive weeks or more in year 1 first
                lengths.sort(reverse=True)
            slots = [
                date(year, 11, 15),
                date(year + 1, 1, 5),
                date(year + 1, 3, 1),
                date(year + 1, 5, 15),
                date(year + 1, 6, 1),
                date(year + 1, 7, 1) if rng.random() < 0.1 else date(year + 1, 10, 1),
                date(year + 1, 11, 15),
                date(year + 2, 1, 5),
                date(year + 2, 2, 1),
            ]
            if diploma == "bts-ccst":
                slots = slots[1:]  # the first block starts in year 1, not in the first weeks
            starts = sorted(rng.sample(slots, len(lengths)))
            starts = [s + timedelta(days=rng.randint(0, 20)) for s in starts]
        periods = []
        previous_end: date | None = None
        for start_day, length in zip(starts, lengths, strict=True):
            start = _monday_on_or_after(start_day)
            custom = rng.random() < 0.06
            if previous_end is not None and start <= previous_end:
                start = _monday_on_or_after(previous_end + timedelta(days=3))
            if previous_end is not None and rng.random() < 0.04:  # overlapping by mistake
                start = previous_end - timedelta(days=rng.randint(0, 10))
            end = start + timedelta(days=7 * length - (1 if custom else 3))
            if rng.random() < 0.1:
                end += timedelta(days=rng.choice((-1, 1, 2, 3)))
                end = max(end, start)
            r = rng.random()
            absence = 0
            if r < 0.2:
                absence = rng.randint(1, 3)
            elif r < 0.24:
                absence = rng.randint(4, min(10, max(4, length * 2)))
            if absence and rng.random() < 0.7:  # days made up at the end of the period
                end = _add_weekdays(end, absence)
            previous_end = end
            finished = end <= as_of
            p: dict[str, Any] = {"start": _iso(start), "end": _iso(end)}
            if absence or r < 0.4:
                p["absence_days"] = absence
            if custom:
                p["work_days"] = rng.choice(WORK_DAY_SETS)
            p["convention_signed"] = rng.random() < 0.97
            p["certificate"] = finished and rng.random() < 0.96
            if diploma == "bma-bijou" or rng.random() < 0.3:
                p["training_contract"] = rng.random() < 0.96
                p["bilan"] = finished and rng.random() < 0.95
            host = {"name": rng.choice(HOSTS)}
            if rng.random() < 0.5:
                host["country"] = "FR" if rng.random() < 0.9 else rng.choice(FOREIGN)
            p["host"] = host
            periods.append(p)
        return periods

    def work_certificates(self, exam_date: date) -> list[dict[str, Any]]:
        rng = self.rng
        certificates = []
        for _ in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
            start = exam_date - timedelta(days=rng.randint(90, 1500))
            end = min(start + timedelta(days=rng.randint(30, 900)), exam_date)
            certificates.append(
                {
                    "start": _iso(start),
                    "end": _iso(end),
                    "full_time": rng.random() < 0.75,
                    "in_sector": rng.random() < 0.85,
                }
            )
        return certificates

    def derogations(self, diploma: str) -> list[dict[str, Any]]:
        rng = self.rng
        result = []
        for _ in range(1 if rng.random() < 0.9 else 2):
            kind = rng.choices(("reduction", "dispense", "partial"), (45, 35, 20))[0]
            g: dict[str, Any] = {
                "kind": kind,
                "reason": rng.choice(REASONS),
                "decided_by": "recteur"
                if rng.random() < 0.75
                else rng.choice(DECIDERS_NOT_RECTEUR),
            }
            if kind == "reduction":
                low = DURATIONS[diploma][0]
                floor = REDUCTION_FLOORS.get(diploma, 1)
                g["weeks"] = rng.randint(max(1, floor - 3), max(1, low - 1))
            elif kind == "dispense" and (diploma == "bts-ccst" or rng.random() < 0.3):
                g["units"] = rng.choice((["U4"], ["U6"], ["U4", "U6"], ["u 6"], []))
            result.append(g)
        return result

    def report(
        self,
        diploma: str,
        pathway: str,
        situation: str | None,
        session: int,
        exam_date: date,
        as_of: date,
    ) -> dict[str, Any] | None:
        rng = self.rng
        if diploma == "bep-mpmi":  # no report in the BEP's text: rarely sent, then ignored
            return None
        deadline = date(session, 4, 1) + timedelta(days=rng.randint(0, 29))
        has_deadline = rng.random() < 0.7
        due = deadline if has_deadline else exam_date
        r = rng.random()
        submitted: date | None
        if r < 0.78:
            submitted = due - timedelta(days=rng.randint(0, 60))
        elif r < 0.88:
            submitted = due + timedelta(days=rng.randint(1, 20))
        else:
            submitted = None
        if submitted is not None and submitted > as_of:
            submitted = None  # not deposited yet
        if submitted is None and rng.random() < 0.5:
            return None
        report: dict[str, Any] = {"submitted_on": _iso(submitted) if submitted else None}
        if has_deadline:
            report["deadline"] = _iso(deadline)
        long_form = diploma == "bma-bijou" and (
            situation == "perfectionnement" or pathway == "experience-professionnelle"
        )
        key = "bma-bijou/long" if long_form else diploma
        sections = list(REPORT_SECTIONS[key])
        if rng.random() < 0.12:
            sections.remove(rng.choice(sections))
        rng.shuffle(sections)
        fmt = rng.choices(("A4", "A3", "larger"), (88, 9, 3))[0]
        if diploma == "bts-ciel":
            report["pages"] = rng.randint(15, 30) if rng.random() < 0.92 else rng.randint(31, 40)
            report["annex_pages"] = rng.randint(0, 15)
            documents = rng.choices(
                (
                    ["technical", "press", "press"],
                    ["press", "technical", "press"],
                    ["technical", "press"],
                    ["technical", "technical", "press"],
                    [],
                ),
                (70, 15, 7, 5, 3),
            )[0]
            report["english_documents"] = [{"kind": kind} for kind in documents]
        elif diploma == "bts-metiers-de-la-mesure":
            report["pages"] = rng.randint(25, 50) if rng.random() < 0.92 else rng.randint(51, 60)
            report["annex_pages"] = rng.randint(0, 25)
            report["section_pages"] = {
                "legal-analysis": rng.randint(2, 4)
                if rng.random() < 0.92
                else rng.choice((1, 5, 6)),
                "qsse-example": rng.randint(1, 4) if rng.random() < 0.95 else rng.randint(5, 6),
            }
            report["endorsed_by_host"] = rng.random() < 0.9
        elif long_form:
            activity = rng.randint(15, 30) if rng.random() < 0.92 else rng.randint(31, 35)
            case = rng.randint(8, 20) if rng.random() < 0.95 else rng.randint(21, 25)
            report["pages"] = activity + case
            report["annex_pages"] = rng.randint(0, 10)
            report["parts"] = {"activity-report": activity, "case-study": case}
        elif diploma == "bma-bijou":
            report["pages"] = rng.randint(8, 15) if rng.random() < 0.92 else rng.randint(16, 20)
            report["annex_pages"] = (
                rng.randint(0, 10) if rng.random() < 0.95 else rng.randint(11, 14)
            )
        else:  # bts-ccst: the catalogue asks for no report, one may still be sent
            report["pages"] = rng.randint(10, 40)
        report["page_format"] = fmt
        report["sections"] = sections
        return report

    def spoil(self, d: dict[str, Any]) -> None:
        """Make a dossier that cannot be judged, the way real input goes wrong."""
        rng = self.rng
        kind = rng.choice(INVALID_KINDS)
        periods = d.get("periods") or []
        if not periods and kind in ("end-before-start", "negative-absence", "too-many-absences"):
            kind = "impossible-date"
        if kind == "impossible-date":
            target = rng.choice(periods) if periods else d
            field = "end" if periods else "training_start"
            target[field] = rng.choice(("2027-02-30", "2027-13-01", "2026-09-31", "2027-00-10"))
        elif kind == "malformed-date":
            d["as_of"] = rng.choice(("20/06/2028", "2028-6-20", "", "2028-06-20T00:00:00"))
        elif kind == "end-before-start":
            p = rng.choice(periods)
            p["start"], p["end"] = p["end"], p["start"]
            if p["start"] == p["end"]:
                p["end"] = _iso(date.fromisoformat(p["start"]) - timedelta(days=1))
        elif kind == "negative-absence":
            rng.choice(periods)["absence_days"] = -rng.randint(1, 5)
        elif kind == "too-many-absences":
            rng.choice(periods)["absence_days"] = 400
        elif kind == "unknown-diploma":
            d["diploma"] = rng.choice(("bts-inconnu", "BTS-CIEL", "cap-cuisine", ""))
        elif kind == "missing-situation":
            d["pathway"] = "formation-continue"
            d.pop("continuing_situation", None)
        else:
            del d["pathway"]


def generate(seed: int, count: int) -> list[dict[str, Any]]:
    generator = Generator(seed)
    return [generator.dossier(number) for number in range(1, count + 1)]


def write_files(dossiers: list[dict[str, Any]], array_path: Path, lines_path: Path) -> None:
    texts = [json.dumps(d, ensure_ascii=False) for d in dossiers]
    array_path.write_text("[\n" + ",\n".join(texts) + "\n]\n", encoding="utf-8")
    lines_path.write_text("\n".join(texts) + "\n", encoding="utf-8")


# --- in-process measures (run in a fresh child: `--worker FILE`) ---------------------------


def worker(path: Path, repeat: int) -> dict[str, Any]:
    """Floor and engine timings on the JSON array file, with this process's peak memory."""
    from milieu.rules import dumps_verdict, evaluate, get_catalogue

    text = path.read_text(encoding="utf-8")
    floor = []
    for _ in range(repeat):
        started = time.perf_counter()
        value = json.loads(text)
        floor.append(time.perf_counter() - started)
        del value  # freeing the dossiers is not part of the parse
        gc.collect()
    result: dict[str, Any] = {
        "floor": min(floor),
        "floor_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    # Diagnostic: the same parse with the cyclic GC off, to show what the GC costs json.loads.
    floor_no_gc = []
    for _ in range(repeat):
        gc.disable()
        started = time.perf_counter()
        value = json.loads(text)
        floor_no_gc.append(time.perf_counter() - started)
        del value
        gc.enable()
        gc.collect()
    result["floor_no_gc"] = min(floor_no_gc)

    started = time.perf_counter()
    get_catalogue()
    result["catalogue"] = time.perf_counter() - started
    engine: list[tuple[float, float]] = []  # (total, of which json.loads)
    verdicts: list[dict[str, Any]] = []
    out_bytes = 0
    for _ in range(repeat):
        verdicts = []
        gc.collect()
        started = time.perf_counter()
        items = json.loads(text)
        loaded = time.perf_counter()
        texts = []
        for item in items:
            verdict = evaluate(item)
            verdicts.append(verdict)
            texts.append(dumps_verdict(verdict))
        finished = time.perf_counter()
        engine.append((finished - started, loaded - started))
        out_bytes = sum(len(t.encode()) for t in texts) + len(texts) + 3
        del items, texts
    result["engine"], result["engine_loads"] = min(engine)
    result["engine_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["output_bytes"] = out_bytes
    result["summary"] = summarise(verdicts)
    return result


def summarise(verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    blocking: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    by_diploma: dict[str, Counter[str]] = {}
    for v in verdicts:
        if "error" in v:
            field = v["error"]["field"]
            errors["/".join(part for part in field.split("/")[:2] if not part.isdigit())] += 1
            continue
        statuses[v["status"]] += 1
        by_diploma.setdefault(f"{v['diploma']} / {v['pathway']}", Counter())[v["status"]] += 1
        for f in v["findings"]:
            codes[f["code"]] += 1
            if f["severity"] == "blocking":
                blocking[f["code"]] += 1
    return {
        "statuses": dict(statuses),
        "errors": dict(errors),
        "codes": dict(codes),
        "blocking": dict(blocking),
        "by_diploma": {k: dict(v) for k, v in sorted(by_diploma.items())},
    }


def run_worker(path: Path, repeat: int) -> dict[str, Any]:
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            str(path),
            "--repeat",
            str(repeat),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


# --- whole command -------------------------------------------------------------------------


def milieu_command() -> str:
    beside = Path(sys.executable).with_name("milieu")
    if beside.exists():
        return str(beside)
    found = shutil.which("milieu")
    if found is None:
        sys.exit("bench: the `milieu` command is not installed (uv sync)")
    return found


def time_command(command: list[str], repeat: int) -> tuple[float, int, int, str]:
    """Best wall time of `command > /dev/null`, its peak RSS (KiB), exit code, stderr head."""
    best = float("inf")
    peak = 0
    code = 0
    stderr_head = ""
    err_path = OUT_DIR / "command.stderr"
    for _ in range(repeat):
        with open(os.devnull, "wb") as devnull, open(err_path, "wb") as err:
            started = time.perf_counter()
            process = subprocess.Popen(command, stdout=devnull, stderr=err)
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        best = min(best, elapsed)
        peak = max(peak, usage.ru_maxrss)
        code = process.returncode
        stderr_head = err_path.read_text(encoding="utf-8", errors="replace")[:300]
    err_path.unlink(missing_ok=True)
    return best, peak, code, stderr_head


# --- report --------------------------------------------------------------------------------


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def _size(n: int) -> str:
    return f"{n / 1_000_000:,.1f} Mo"


def _goal(ok: bool) -> str:
    return "atteint" if ok else "non atteint"


def print_table(count: int, rows: list[tuple[str, str, float, float, str]]) -> None:
    header = f"{'mesure':<44} {'fichier':<6} {'secondes':>9} {'dossiers/s':>11} {'× plancher':>11} {'pic mémoire':>12}"
    print(header)
    print("-" * len(header))
    for label, shape, seconds, floor, memory in rows:
        rate = count / seconds if seconds else float("inf")
        print(
            f"{label:<44} {shape:<6} {seconds:>9.3f} {rate:>11,.0f} {seconds / floor:>10.2f}× {memory:>12}"
        )


def print_goals(count: int, label: str, seconds: float, floor: float) -> None:
    rate = count / seconds
    ratio = seconds / floor
    print(
        f"  {label:<34} {rate:>9,.0f} dossiers/s (objectif ≥ {GOAL_RATE:,}) : {_goal(rate >= GOAL_RATE)} ; "
        f"{ratio:.2f}× le plancher (objectif ≤ {GOAL_RATIO:g}×) : {_goal(ratio <= GOAL_RATIO)}"
    )


def print_summary(summary: dict[str, Any], count: int) -> None:
    def pct(n: int) -> str:
        return f"{n:>7,} ({100 * n / count:5.1f} %)"

    print("\nVerdicts (in-process run):")
    for status in ("compliant", "pending", "non-compliant"):
        print(f"  {status:<16} {pct(summary['statuses'].get(status, 0))}")
    n_errors = sum(summary["errors"].values())
    print(f"  {'error':<16} {pct(n_errors)}")
    if summary["errors"]:
        fields = ", ".join(
            f"{k} {v}" for k, v in sorted(summary["errors"].items(), key=lambda kv: -kv[1])
        )
        print(f"    error fields: {fields}")
    print("\nFindings by code (dossiers showing it; of which blocking):")
    for code, n in sorted(summary["codes"].items(), key=lambda kv: -kv[1]):
        print(f"  {code:<34} {n:>7,}   {summary['blocking'].get(code, 0):>7,}")
    print("\nStatuses by diploma / pathway (compliant / pending / non-compliant):")
    for key, counts in summary["by_diploma"].items():
        total = sum(counts.values())
        print(
            f"  {key:<48} {total:>6,}: {counts.get('compliant', 0):>6,} / "
            f"{counts.get('pending', 0):>6,} / {counts.get('non-compliant', 0):>6,}"
        )


def bench(seed: int, count: int, repeat: int) -> None:
    OUT_DIR.mkdir(exist_ok=True)
    array_path = OUT_DIR / f"dossiers-{seed}-{count}.json"
    lines_path = OUT_DIR / f"dossiers-{seed}-{count}.jsonl"
    load_before = os.getloadavg()[0]
    bench_started = started = time.perf_counter()
    # In a child: on Linux a child's ru_maxrss starts from its parent's peak at fork, so this
    # process must stay small for the memory figures of the processes it starts to be right.
    subprocess.run(
        [sys.executable, __file__, "--generate", "--seed", str(seed), "--count", str(count)],
        check=True,
    )
    print(f"Generated {count:,} dossiers (seed {seed}) in {time.perf_counter() - started:.1f} s:")
    print(f"  {array_path.relative_to(BENCH_DIR.parent)}  {_size(array_path.stat().st_size)}")
    print(f"  {lines_path.relative_to(BENCH_DIR.parent)} {_size(lines_path.stat().st_size)}")

    inproc = run_worker(array_path, repeat)
    milieu = milieu_command()
    cmd_array = time_command([milieu, "check", str(array_path)], repeat)
    cmd_lines = time_command([milieu, "check", str(lines_path)], repeat)
    empty = OUT_DIR / "empty.json"
    empty.write_text("[]\n", encoding="utf-8")
    startup = time_command([milieu, "check", str(empty)], repeat)
    empty.unlink()

    floor = inproc["floor"]
    load_after = os.getloadavg()[0]
    print(
        f"\n{count:,} dossiers; JSON array {_size(array_path.stat().st_size)}, "
        f"JSON Lines {_size(lines_path.stat().st_size)}; verdicts {_size(inproc['output_bytes'])}; "
        f"best of {repeat}; {os.cpu_count()} CPU; Python {sys.version.split()[0]}; "
        f"load average {load_before:.2f} before, {load_after:.2f} after\n"
    )
    print_table(
        count,
        [
            ("plancher : json.loads", "array", floor, floor, _mib(inproc["floor_rss_kib"])),
            (
                "moteur en processus (loads+evaluate+dumps)",
                "array",
                inproc["engine"],
                floor,
                _mib(inproc["engine_rss_kib"]),
            ),
            ("commande milieu check > /dev/null", "array", cmd_array[0], floor, _mib(cmd_array[1])),
            (
                "commande milieu check > /dev/null",
                "jsonl",
                cmd_lines[0],
                floor,
                _mib(cmd_lines[1]),
            ),
            ("(info) json.loads, GC désactivé", "array", inproc["floor_no_gc"], floor, "-"),
        ],
    )
    engine_only = inproc["engine"] - inproc["engine_loads"]
    print(
        f"\nIn-process, best run: json.loads {inproc['engine_loads']:.3f} s + evaluate/dumps_verdict "
        f"{engine_only:.3f} s = {1e6 * engine_only / count:.1f} µs per dossier "
        f"({count / engine_only:,.0f} dossiers/s for the engine alone). With the GC off, json.loads "
        f"takes {inproc['floor_no_gc']:.3f} s: the cyclic GC makes {100 * (1 - inproc['floor_no_gc'] / floor):.0f} % "
        f"of the floor. Every ratio is against the json.loads of the JSON array with the GC on, as the "
        f"command runs it (the JSON Lines file holds the same dossiers, byte for byte)."
    )
    print(
        f"\n(peak memory: the in-process figures are the worker process's ru_maxrss, text and parsed "
        f"dossiers included; the command's is the child's rusage. Command start-up on an empty "
        f"array: {startup[0]:.3f} s, {_mib(startup[1])}; catalogue load in-process: "
        f"{inproc['catalogue']:.3f} s. Exit codes: array {cmd_array[2]}, jsonl {cmd_lines[2]}.)"
    )
    for label, (_, _, code, stderr) in (("array", cmd_array), ("jsonl", cmd_lines)):
        if code not in (0, 1) or stderr.strip():
            print(f"  ! command on {label}: exit {code}, stderr: {stderr.strip()}")

    print("\nGoals (≥ 20,000 dossiers/s and ≤ 5× the json.loads floor):")
    print_goals(count, "moteur en processus (array)", inproc["engine"], floor)
    print_goals(count, "commande milieu check (array)", cmd_array[0], floor)
    print_goals(count, "commande milieu check (jsonl)", cmd_lines[0], floor)
    no_gc = inproc["floor_no_gc"]
    print(
        f"  (against json.loads with the GC off, {no_gc:.3f} s: in-process "
        f"{inproc['engine'] / no_gc:.1f}×, command {cmd_array[0] / no_gc:.1f}× / {cmd_lines[0] / no_gc:.1f}×; "
        f"the ratio goal is easier on large files because the GC slows the floor down)"
    )
    print_summary(inproc["summary"], count)
    print(f"\nBench total: {time.perf_counter() - bench_started:.0f} s.")


# --- profile -------------------------------------------------------------------------------


def profile(seed: int, count: int, top: int) -> None:
    import cProfile
    import pstats

    from milieu.rules import dumps_verdict, evaluate, get_catalogue

    text = "[" + ",".join(json.dumps(d, ensure_ascii=False) for d in generate(seed, count)) + "]"
    get_catalogue()
    items = json.loads(text)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for item in items:
        dumps_verdict(evaluate(item))
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(
        f"cProfile: evaluate + dumps_verdict of {count:,} dossiers (seed {seed}), {elapsed:.2f} s under the profiler"
    )
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs()
    print(f"\n=== top {top} by cumulative time ===")
    stats.sort_stats("cumulative").print_stats(top)
    print(f"\n=== top {top} by total (own) time ===")
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Throughput of milieu.rules on generated dossiers."
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=REPEAT, help="best of N (default 3)")
    parser.add_argument(
        "--profile", type=int, metavar="N", help="instead: cProfile the engine on N dossiers"
    )
    parser.add_argument("--top", type=int, default=15, help="rows of the profile (default 15)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.generate:
        OUT_DIR.mkdir(exist_ok=True)
        write_files(
            generate(options.seed, options.count),
            OUT_DIR / f"dossiers-{options.seed}-{options.count}.json",
            OUT_DIR / f"dossiers-{options.seed}-{options.count}.jsonl",
        )
    elif options.worker is not None:
        print(json.dumps(worker(options.worker, options.repeat)))
    elif options.profile is not None:
        profile(options.seed, options.profile, options.top)
    else:
        bench(options.seed, options.count, options.repeat)


if __name__ == "__main__":
    main()
