"""Secrets sent by e-mail (signing links, codes, tutor links): only their keyed hash is stored."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def hash_token(value: str) -> str:
    """HMAC-SHA256 of `value` under SECRET_KEY: what the database keeps instead of the secret."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
