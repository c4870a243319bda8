"""The README is the operator's manual: every environment variable the settings read is in its
table, and the two commands that matter are its numbered steps."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_documented() -> None:
    settings_text = (ROOT / "milieu" / "settings.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = set(re.findall(r'env_[a-z]+\(\s*"([A-Z][A-Z0-9_]+)"', settings_text))
    names.discard("CACHE_LOCATION")  # read only to refuse it, pointing to CACHE_URL
    assert len(names) > 20
    missing = sorted(name for name in names if f"| `{name}` |" not in readme)
    assert missing == []


def test_the_two_commands_are_the_readmes_steps() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "## Démarrer" in readme
