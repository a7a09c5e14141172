"""`say`: a notification whose text is always literal (feed text is data, never markup)."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.notifications import SeverityLevel

from briefing.core.text import clean_line

ERROR_TIMEOUT = 24 * 3600.0
"""Seconds an error notice stays: until dismissed (a click), not the usual few seconds."""


def items(count: int) -> str:
    """ "1 item", "2 items" (never "1 items")."""
    return f"{count:,} item" if count == 1 else f"{count:,} items"


def say(node: DOMNode, message: str, *, severity: SeverityLevel = "information") -> None:
    """Notify through `node`'s app: control characters removed, never parsed as markup."""
    # An error (a failed fetch, a bad search) waits to be read; the rest fade as usual.
    timeout = ERROR_TIMEOUT if severity == "error" else None
    node.app.notify(clean_line(message, 400), severity=severity, markup=False, timeout=timeout)
