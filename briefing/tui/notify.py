"""`say`: a notification whose text is always literal (feed text is data, never markup)."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.notifications import SeverityLevel

from briefing.core.text import clean_line


def say(node: DOMNode, message: str, *, severity: SeverityLevel = "information") -> None:
    """Notify through `node`'s app: control characters removed, never parsed as markup."""
    node.app.notify(clean_line(message, 400), severity=severity, markup=False)
