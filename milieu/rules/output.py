"""The one canonical text of a verdict, and French number and date formats for messages."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from datetime import date
from typing import Any, overload

from milieu.rules.verdicts import Verdict

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps_verdict(result: Verdict | Mapping[str, Any]) -> str:
    """CLI, API and web print exactly this text for one dossier (contract: byte for byte)."""
    return _encoder.encode(result)


def fr_number(value: float) -> str:
    """11.4 -> "11,4"; 12.0 -> "12"; at most two decimals."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@functools.lru_cache(maxsize=8192)
def fr_date(ordinal: int) -> str:
    return date.fromordinal(ordinal).strftime("%d/%m/%Y")


def fr_weeks(value: float) -> str:
    return f"{fr_number(value)} semaine" + ("s" if value >= 2 else "")


@overload
def json_number(value: float) -> int | float: ...
@overload
def json_number(value: None) -> None: ...
@overload
def json_number(value: float | None) -> int | float | None: ...
def json_number(value: float | None) -> int | float | None:
    """Whole numbers as JSON integers (12), others with at most two decimals (7.5)."""
    if value is None:
        return None
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded
