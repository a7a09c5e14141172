"""Type-ahead: keys typed faster than a dialog opens are kept and replayed to it, in order.

Textual hands each key to the widget focused when the key is read, and runs a binding only when
the key has bubbled up to the App. So with `n`, a note and `ctrl+s` arriving at once (a busy app,
a paste, tmux send-keys), the note's keys reach the item list before the note dialog exists, and
run as triage keys. The screen below holds them while a dialog opens; the dialog takes them
once its field has focus (issue 17).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App

HeldKey = tuple[str, str | None]
"""A key as Textual names it, and the character it types (None for keys like enter)."""


def hold(event: events.Key, held: list[HeldKey]) -> None:
    """Keep `event` for later: it goes no further now (no binding runs for it)."""
    event.stop()
    event.prevent_default()
    held.append((event.key, event.character))


def replay(app: App[Any], held: list[HeldKey]) -> None:
    """Send the held keys to the app again, as if just typed; `held` is emptied."""
    keys = list(held)
    held.clear()
    for key, character in keys:
        event = events.Key(key, character)
        event.set_sender(app)
        app.post_message(event)
