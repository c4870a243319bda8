"""The exam side's refusals: an operation refused, and a form's fields that are wrong."""

from __future__ import annotations

from milieu.refusals import Refused


class ExamsRefused(Refused):
    """An operation refused, with a French message for the page."""


class ExamsInvalid(ExamsRefused):
    """Fields that are wrong: `errors` maps each field to its French message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors
