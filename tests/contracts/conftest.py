"""Two schools of one académie (tests/core) and their continuing-education candidates."""

from __future__ import annotations

from tests.core.conftest import (  # noqa: F401  (fixtures re-exported)
    School,
    academie,
    make_school,
    other_rectorat,
    rectorat,
    school_a,
    school_b,
)
