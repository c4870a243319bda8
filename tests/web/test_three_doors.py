"""The contract's promise: the CLI, the API and the web page give the same verdict, byte for byte.

Every example of ``shared/spec/examples/examples.json`` and ``examples_v11.json`` (contract v1.1)
and every sample dossier goes through the three doors; the texts must be identical.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from milieu.checker.samples import all_samples

REPO = Path(__file__).resolve().parents[2]
# The installed ``milieu`` command, whatever its entry point script looks like.
CLI = [sys.executable, "-c", "import sys; from milieu.cli import main; sys.exit(main())"]
EXAMPLES_DIR = (REPO / ".." / "shared" / "spec" / "examples").resolve()
EXAMPLES = EXAMPLES_DIR / "examples.json"
EXAMPLES_V11 = EXAMPLES_DIR / "examples_v11.json"


def _cases() -> list[Any]:
    cases: list[Any] = []
    for path in (EXAMPLES, EXAMPLES_V11):
        if path.is_file():
            for example in json.loads(path.read_text("utf-8")):
                cases.append(pytest.param(example["dossier"], id=f"example:{example['name']}"))
        else:
            cases.append(
                pytest.param(
                    None,
                    id=f"{path.stem}-absent",
                    marks=pytest.mark.skip(
                        reason=f"{path} est absent : le dossier shared/ doit être à côté du dépôt."
                    ),
                )
            )
    for sample in all_samples():
        cases.append(pytest.param(sample.dossier, id=f"sample:{sample.slug}"))
    return cases


def through_cli(dossier: dict[str, Any], tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "dossier.json"
    path.write_text(json.dumps(dossier, ensure_ascii=False), "utf-8")
    completed = subprocess.run(
        [*CLI, "check", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )
    assert completed.returncode in (0, 1), completed.stderr
    return completed.returncode, completed.stdout.rstrip("\n")


@pytest.mark.parametrize("dossier", _cases())
def test_cli_api_and_web_page_agree_byte_for_byte(
    dossier: dict[str, Any], tmp_path: Path, client: Client, read_verdicts: Any
) -> None:
    assert "as_of" in dossier, "a dossier compared across doors must be judged on a fixed day"

    exit_code, cli_text = through_cli(dossier, tmp_path)
    api = client.post(
        "/api/v1/dossiers/check", data=json.dumps(dossier), content_type="application/json"
    )
    page = client.post("/dossiers/verifier/", {"dossier": json.dumps(dossier, indent=2)})

    assert page.status_code == 200
    assert read_verdicts(page.content.decode()) == [cli_text]
    assert api.content.decode() == cli_text
    is_error = "error" in json.loads(cli_text)
    assert api.status_code == (422 if is_error else 200)
    assert exit_code == (1 if is_error else 0)
