"""Two schools of one académie (tests/core), with the school screens' helpers."""

from tests.school.conftest import (  # noqa: F401  (fixtures)
    _empty_cache,
    academie,
    rectorat,
    school_a,
    school_b,
)
