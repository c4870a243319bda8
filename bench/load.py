"""Load test: concurrent signed-in users of every role against a running Milieu, through the loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/milieu_serve .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --duration 30
    DATABASE_URL=… .venv/bin/python bench/load.py --processes 2   # 2 servers behind a round-robin

Without --url, the bench starts what `make serve` starts (gunicorn with deploy/gunicorn.conf.py,
DEBUG off, JSON logs in bench/out/, and `milieu worker`) on the database of DATABASE_URL, which
must hold the demonstration (`milieu loaddemo`). With --processes 2 it starts two gunicorn
servers on two ports, sharing the database and a Redis cache (CACHE_URL, by default
redis://127.0.0.1:6379/15), behind a round-robin TCP proxy written here; it then shows that a
session opened on one server works on the other, and that failed logins and the checker's rate
limit are counted across both.

Each user signs in with a demonstration account (every role), then, until the end, asks for a
page, waits a random think time (--think seconds on average, 0 = none) and asks for another:
dashboard, the exam board, student, cohort and convention pages, the search, the checker
(POST /api/v1/dossiers/check). Numbers only, no timed assertion: per page, the count, p50, p95,
p99 and the largest time in milliseconds and the errors, then the throughput.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import http.cookies
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PASSWORD = "milieu-demo-2026"
SAMPLE = ROOT / "milieu" / "checker" / "samples" / "example-ciel-compliant.json"

STAFF = [
    f"{role}.{school}@demo.milieu.fr"
    for school in ("rostand", "couffignal", "bloch")
    for role in ("ddfpt", "chef", "prof1", "secretariat")
]
RECTORAT = ["examens@demo.milieu.fr", "delegue.recteur@demo.milieu.fr"]
STUDENTS = [f"eleve.{school}@demo.milieu.fr" for school in ("rostand", "couffignal", "bloch")]
STUDENTS.append("eleve.stage@demo.milieu.fr")

# the pages each kind of account asks for, with their weights
MIX = {
    "staff": [
        ("tableau de bord", 3),
        ("page élève", 4),
        ("page promotion", 2),
        ("page convention", 3),
        ("recherche", 2),
        ("vérification (API)", 1),
    ],
    "rectorat": [
        ("tableau de bord", 2),
        ("tableau des examens", 3),
        ("vérification (API)", 1),
        ("page vérification", 1),
    ],
    "student": [
        ("tableau de bord", 3),
        ("page élève", 2),
        ("vérification (API)", 1),
    ],
}
SEARCH_TERMS = ["ma", "le", "dupont", "an", "ro", "ber", "ch", "2006"]


# --- a small HTTP client: one keep-alive connection, cookies, no redirects followed ------------


class Client:
    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.last_page = b""

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        all_headers = {"Accept-Encoding": "identity", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=all_headers)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
                continue
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    cookie = http.cookies.SimpleCookie()
                    cookie.load(value)
                    for name, morsel in cookie.items():
                        if morsel["max-age"] == "0" or morsel.value == "":
                            self.cookies.pop(name, None)
                        else:
                            self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, content
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def log_in(client: Client, email: str, password: str = PASSWORD) -> int:
    """The status of the login form's answer: 302 when signed in, 200 when refused (and
    `client.last_page` holds the form with its message)."""
    status, _, page = client.request("GET", "/connexion/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not match:
        raise RuntimeError(f"page de connexion illisible ({status})")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match[1].decode(), "username": email, "password": password}
    ).encode()
    status, _, client.last_page = client.request(
        "POST",
        "/connexion/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{client.host}:{client.port}/connexion/",
        },
    )
    return status


# --- what each account can open, found by following its own links ------------------------------


@dataclass
class Links:
    students: list[str] = field(default_factory=list)
    cohorts: list[str] = field(default_factory=list)
    conventions: list[str] = field(default_factory=list)


def _links(page: bytes, pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern, page.decode("utf-8", "replace"))))


def discover(client: Client) -> Links:
    links = Links()
    for path in ("/tableau-de-bord/", "/promotions/", "/conventions/"):
        status, _, page = client.request("GET", path)
        if status != 200:
            continue
        links.students += _links(page, r'href="(/eleves/\d+/)"')
        links.cohorts += _links(page, r'href="(/promotions/\d+/)"')
        links.conventions += _links(page, r'href="(/conventions/\d+/)"')
    for cohort in sorted(set(links.cohorts))[:3]:
        status, _, page = client.request("GET", cohort)
        if status == 200:
            links.students += _links(page, r'href="(/eleves/\d+/)"')
            links.conventions += _links(page, r'href="(/conventions/\d+/)"')
    links.students = sorted(set(links.students))
    links.cohorts = sorted(set(links.cohorts))
    links.conventions = sorted(set(links.conventions))
    return links


# --- the users ---------------------------------------------------------------------------------


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, milliseconds: float, error: str | None) -> None:
        with self.lock:
            self.times[page].append(milliseconds)
            if error:
                self.errors[page] += 1
                self.examples.setdefault(page, error)


def kind_of(email: str) -> str:
    if email in RECTORAT:
        return "rectorat"
    if email.startswith("eleve."):
        return "student"
    return "staff"


def one_request(client: Client, page: str, links: Links, rng: random.Random) -> tuple[str, str]:
    """(method and path, expected content type) of one page of kind `page`."""
    if page == "tableau de bord":
        return "GET /tableau-de-bord/", "text/html"
    if page == "tableau des examens":
        return "GET /examens/tableau/", "text/html"
    if page == "page vérification":
        return "GET /dossiers/verifier/", "text/html"
    if page == "page élève":
        return f"GET {rng.choice(links.students)}", "text/html"
    if page == "page promotion":
        return f"GET {rng.choice(links.cohorts)}", "text/html"
    if page == "page convention":
        return f"GET {rng.choice(links.conventions)}", "text/html"
    if page == "recherche":
        return f"GET /eleves/recherche/?q={rng.choice(SEARCH_TERMS)}", "text/html"
    return "POST /api/v1/dossiers/check", "application/json"


def user(
    number: int,
    email: str,
    links: Links,
    client: Client,
    results: Results,
    stop_at: float,
    think: float,
) -> None:
    rng = random.Random(number)
    choices = [
        (page, weight)
        for page, weight in MIX[kind_of(email)]
        if not (page == "page élève" and not links.students)
        and not (page == "page promotion" and not links.cohorts)
        and not (page == "page convention" and not links.conventions)
    ]
    pages = [page for page, _ in choices]
    weights = [weight for _, weight in choices]
    body = SAMPLE.read_bytes()
    time.sleep(rng.random() * max(think, 0.2))  # not everybody at the same instant
    while time.monotonic() < stop_at:
        page = rng.choices(pages, weights)[0]
        target, expected = one_request(client, page, links, rng)
        method, path = target.split(" ", 1)
        started = time.perf_counter()
        error = None
        try:
            if method == "POST":
                status, headers, _ = client.request(
                    "POST", path, body=body, headers={"Content-Type": "application/json"}
                )
            else:
                status, headers, _ = client.request("GET", path)
            if status != 200:
                error = f"{status} {path}"
            elif not headers.get("content-type", "").startswith(expected):
                error = f"{headers.get('content-type')} {path}"
        except (OSError, http.client.HTTPException) as failure:
            error = f"{type(failure).__name__} {path}"
        results.add(page, (time.perf_counter() - started) * 1000, error)
        if think > 0:
            pause = min(rng.expovariate(1 / think), think * 5)
            time.sleep(max(0.0, min(pause, stop_at - time.monotonic())))


# --- servers started by the bench ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(base: str, path: str = "/sante/", timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = Client(base).request("GET", path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{base}{path} ne répond pas après {timeout:.0f} s (voir bench/out/).")


def start_servers(args: argparse.Namespace) -> tuple[list[str], list[subprocess.Popen[bytes]]]:
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit(
            "Donnez --url, ou DATABASE_URL (une base PostgreSQL qui contient la démonstration : "
            "createdb, milieu migrate, milieu loaddemo) pour que le banc démarre les serveurs."
        )
    OUT.mkdir(parents=True, exist_ok=True)
    environ = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "LOG_FORMAT": "json",
        "SECURE_COOKIES": "false",  # plain HTTP on the loopback
        "HOST": "127.0.0.1",
        "WEB_WORKERS": str(args.workers),
        "WEB_THREADS": str(args.threads),
    }
    if args.processes > 1:
        environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/15")
    static_root = Path(environ.setdefault("STATIC_ROOT", str(ROOT / "staticfiles")))
    python = sys.executable
    if not (static_root / "staticfiles.json").exists():
        print(f"collectstatic dans {static_root} (une fois ; quelques minutes)…", flush=True)
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=environ,
            check=True,
        )
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=environ, check=True
    )
    processes: list[subprocess.Popen[bytes]] = []
    bases = []
    worker_log = open(OUT / "load-worker.log", "wb")  # noqa: SIM115
    processes.append(
        subprocess.Popen(
            [python, "manage.py", "worker", "--no-reload", "-v", "1"],
            cwd=ROOT,
            env=environ,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
    )
    for _ in range(args.processes):
        port = free_port()
        log = open(OUT / f"load-gunicorn-{port}.log", "wb")  # noqa: SIM115
        processes.append(
            subprocess.Popen(
                [python, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "milieu.wsgi"],
                cwd=ROOT,
                env={**environ, "PORT": str(port)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        wait_for(base)
    return bases, processes


class RoundRobinProxy(threading.Thread):
    """A TCP proxy on the loopback: each new connection goes to the next backend in turn."""

    def __init__(self, backends: list[str]) -> None:
        super().__init__(daemon=True)
        self.backends = [urllib.parse.urlsplit(base) for base in backends]
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = [0] * len(backends)
        self._next = 0

    def run(self) -> None:
        while True:
            try:
                downstream, _ = self.listener.accept()
            except OSError:
                return
            index = self._next % len(self.backends)
            self._next += 1
            self.connections[index] += 1
            backend = self.backends[index]
            try:
                upstream = socket.create_connection((backend.hostname, backend.port))
            except OSError:
                downstream.close()
                continue
            for source, target in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()


def shared_state(bases: list[str]) -> list[str]:
    """Sessions, failed logins and the checker's limit, seen from two servers."""
    lines = []
    first, second = Client(bases[0]), Client(bases[1])
    status = log_in(first, "ddfpt.rostand@demo.milieu.fr")
    second.cookies = dict(first.cookies)
    seen, _, _ = second.request("GET", "/tableau-de-bord/")
    lines.append(
        f"session ouverte sur {bases[0]} (connexion : {status}), tableau de bord demandé à "
        f"{bases[1]} avec le même cookie : {seen} ({'partagée' if seen == 200 else 'NON partagée'})"
    )
    unknown = f"inconnu-{secrets.token_hex(4)}@demo.milieu.fr"
    answers = []
    for attempt in range(7):
        client = Client(bases[attempt % 2])
        log_in(client, unknown, "mauvais-mot-de-passe")
        answers.append("limite" if b"Trop de tentatives" in client.last_page else "échec")
        client.close()
    refused_from = next((i for i, answer in enumerate(answers) if answer == "limite"), None)
    lines.append(
        "tentatives de connexion ratées sur un même compte, alternées entre les deux serveurs : "
        + " ".join(answers)
        + (
            f" — refusés à partir de la tentative n° {refused_from + 1}, comptée sur les deux"
            if refused_from is not None
            else " — aucun refus : compteurs NON partagés ?"
        )
    )
    body = SAMPLE.read_bytes()
    codes: list[int] = []
    anonymous = [Client(base) for base in bases]
    for attempt in range(200):
        status, _, _ = anonymous[attempt % 2].request(
            "POST",
            "/api/v1/dossiers/check",
            body=body,
            headers={"Content-Type": "application/json"},
        )
        codes.append(status)
        if status == 429:
            break
    accepted = codes.count(200)
    lines.append(
        f"vérifications sans compte alternées entre les deux serveurs : {accepted} acceptées, "
        f"puis {codes[-1]} (limite PUBLIC_CHECK_RATE comptée une fois pour les deux : "
        f"{'oui' if codes[-1] == 429 else 'non'})"
    )
    for client in (first, second, *anonymous):
        client.close()
    return lines


