"""The public « Données personnelles » page in the URL matrix."""

from __future__ import annotations

from typing import Any

from tests.test_url_matrix import PUBLIC, Kwargs

ENTRIES: dict[str, tuple[Kwargs, str, dict[str, Any]]] = {
    "dataprotection:privacy": (lambda w: {}, "get", PUBLIC),
}
