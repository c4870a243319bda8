"""The regulation engine: pure Python, no Django import.

Public interface (everything else in Milieu calls these; nothing re-implements a rule):

- ``evaluate(dossier, *, today=None) -> dict``: the verdict of one dossier (contract v1.1,
  ``shared/spec/dossier.md``), or ``{"id": ..., "error": {"field": ..., "message": ...}}`` when it
  cannot be judged. Never raises for a bad dossier. ``judge`` is the same, typed as a `Verdict`
  (`milieu.rules.verdicts`: the engine's output; its input, the dossier read, is in
  `milieu.rules.records`).
- ``dumps_verdict(result) -> str``: the one canonical JSON text of a verdict (CLI, API and web
  all print this, so they agree byte for byte).
- ``get_catalogue() -> Catalogue``: the diplomas' rules, loaded once and validated by a schema.
"""

from milieu.rules.catalogue import Catalogue, CatalogueError, Diploma, get_catalogue, load_catalogue
from milieu.rules.engine import evaluate, judge
from milieu.rules.output import dumps_verdict
from milieu.rules.verdicts import Finding, Verdict, VerdictError, WeeksRequired

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Diploma",
    "Finding",
    "Verdict",
    "VerdictError",
    "WeeksRequired",
    "dumps_verdict",
    "evaluate",
    "get_catalogue",
    "judge",
    "load_catalogue",
]
