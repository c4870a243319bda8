"""The three doors of the checker, for the security tests of issue 9 (items 2 and 7).

Each helper sends one text through one door and gives back what a user would get: the CLI's exit
code, standard output and standard error; the API's status and body; the page's status and HTML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from milieu.cli import main
from tests.web.conftest import verdict_texts

API = "/api/v1/dossiers/check"
PAGE = "/dossiers/verifier/"


def through_cli(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    path = tmp_path / "dossier.json"
    path.write_text(text, encoding="utf-8")
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def through_api(client: Client, body: str | bytes, **extra: Any) -> Any:
    return client.post(API, data=body, content_type="application/json", **extra)


def through_page(client: Client, text: str, **extra: Any) -> Any:
    return client.post(PAGE, {"dossier": text}, **extra)


def page_verdicts(response: Any) -> list[str]:
    return verdict_texts(response.content.decode())
