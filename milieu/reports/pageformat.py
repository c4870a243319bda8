"""The page format of a report: ISO 216 A4 or A3 (±2 %), or larger, from the pages' sizes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

PageFormat = Literal["A4", "A3", "larger"]

# ISO 216 sizes in PostScript points (1 pt = 1/72 in).
_A4 = (595.28, 841.89)
_A3 = (841.89, 1190.55)
FORMAT_TOLERANCE = 0.02
"""A page still "fits" a format when up to 2 % larger (area and long side)."""

MM_PER_PT = 25.4 / 72
"""Millimetres in a PostScript point."""


def fits(size: tuple[float, float], reference: tuple[float, float]) -> bool:
    limit = 1 + FORMAT_TOLERANCE
    return (
        size[0] * size[1] <= reference[0] * reference[1] * limit
        and max(size) <= max(reference) * limit
    )


def format_of(size: tuple[float, float]) -> PageFormat:
    if fits(size, _A4):
        return "A4"
    if fits(size, _A3):
        return "A3"
    return "larger"


def page_format(sizes: Sequence[tuple[float, float]]) -> PageFormat:
    """The format of the largest page: "A4" or "A3" (or equivalent, ±2 %), else "larger"."""
    return format_of(max(sizes, key=lambda s: s[0] * s[1]))


def format_counts(sizes: Sequence[tuple[float, float]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for size in sizes:
        name = format_of(size)
        counts[name] = counts.get(name, 0) + 1
    return {name: counts[name] for name in ("A4", "A3", "larger") if name in counts}
