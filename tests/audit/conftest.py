"""Two schools of one académie (tests/core), and an empty cache for each test (sign-in
throttling lives there)."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.core.conftest import (  # noqa: F401  (fixtures)
    academie,
    rectorat,
    school_a,
    school_b,
)


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
