from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


@pytest.fixture
def probe_storage(settings: Any, tmp_path: Path) -> Path:
    """The default storage (where the readiness probe writes) in a temporary directory."""
    location = tmp_path / "fichiers"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location
