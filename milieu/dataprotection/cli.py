"""What the backup, restore and purge commands share: who ran them, for the audit journal."""

from __future__ import annotations

import getpass


def command_actor(command: str) -> str:
    """The audit journal's author of a command run from a shell (no account behind it)."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):
        account = "inconnu"
    return f"milieu {command} (ligne de commande, compte système « {account} »)"
