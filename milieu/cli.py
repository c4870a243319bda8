"""`milieu`: the command-line door to the engine, and to Django's management commands.

    milieu check FILE…|-         judge dossiers (JSON object, array or JSON Lines)
    milieu rules list             the diplomas of the catalogue
    milieu rules show ID          one diploma's rules, in French, with their references
    milieu <django command> …     anything else goes to Django (migrate, runserver, loaddemo…)

`check` never imports Django: it is the engine alone, so it starts fast and runs anywhere.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from datetime import date
from typing import IO

from milieu.rules import CatalogueError, Verdict, dumps_verdict, get_catalogue, judge
from milieu.rules.reader import InputError, parse_dossiers
from milieu.rules.text import render_text

EXIT_OK, EXIT_DOSSIER_ERROR, EXIT_UNREADABLE = 0, 1, 2
OWN_COMMANDS = {"check", "rules", "-h", "--help"}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in OWN_COMMANDS:
        return _django(args)
    parser = _parser()
    options = parser.parse_args(args)
    if options.command is None:
        parser.print_help()
        return EXIT_OK
    try:
        result: int = options.handler(options)
    except BrokenPipeError:  # `milieu rules show x | head`: the reader left, nothing to say
        sys.stderr.close()
        return EXIT_OK
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="milieu",
        description="Milieu : juger les dossiers de stage au regard de la réglementation des diplômes.",
        epilog="Toute autre commande est transmise à Django (ex. : milieu migrate, milieu runserver).",
    )
    commands = parser.add_subparsers(dest="command", title="commandes")
    check = commands.add_parser("check", help="juger des dossiers (contrat v1)")
    check.add_argument(
        "files",
        nargs="+",
        metavar="FICHIER",
        help="fichier JSON, tableau JSON ou JSON Lines ; « - » pour l'entrée standard",
    )
    check.add_argument(
        "--format",
        choices=("json", "text"),
        default="json",
        help="json (par défaut) ou text : un rapport en français",
    )
    check.add_argument(
        "--as-of",
        dest="as_of",
        metavar="AAAA-MM-JJ",
        help="date de jugement des dossiers qui n'en donnent pas (défaut : aujourd'hui)",
    )
    check.add_argument(
        "--no-progress", action="store_true", help="ne pas afficher de barre de progression"
    )
    check.set_defaults(handler=_check)

    rules = commands.add_parser("rules", help="consulter le catalogue des règles")
    rules_commands = rules.add_subparsers(
        dest="rules_command", required=True, title="sous-commandes"
    )
    rules_commands.add_parser("list", help="les diplômes du catalogue").set_defaults(
        handler=_rules_list
    )
    show = rules_commands.add_parser("show", help="les règles d'un diplôme")
    show.add_argument("diploma", metavar="ID", help="identifiant du diplôme (ex. bts-ciel)")
    show.set_defaults(handler=_rules_show)
    return parser


def _fail(message: str) -> int:
    print(f"milieu : {message}", file=sys.stderr)
    return EXIT_UNREADABLE


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    with open(name, encoding="utf-8") as handle:
        return handle.read()


class _Progress:
    """A progress bar on standard error, only for a terminal and a large batch."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled and total >= 2000 and sys.stderr.isatty()
        self.step = max(total // 100, 1)

    def update(self, done: int) -> None:
        if self.enabled and (done % self.step == 0 or done == self.total):
            width = 30
            filled = width * done // self.total
            sys.stderr.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} dossiers"
            )
            if done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def _check(options: argparse.Namespace) -> int:
    # A batch builds many small acyclic objects: the cyclic garbage collector would only rescan
    # them over and over (it made three quarters of the time of `json.loads` on 100,000
    # dossiers). The process is short-lived; its memory is released at exit.
    gc.disable()
    today = date.today()
    if options.as_of:
        try:
            today = date.fromisoformat(options.as_of)
        except ValueError:
            return _fail(f"--as-of : « {options.as_of} » n'est pas une date AAAA-MM-JJ")
    try:
        catalogue = get_catalogue()
    except CatalogueError as error:
        return _fail(str(error))

    out: IO[str] = sys.stdout
    status = EXIT_OK
    position = 0
    for name in options.files:
        try:
            shape, items = parse_dossiers(_read(name))
        except FileNotFoundError:
            return _fail(f"{name} : fichier introuvable")
        except (OSError, UnicodeDecodeError) as error:
            return _fail(f"{name} : lecture impossible ({error})")
        except InputError as error:
            return _fail(f"{'entrée standard' if name == '-' else name} : {error}")
        progress = _Progress(len(items), not options.no_progress)
        results: list[Verdict] = []
        for index, item in enumerate(items, start=1):
            result = judge(item, today=today, catalogue=catalogue)
            if "error" in result:
                status = EXIT_DOSSIER_ERROR
            results.append(result)
            progress.update(index)
        if options.format == "text":
            for result in results:
                position += 1
                out.write(render_text(result, catalogue, position))
                out.write("\n")
        else:
            _write_json(out, shape, [dumps_verdict(result) for result in results])
    out.flush()
    return status


