"""`milieu.exams` sits above the other apps: it imports them, they do not import it, except
at the view level (pages that show a verdict), the dashboard's count and the demo. The convention
checks, below it, receive the dossier builder when the app is ready."""

from __future__ import annotations

import ast
from pathlib import Path

import milieu

ROOT = Path(milieu.__file__).parent
ALLOWED = {
    "establishments/views.py",
    "students/views.py",
    "reports/views.py",
    "evidence/views.py",
    "people/dashboard.py",
    "people/queues.py",
    "demo/academie.py",
    "urls.py",
    "settings.py",
    "context_processors.py",  # every template compares statuses with the enums
    "api.py",  # the API's root mounts the exam service's router
    "dataprotection/retention.py",  # the purge deletes the exam side's data past retention
}


def importers_of_exams() -> set[str]:
    found = set()
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("exams/") or "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            if any(n == "milieu.exams" or n.startswith("milieu.exams.") for n in names):
                found.add(relative)
        if '"milieu.exams' in path.read_text(encoding="utf-8"):
            found.add(relative)
    return found


def test_only_views_the_dashboard_and_the_demo_import_the_exams_app() -> None:
    importers = importers_of_exams()
    assert importers <= ALLOWED, sorted(importers - ALLOWED)
    assert "students/views.py" in importers  # the scan does see imports


def test_the_convention_checks_receive_the_dossier_builder() -> None:
    from milieu.conventions import checks
    from milieu.exams.assembly import build_dossier

    assert checks._dossier_builder == [build_dossier]