# --- main --------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--url", help="adresse d'un Milieu déjà servi (sinon le banc démarre gunicorn)"
    )
    parser.add_argument("--duration", type=float, default=60.0, help="secondes de charge (60)")
    parser.add_argument("--users", type=int, default=50, help="utilisateurs simultanés (50)")
    parser.add_argument("--think", type=float, default=1.0, help="temps de réflexion moyen, s (1)")
    parser.add_argument(
        "--processes", type=int, default=1, choices=(1, 2), help="serveurs gunicorn (1)"
    )
    parser.add_argument("--workers", type=int, default=2, help="WEB_WORKERS de chaque serveur (2)")
    parser.add_argument("--threads", type=int, default=4, help="WEB_THREADS de chaque serveur (4)")
    args = parser.parse_args()

    processes: list[subprocess.Popen[bytes]] = []
    proxy = None
    try:
        if args.url:
            bases = [args.url.rstrip("/")]
        else:
            bases, processes = start_servers(args)
        notes = []
        if len(bases) == 2:
            notes = shared_state(bases)
            proxy = RoundRobinProxy(bases)
            proxy.start()
            target = f"http://127.0.0.1:{proxy.port}"
        else:
            target = bases[0]

        accounts = STAFF + RECTORAT + STUDENTS
        print(
            f"Cible : {target} ({', '.join(bases)}) ; {args.users} utilisateurs, "
            f"{args.duration:.0f} s, réflexion moyenne {args.think} s",
            flush=True,
        )
        clients: list[tuple[str, Client, Links]] = []
        known: dict[str, Links] = {}
        for number in range(args.users):
            email = accounts[number % len(accounts)]
            client = Client(target)
            status = log_in(client, email)
            if status != 302:
                raise SystemExit(
                    f"connexion refusée pour {email} ({status}) : la démonstration est-elle chargée ?"
                )
            if email not in known:
                known[email] = discover(client)
            clients.append((email, client, known[email]))
        print(f"{len(clients)} utilisateurs connectés ({len(known)} comptes).", flush=True)

        results = Results()
        started = time.monotonic()
        stop_at = started + args.duration
        threads = [
            threading.Thread(
                target=user,
                args=(number, email, links, client, results, stop_at, args.think),
                daemon=True,
            )
            for number, (email, client, links) in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

        width = max(len(page) for page in results.times) + 2
        print()
        print(
            f"{'page':<{width}} {'requêtes':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'erreurs':>8}"
        )
        everything: list[float] = []
        for page in sorted(results.times, key=lambda p: -len(results.times[p])):
            values = results.times[page]
            everything += values
            print(
                f"{page:<{width}} {len(values):>9} {statistics.median(values):>8.0f} "
                f"{percentile(values, 0.95):>8.0f} {percentile(values, 0.99):>8.0f} "
                f"{max(values):>8.0f} {results.errors[page]:>8}"
            )
        errors = sum(results.errors.values())
        print(
            f"{'toutes':<{width}} {len(everything):>9} {statistics.median(everything):>8.0f} "
            f"{percentile(everything, 0.95):>8.0f} {percentile(everything, 0.99):>8.0f} "
            f"{max(everything):>8.0f} {errors:>8}"
        )
        print()
        print(f"Débit : {len(everything) / elapsed:.1f} requêtes/s sur {elapsed:.0f} s.")
        p95 = percentile(everything, 0.95)
        print(
            f"Objectif (0 erreur, p95 ≤ 300 ms) : "
            f"{'atteint' if errors == 0 and p95 <= 300 else 'non atteint'} "
            f"({errors} erreur(s), p95 {p95:.0f} ms). Charge moyenne : "
            + " ".join(f"{load:.2f}" for load in os.getloadavg())
        )
        for page, example in results.examples.items():
            print(f"  première erreur, {page} : {example}")
        if proxy is not None:
            print(
                "Connexions réparties par le tourniquet : "
                + ", ".join(
                    f"{base} : {count}"
                    for base, count in zip(bases, proxy.connections, strict=True)
                )
            )
        for note in notes:
            print(f"Partagé : {note}")
        for _, client, _ in clients:
            client.close()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