def _write_json(out: IO[str], shape: str, texts: list[str]) -> None:
    """The output mirrors the input: an object, an array, or JSON Lines."""
    if shape == "array":
        if not texts:
            out.write("[]\n")
            return
        out.write("[\n")
        for start in range(0, len(texts), 5000):
            chunk = texts[start : start + 5000]
            out.write(",\n".join(chunk))
            out.write(",\n" if start + 5000 < len(texts) else "\n")
        out.write("]\n")
    else:
        for start in range(0, len(texts), 5000):
            out.write("\n".join(texts[start : start + 5000]))
            out.write("\n")


_SEVERITY = {"blocking": "bloquant", "warning": "avertissement", "info": "information"}
_MODES = {
    "stage": "stage",
    "apprenticeship": "apprentissage (pièces de l'employeur)",
    "work-experience": "certificats de travail (expérience récente)",
    "professional-experience": "certificats de travail",
}


def _rules_list(options: argparse.Namespace) -> int:
    try:
        catalogue = get_catalogue()
    except CatalogueError as error:
        return _fail(str(error))
    width = max(len(i) for i in catalogue.ids())
    print(f"{'identifiant'.ljust(width)}  {'règles':>6}  diplôme (texte source)")
    for diploma_id in catalogue.ids():
        diploma = catalogue.diplomas[diploma_id]
        print(
            f"{diploma_id.ljust(width)}  {len(diploma.rules):>6}  {diploma.title} ({diploma.seed})"
        )
    return EXIT_OK


def _rules_show(options: argparse.Namespace) -> int:
    try:
        catalogue = get_catalogue()
    except CatalogueError as error:
        return _fail(str(error))
    diploma = catalogue.get(options.diploma)
    if diploma is None:
        return _fail(
            f"diplôme « {options.diploma} » inconnu ; diplômes du catalogue : {', '.join(catalogue.ids())}"
        )
    print(f"{diploma.title}\nTexte source : {diploma.seed}\n")
    print("Voies de formation :")
    for pathway in diploma.pathways.values():
        print(
            f"  - {pathway.key} [{_MODES[pathway.mode]}] : {pathway.text}\n    référence : {pathway.ref}"
        )
    print("\nRègles :")
    for rule in diploma.rules:
        print(f"  {rule.id} — {rule.title}")
        print(f"    gravité : {_SEVERITY[rule.severity]} ; voies : {', '.join(rule.pathways)}")
        print(f"    {rule.text}")
        print(f"    référence : {rule.ref}")
        if rule.decision:
            print(f"    décision : {rule.decision}")
    return EXIT_OK


def _django(args: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "milieu.settings")
    # Imported here on purpose: `milieu check` and `milieu rules` must neither load Django nor
    # pay for its import (tests/test_cli.py checks it); only the commands handed to Django do.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["milieu", *args])
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
