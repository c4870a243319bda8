"""Hostile values shared by the door tests of `tests/security/test_hostile_*_doors.py`."""

from __future__ import annotations

LONG = "A" * 10_000
NUL = "Texte\x00caché"
CONTROL = "Texte\x07\x1bcaché"
RTL = "facture\u202egnp.exe"
SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)"]
BAD_DATES = ["0001-01-01", "9999-12-31", "2028-02-31", "31/02/2028", "demain", "2028-13-01"]
BAD_NUMBERS = ["-1", "-99999", "1" + "0" * 30, "abc", "1e400", "NaN", "²"]


ENGLISH = ("Enter a valid", "This field is required", "Null characters", "Ensure this value")


def no_traceback(html: str) -> None:
    """No server error page, and no error message left in Django's English."""
    assert "Traceback" not in html and "Server Error" not in html
    assert not [words for words in ENGLISH if words in html]
